import { describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
const { hashPassword, verifyPassword } = await import("@/lib/auth/password");
const admins = {
  ...(await import("@/lib/db/admins")),
  ...(await import("@/lib/db/admin-sessions")),
  ...(await import("@/lib/db/setup-tokens")),
};
const { authenticateAdmin } = await import("@/lib/auth/sign-in");
const { MAX_FAILURES, WINDOW_MS } = await import("@/lib/auth/throttle");
// Any session that still exists, whatever its age (the lifetime has its own tests in session.test.ts).
const findLive = (args: { adminId: number; sessionId: string }) => admins.findAdminBySession({ ...args, createdAfter: new Date(0) });

describe("password hashing", () => {
  it("verifies the right password only, in a $-free stored form", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^scrypt:16384:8:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain("$");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash and refuses malformed stored values", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
    for (const stored of ["", "scrypt", "bcrypt:1:2:3:a:b", "scrypt:x:8:1:a:b", "scrypt:16384:8:1:abc:"]) {
      expect(await verifyPassword("same", stored)).toBe(false);
    }
  });
});

describe("setup tokens", () => {
  it("work once, only while no admin exists, and only for an hour", async () => {
    const start = new Date("2026-11-27T09:00:00Z");
    const { token, expiresAt } = await admins.createSetupToken({ now: start });
    expect(expiresAt.getTime() - start.getTime()).toBe(60 * 60 * 1000);
    expect(await admins.isSetupTokenValid({ token, now: new Date(start.getTime() + 59 * 60 * 1000) })).toBe(true);
    expect(await admins.isSetupTokenValid({ token, now: new Date(start.getTime() + 61 * 60 * 1000) })).toBe(false);
    expect(await admins.isSetupTokenValid({ token: `${token}x`, now: start })).toBe(false);

    const late = await admins.createFirstAdminWithToken({ token, email: "a@example.com", passwordHash: "h", now: new Date(start.getTime() + 61 * 60 * 1000) });
    expect(late).toBeNull();

    const admin = await admins.createFirstAdminWithToken({ token, email: "a@example.com", passwordHash: await hashPassword("pw-123456"), now: start });
    expect(admin?.email).toBe("a@example.com");
    expect(await admins.createFirstAdminWithToken({ token, email: "b@example.com", passwordHash: "h", now: start })).toBeNull();

    // A new link cannot create a second "first" admin either.
    const second = await admins.createSetupToken({ now: start });
    expect(await admins.createFirstAdminWithToken({ token: second.token, email: "c@example.com", passwordHash: "h", now: start })).toBeNull();
    expect(await admins.countAdmins()).toBe(1);
  });

  it("stores only the token's hash", async () => {
    const { getSqlite } = await import("@/lib/db/client");
    const { token } = await admins.createSetupToken();
    const rows = getSqlite().prepare("select token_hash from setup_tokens").all() as Array<{ token_hash: string }>;
    expect(rows.some((row) => row.token_hash.includes(token))).toBe(false);
  });
});

describe("sessions", () => {
  it("a sign-in records a session that opens the admin until it is ended, and stores only its hash", async () => {
    await admins.createAdmin({ email: "session@example.com", passwordHash: await hashPassword("session-pass") });
    const result = await authenticateAdmin({ email: "session@example.com", password: "session-pass", address: "10.9.0.1" });
    if (!result.ok) throw new Error("sign-in failed");
    const { admin, sessionId } = result;
    expect((await findLive({ adminId: admin.id, sessionId }))?.email).toBe("session@example.com");
    // Another admin's id with this session, or a made-up session, opens nothing.
    expect(await findLive({ adminId: admin.id + 1000, sessionId })).toBeUndefined();
    expect(await findLive({ adminId: admin.id, sessionId: `${sessionId}x` })).toBeUndefined();
    const { getSqlite } = await import("@/lib/db/client");
    const stored = getSqlite().prepare("select id_hash from admin_sessions").all() as Array<{ id_hash: string }>;
    expect(stored.some((row) => row.id_hash.includes(sessionId))).toBe(false);

    await admins.deleteAdminSession({ sessionId });
    expect(await findLive({ adminId: admin.id, sessionId })).toBeUndefined();
  });

  it("ending every session of an admin (password reset) leaves other admins signed in", async () => {
    const first = await admins.createAdmin({ email: "one@example.com", passwordHash: "h" });
    const second = await admins.createAdmin({ email: "two@example.com", passwordHash: "h" });
    const a = await admins.createAdminSession({ adminId: first.id });
    const b = await admins.createAdminSession({ adminId: first.id });
    const c = await admins.createAdminSession({ adminId: second.id });
    await admins.deleteAdminSessions({ adminId: first.id });
    expect(await findLive({ adminId: first.id, sessionId: a })).toBeUndefined();
    expect(await findLive({ adminId: first.id, sessionId: b })).toBeUndefined();
    expect((await findLive({ adminId: second.id, sessionId: c }))?.email).toBe("two@example.com");
  });
});

describe("sign-in", () => {
  it("accepts the right credentials, trimming and lower-casing the email", async () => {
    await admins.createAdmin({ email: "owner@example.com", passwordHash: await hashPassword("s3cret-pass") });
    const result = await authenticateAdmin({ email: "  Owner@Example.com ", password: "s3cret-pass", address: "10.0.0.1" });
    expect(result.ok).toBe(true);
    expect((await admins.findAdminByEmail("owner@example.com"))?.lastSignInAt).toBeInstanceOf(Date);
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    const wrongPassword = await authenticateAdmin({ email: "owner@example.com", password: "nope", address: "10.0.0.2" });
    const unknownEmail = await authenticateAdmin({ email: "ghost@example.com", password: "nope", address: "10.0.0.3" });
    expect(wrongPassword).toEqual({ ok: false });
    expect(unknownEmail).toEqual({ ok: false });
  });

  it("locks an email out after repeated failures for the addresses that failed, until the window passes", async () => {
    await admins.createAdmin({ email: "locked@example.com", passwordHash: await hashPassword("right-password") });
    const now = new Date("2026-11-27T10:00:00Z");
    for (let attempt = 1; attempt <= MAX_FAILURES; attempt += 1) {
      await authenticateAdmin({ email: "locked@example.com", password: "wrong", address: `10.1.0.${attempt}`, now });
    }
    // Even the right password is refused from an address that failed (a guesser who found it late gains nothing).
    const blocked = await authenticateAdmin({ email: "locked@example.com", password: "right-password", address: "10.1.0.1", now });
    expect(blocked.ok).toBe(false);
    expect(blocked.ok === false && blocked.error?.code).toBe("throttled");
    expect(blocked.ok === false && blocked.error?.retryAfterSeconds).toBeGreaterThan(0);
    const later = new Date(now.getTime() + WINDOW_MS + 1000);
    expect((await authenticateAdmin({ email: "locked@example.com", password: "right-password", address: "10.1.0.1", now: later })).ok).toBe(true);
  });

  it("locks a client address out across emails", async () => {
    const now = new Date("2026-11-27T11:00:00Z");
    for (let attempt = 1; attempt <= MAX_FAILURES; attempt += 1) {
      await authenticateAdmin({ email: `guess${attempt}@example.com`, password: "wrong", address: "203.0.113.7", now });
    }
    const result = await authenticateAdmin({ email: "owner@example.com", password: "s3cret-pass", address: "203.0.113.7", now });
    expect(result.ok).toBe(false);
    expect((await authenticateAdmin({ email: "owner@example.com", password: "s3cret-pass", address: "203.0.113.8", now })).ok).toBe(true);
  });
});
