// The sign-in throttle (lib/auth/throttle.ts, lib/db/login-failures.ts): the attempt is reserved atomically before the
// password is checked, so concurrent guesses cannot slip past the limit, and a locked email does not lock out the
// real admin signing in from an address with no recent failures.
import { describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();

// Counts the password checks (each one a 16 MiB scrypt) while keeping the real check.
const checks = vi.hoisted(() => ({ count: 0 }));
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/auth/password")>();
  return {
    ...original,
    verifyPassword: async (password: string, stored: string) => {
      checks.count += 1;
      return original.verifyPassword(password, stored);
    },
  };
});

const { hashPassword } = await import("@/lib/auth/password");
const { createAdmin } = await import("@/lib/db/admins");
const { authenticateAdmin } = await import("@/lib/auth/sign-in");
const { MAX_FAILURES, WINDOW_MS } = await import("@/lib/auth/throttle");
const { deleteEmailFailures } = await import("@/lib/db/login-failures");

const password = "the-right-password";
await createAdmin({ email: "race@example.com", passwordHash: await hashPassword(password) });
await createAdmin({ email: "owner@example.com", passwordHash: await hashPassword(password) });

describe("concurrent guesses", () => {
  it("60 simultaneous guesses from one address get at most 5 password checks", async () => {
    checks.count = 0;
    const now = new Date("2026-12-01T09:00:00Z");
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => authenticateAdmin({ email: "race@example.com", password: `guess-${i}`, address: "198.51.100.1", now })),
    );
    expect(checks.count).toBeLessThanOrEqual(MAX_FAILURES);
    expect(results.filter((result) => !result.ok && result.error?.code === "throttled").length).toBeGreaterThanOrEqual(60 - MAX_FAILURES);
  });

  it("a steady stream of guesses a few milliseconds apart gets at most 5 checks", async () => {
    checks.count = 0;
    const now = new Date("2026-12-01T11:00:00Z");
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 40; i += 1) {
      pending.push(authenticateAdmin({ email: "race@example.com", password: `stream-${i}`, address: "198.51.100.2", now }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);
    expect(checks.count).toBeLessThanOrEqual(MAX_FAILURES);
  });
});

describe("a locked email", () => {
  it("lets the right password through from an address with no recent failures", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    for (let attempt = 1; attempt <= MAX_FAILURES; attempt += 1) {
      await authenticateAdmin({ email: "owner@example.com", password: "wrong", address: `203.0.113.${attempt}`, now });
    }
    // An attacker's address that failed is still refused, even with the right password...
    const attacker = await authenticateAdmin({ email: "owner@example.com", password, address: "203.0.113.1", now });
    expect(attacker.ok === false && attacker.error?.code).toBe("throttled");
    // ...while the admin from a fresh address gets in.
    expect((await authenticateAdmin({ email: "owner@example.com", password, address: "192.0.2.50", now })).ok).toBe(true);
  });

  it("gives a fresh address one check, not five, while the email is locked", async () => {
    const now = new Date("2026-12-01T13:00:00Z");
    for (let attempt = 1; attempt <= MAX_FAILURES; attempt += 1) {
      await authenticateAdmin({ email: "owner@example.com", password: "wrong", address: `203.0.114.${attempt}`, now });
    }
    checks.count = 0;
    const first = await authenticateAdmin({ email: "owner@example.com", password: "wrong", address: "203.0.114.99", now });
    const second = await authenticateAdmin({ email: "owner@example.com", password: "wrong", address: "203.0.114.99", now });
    expect(checks.count).toBe(1);
    expect(first.ok === false && first.error?.code).toBe("throttled");
    expect(second.ok === false && second.error?.retryAfterSeconds).toBeGreaterThan(0);
    expect(second.ok === false && second.error?.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_MS / 1000);
  });

  it("is lifted for every address once the email's failures are cleared (npm run admin -- reset-password)", async () => {
    const now = new Date("2026-12-01T14:00:00Z");
    for (let attempt = 1; attempt <= MAX_FAILURES; attempt += 1) {
      await authenticateAdmin({ email: "owner@example.com", password: "wrong", address: `203.0.115.${attempt}`, now });
    }
    // The admin's own typo from their office address: now that address has a failure too.
    await authenticateAdmin({ email: "owner@example.com", password: "typo", address: "192.0.2.60", now });
    expect((await authenticateAdmin({ email: "owner@example.com", password, address: "192.0.2.60", now })).ok).toBe(false);
    await deleteEmailFailures({ email: "owner@example.com" });
    expect((await authenticateAdmin({ email: "owner@example.com", password, address: "192.0.2.60", now })).ok).toBe(true);
  });
});
