import pg from "pg";

/** Whether a PostgreSQL server answers at `connectionString` (tests that need one skip, or fail in CI, without). */
export async function postgresReachable(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Ends every server session opened with `application_name` (as a restart or failover would), returning how many. */
export async function terminateSessions(connectionString: string, applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ ended: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [applicationName],
    );
    return rows.filter((r) => r.ended).length;
  } finally {
    await client.end();
  }
}
