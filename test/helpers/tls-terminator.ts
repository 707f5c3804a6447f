// TLS in front of a real sqld, as Turso serves it: a test reaches the server over libsql://
// (HTTPS) or wss:// with a certificate for localhost that it made itself. sqld has no TLS of its
// own for Hrana, and a TLS-terminating proxy is what stands in front of it in production too.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type TLSSocket } from "node:tls";
import { generate } from "selfsigned";

export interface TlsTerminator {
  /** The port that speaks TLS, on 127.0.0.1; its certificate is for `localhost`. */
  port: number;
  /** The certificate as a PEM file, for NODE_EXTRA_CA_CERTS: a process given it trusts the terminator. */
  caFile: string;
  close(): Promise<void>;
}

export async function startTlsTerminator(target: { port: number }): Promise<TlsTerminator> {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
  });
  const dir = mkdtempSync(join(tmpdir(), "strapi-libsql-tls-"));
  const caFile = join(dir, "localhost.pem");
  writeFileSync(caFile, pems.cert);

  const sockets = new Set<Socket>();
  const server = createServer({ key: pems.private, cert: pems.cert }, (secure: TLSSocket) => {
    const plain = connect(target.port, "127.0.0.1");
    for (const socket of [secure, plain]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        secure.destroy();
        plain.destroy();
      });
    }
    secure.pipe(plain).pipe(secure);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the TLS terminator has no port");
  return {
    port: address.port,
    caFile,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
