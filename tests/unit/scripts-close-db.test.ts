// `npm run admin` and `npm run keys:rotate` close the database when done, as db:migrate does: on PostgreSQL an open
// pool keeps the process alive until its idle connections time out (node-postgres: 10 s), so a script that forgot
// to close it ends seconds after its last word. Measured from the last output to the exit, so a slow start under
// load does not count.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPostgres, type TestPostgres } from "../postgres-server";
import { setupTempEnv } from "./helpers/test-env";

const ROOT = path.resolve(__dirname, "../..");
// Well under node-postgres's 10-second idle timeout, well over a prompt exit.
const PROMPT_EXIT_MS = 5_000;

let postgres: TestPostgres;

beforeAll(async () => {
  postgres = await startTestPostgres();
  setupTempEnv({ DATABASE_URL: await postgres.createDatabase("scripts_close") });
  const { migrateDatabase, closeDatabase } = await import("@/lib/db/migrate");
  await migrateDatabase();
  await closeDatabase();
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
});

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; quietMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script, ...args], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let lastOutputAt = Date.now();
    child.stdout.on("data", (chunk) => ((stdout += chunk), (lastOutputAt = Date.now())));
    child.stderr.on("data", (chunk) => ((stderr += chunk), (lastOutputAt = Date.now())));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr, quietMs: Date.now() - lastOutputAt }));
  });
}

describe("scripts on PostgreSQL", () => {
  it("npm run admin -- api-key create exits as soon as it has printed the key", async () => {
    const result = await run("scripts/admin.ts", ["api-key", "create", "--name", "site"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^amc_/);
    expect(result.quietMs).toBeLessThan(PROMPT_EXIT_MS);
  }, 60_000);

  it("npm run keys:rotate (and -- --check) exit as soon as they have reported", async () => {
    const rotated = await run("scripts/keys-rotate.ts", []);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain("stored secrets under the current key");
    expect(rotated.quietMs).toBeLessThan(PROMPT_EXIT_MS);
    const checked = await run("scripts/keys-rotate.ts", ["--check"]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain("Nothing left to re-encrypt");
    expect(checked.quietMs).toBeLessThan(PROMPT_EXIT_MS);
  }, 60_000);
});
