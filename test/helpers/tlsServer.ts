import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/tls");

/**
 * The test-only CA certificate the TLS double serves (self-signed, for the host name
 * `moa-test.invalid` only). Trusting it (NODE_EXTRA_CA_CERTS) turns "self-signed" into "hostname mismatch"
 * at https://127.0.0.1.
 */
export const TEST_CERT_FILE = path.join(fixtures, "moa-test.invalid.cert.pem");

/** A started HTTPS server on 127.0.0.1 with the test certificate. */
export interface TlsServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** Connections clients opened (one per attempt: a failed handshake ends it). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server whose certificate no client trusts by default, answering every request with
 * `handler` (default: an Ollama-like `{"version": ...}`), so clients fail in the TLS handshake.
 */
export async function startTlsServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end('{"version":"0.0.0-tls"}');
  },
): Promise<TlsServer> {
  const server: Server = createServer(
    { key: readFileSync(path.join(fixtures, "moa-test.invalid.key.pem")), cert: readFileSync(TEST_CERT_FILE) },
    handler,
  );
  let connections = 0;
  server.on("connection", () => void connections++);
  // Failed handshakes are the point here; they must not surface as server errors.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
