import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeError, describeProbeFailure, tlsProblemOf, unreachableFix } from "../../src/models/describeError.js";
import { startTlsServer, type TlsServer } from "../helpers/tlsServer.js";
import { unusedPort } from "../helpers/ports.js";

let tls: TlsServer;
beforeAll(async () => {
  tls = await startTlsServer();
});
afterAll(() => tls.close());

const failureOf = (url: string): Promise<unknown> =>
  fetch(url).then(
    () => {
      throw new Error(`${url} answered`);
    },
    (error: unknown) => error,
  );

describe("describeError on TLS failures (real handshakes on 127.0.0.1)", () => {
  it("says a self-signed certificate is a TLS error, with the code and how to trust it", async () => {
    const error = await failureOf(tls.url);

    expect(describeError(error)).toMatch(
      /^TLS error: the server's certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\); trust its CA by setting NODE_EXTRA_CA_CERTS/,
    );
    expect(describeProbeFailure(error, 1_000)).toBe("TLS error: the server's certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(unreachableFix(error, "start Ollama")).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it("says a plain HTTP server behind an https:// URL does not speak TLS", async () => {
    const http = createServer((_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      const error = await failureOf(`https://127.0.0.1:${(http.address() as AddressInfo).port}/`);
      expect(tlsProblemOf(error)?.code).toBe("ERR_SSL_WRONG_VERSION_NUMBER");
      expect(describeError(error)).toMatch(/^TLS error: the server does not speak TLS .*; use http:\/\/ instead of https:\/\//);
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });

  it("keeps the network wording, and the caller's fix, when nothing listens", async () => {
    const error = await failureOf(`http://127.0.0.1:${await unusedPort()}/`);
    expect(tlsProblemOf(error)).toBeUndefined();
    expect(describeError(error)).toMatch(/^connection refused/);
    expect(unreachableFix(error, "start Ollama")).toBe("start Ollama");
  });
});
