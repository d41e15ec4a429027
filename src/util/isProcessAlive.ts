/**
 * Whether a process with this pid runs on this machine: a signal 0 checks without disturbing it. EPERM
 * means it exists but belongs to another user, so it is alive too. Lock holders use it to tell a lock left
 * by a process that died from one still in use.
 *
 * @example
 * if (!isProcessAlive(holder.pid)) takeOver();
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
