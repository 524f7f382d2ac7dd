// lib/auth/session.ts: the session cookie as Auth.js writes it opens the admin only while its session row exists.
import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv({ APP_URL: "http://127.0.0.1:3999" });
const COOKIE = "authjs.session-token";
let cookieHeader = "";
vi.mock("next/headers", () => ({ headers: async () => new Headers(cookieHeader ? { cookie: cookieHeader } : {}) }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
}));

const { getEnv } = await import("@/lib/env");
const { createAdmin } = await import("@/lib/db/admins");
const { createAdminSession } = await import("@/lib/db/admin-sessions");
const { endSession, getAdmin, requireAdmin } = await import("@/lib/auth/session");

async function cookieFor(claims: Record<string, unknown>, { secret = getEnv().authSecret, maxAge = 3600 } = {}): Promise<string> {
  return `${COOKIE}=${await encode({ token: claims, secret, salt: COOKIE, maxAge })}`;
}

describe("getAdmin", () => {
  it("opens the admin of a recorded session, and nothing once the session is ended", async () => {
    const admin = await createAdmin({ email: "cookie@example.com", passwordHash: "h" });
    const sessionId = await createAdminSession({ adminId: admin.id });
    cookieHeader = await cookieFor({ adminId: String(admin.id), sessionId });
    expect((await getAdmin())?.email).toBe("cookie@example.com");
    // Served from the cache the second time: still checked against the session row.
    expect((await requireAdmin()).id).toBe(admin.id);
    await endSession();
    expect(await getAdmin()).toBeNull();
    await expect(requireAdmin()).rejects.toThrow("redirect /login");
  });

  it("opens nothing without a cookie, with a tampered one, one made with another secret, or an expired one", async () => {
    const admin = await createAdmin({ email: "forged@example.com", passwordHash: "h" });
    const sessionId = await createAdminSession({ adminId: admin.id });
    cookieHeader = "";
    expect(await getAdmin()).toBeNull();
    const good = await cookieFor({ adminId: String(admin.id), sessionId });
    cookieHeader = `${good.slice(0, -4)}AAAA`;
    expect(await getAdmin()).toBeNull();
    cookieHeader = await cookieFor({ adminId: String(admin.id), sessionId }, { secret: "x".repeat(44) });
    expect(await getAdmin()).toBeNull();
    cookieHeader = await cookieFor({ adminId: String(admin.id), sessionId }, { maxAge: -60 });
    expect(await getAdmin()).toBeNull();
    // Another admin's id with this session opens nothing either.
    cookieHeader = await cookieFor({ adminId: String(admin.id + 1000), sessionId });
    expect(await getAdmin()).toBeNull();
    cookieHeader = good;
    expect((await getAdmin())?.email).toBe("forged@example.com");
  });
});
