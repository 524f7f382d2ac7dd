// `npm run admin -- delete <email>` and `reset-password <email>` (scripts/admin.ts), run as the real command in a
// child process against a temporary database.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
const { createAdmin, findAdminByEmail } = await import("@/lib/db/admins");
const { createAdminSession, findAdminBySession } = await import("@/lib/db/admin-sessions");
const { readRecentFailures } = await import("@/lib/db/login-failures");
const { authenticateAdmin } = await import("@/lib/auth/sign-in");
const { hashPassword } = await import("@/lib/auth/password");
const { MAX_FAILURES, WINDOW_MS } = await import("@/lib/auth/throttle");

function admin(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/admin.ts", ...args], {
      env: process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const live = (adminId: number, sessionId: string) => findAdminBySession({ adminId, sessionId, createdAfter: new Date(0) });

describe("npm run admin -- delete", () => {
  it("deletes an admin and their sessions, and refuses an unknown email and the last admin", async () => {
    const leaving = await createAdmin({ email: "leaving@example.com", passwordHash: "h" });
    const staying = await createAdmin({ email: "staying@example.com", passwordHash: "h" });
    const leavingSession = await createAdminSession({ adminId: leaving.id });
    const stayingSession = await createAdminSession({ adminId: staying.id });

    const deleted = await admin(["delete", "Leaving@Example.com"]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain("Admin leaving@example.com deleted");
    expect(await findAdminByEmail("leaving@example.com")).toBeUndefined();
    expect(await live(leaving.id, leavingSession)).toBeUndefined();
    expect((await live(staying.id, stayingSession))?.email).toBe("staying@example.com");

    const unknown = await admin(["delete", "ghost@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No admin has the email ghost@example.com");

    const last = await admin(["delete", "staying@example.com"]);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain("last admin");
    expect(await findAdminByEmail("staying@example.com")).toBeDefined();
    expect((await live(staying.id, stayingSession))?.email).toBe("staying@example.com");
  }, 60_000);
});

describe("npm run admin -- reset-password", () => {
  it("lifts the email's lockout and signs the admin out everywhere", async () => {
    const locked = await createAdmin({ email: "locked-out@example.com", passwordHash: await hashPassword("old-password") });
    const session = await createAdminSession({ adminId: locked.id });
    const now = new Date();
    for (let attempt = 1; attempt <= MAX_FAILURES; attempt += 1) {
      await authenticateAdmin({ email: "locked-out@example.com", password: "wrong", address: `203.0.113.${attempt}`, now });
    }
    const recent = () => readRecentFailures({ email: "locked-out@example.com", address: "203.0.113.1", now, windowMs: WINDOW_MS, limit: MAX_FAILURES });
    expect((await recent()).email).toHaveLength(MAX_FAILURES);

    const reset = await admin(["reset-password", "locked-out@example.com"], "a-new-password\n");
    expect(reset.code).toBe(0);
    expect((await recent()).email).toHaveLength(0);
    // The addresses that guessed keep their own count.
    expect((await recent()).address).toHaveLength(1);
    expect(await live(locked.id, session)).toBeUndefined();
    const signIn = await authenticateAdmin({ email: "locked-out@example.com", password: "a-new-password", address: "203.0.113.1", now: new Date() });
    expect(signIn.ok).toBe(true);
  }, 60_000);
});
