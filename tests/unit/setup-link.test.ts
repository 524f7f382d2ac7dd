// The one-time setup link (lib/auth/setup-link.ts), printed by a real child process: in production only to a
// terminal, otherwise into a 0600 file in the data folder whose path is printed; development prints it as before.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CHILD = [process.execPath, "--import", "tsx", "--conditions=react-server", "tests/unit/helpers/setup-link-child.ts"];
const LINK = /https?:\/\/\S+\/setup\?token=[A-Za-z0-9_-]+/;

function freshEnv(nodeEnv: "production" | "development"): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amocrm-connect-setup-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: nodeEnv,
    APP_URL: "http://127.0.0.1:3999",
    DATABASE_URL: `file:${path.join(dir, "app.db")}`,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_SECRET: randomBytes(32).toString("base64"),
  };
  return { env, dir };
}

/** Runs the child with its output on a pipe, or on a terminal (a pseudo-terminal from util-linux `script`). */
function run(env: NodeJS.ProcessEnv, { terminal = false } = {}): Promise<{ code: number | null; output: string }> {
  const [command, ...args] = terminal ? ["script", "-qec", CHILD.join(" "), "/dev/null"] : CHILD;
  return new Promise((resolve, reject) => {
    const child = spawn(command!, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("the one-time setup link", () => {
  it("in production with output to a pipe goes to a 0600 file in the data folder, and only its path is printed", async () => {
    const { env, dir } = freshEnv("production");
    const { code, output } = await run(env);
    expect(code, output).toBe(0);
    const file = path.join(dir, "setup-link.txt");
    expect(output).toContain(file);
    expect(output).not.toMatch(/token=/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const link = fs.readFileSync(file, "utf8").trim();
    expect(link).toMatch(LINK);
    expect(output).not.toContain(link.split("token=")[1]);

    // A restart while there is still no admin writes a new link over the old one; once an admin exists it goes.
    const again = await run(env);
    expect(again.code).toBe(0);
    expect(fs.readFileSync(file, "utf8").trim()).not.toBe(link);
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(path.join(dir, "app.db"));
    db.prepare("insert into admins (email, password_hash) values (?, ?)").run("first@example.com", "h");
    db.close();
    expect((await run(env)).code).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
  }, 60_000);

  it("in production on a terminal is printed there, and no file is written", async () => {
    const { env, dir } = freshEnv("production");
    const { code, output } = await run(env, { terminal: true });
    expect(code, output).toBe(0);
    expect(output).toMatch(LINK);
    expect(fs.existsSync(path.join(dir, "setup-link.txt"))).toBe(false);
  }, 60_000);

  it("in development is printed even to a pipe", async () => {
    const { env, dir } = freshEnv("development");
    const { code, output } = await run(env);
    expect(code, output).toBe(0);
    expect(output).toMatch(LINK);
    expect(fs.existsSync(path.join(dir, "setup-link.txt"))).toBe(false);
  }, 60_000);
});
