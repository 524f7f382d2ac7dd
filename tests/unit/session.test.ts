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
const { endAllSessions, endSession, getAdmin, requireAdmin } = await import("@/lib/auth/session");
const { SESSION_LIFETIME_MS } = await import("@/lib/auth/session-policy");

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

describe("session lifetime", () => {
  it("ends a session its lifetime after the sign-in, however recently its cookie was renewed", async () => {
    const admin = await createAdmin({ email: "lifetime@example.com", passwordHash: "h" });
    const minute = 60 * 1000;
    const young = await createAdminSession({ adminId: admin.id, now: new Date(Date.now() - SESSION_LIFETIME_MS + 5 * minute) });
    const old = await createAdminSession({ adminId: admin.id, now: new Date(Date.now() - SESSION_LIFETIME_MS - minute) });
    // Both cookies were just renewed (a fresh hour to go), as Auth.js does on every admin page.
    cookieHeader = await cookieFor({ adminId: String(admin.id), sessionId: young });
    expect((await getAdmin())?.email).toBe("lifetime@example.com");
    cookieHeader = await cookieFor({ adminId: String(admin.id), sessionId: old });
    expect(await getAdmin()).toBeNull();
  });
});

describe("endAllSessions (sign out everywhere)", () => {
  it("ends every session of the signed-in admin, this one included, and no other admin's", async () => {
    const admin = await createAdmin({ email: "everywhere@example.com", passwordHash: "h" });
    const other = await createAdmin({ email: "bystander@example.com", passwordHash: "h" });
    const laptop = await createAdminSession({ adminId: admin.id });
    const phone = await createAdminSession({ adminId: admin.id });
    const bystander = await createAdminSession({ adminId: other.id });
    const phoneCookie = await cookieFor({ adminId: String(admin.id), sessionId: phone });
    const bystanderCookie = await cookieFor({ adminId: String(other.id), sessionId: bystander });

    cookieHeader = await cookieFor({ adminId: String(admin.id), sessionId: laptop });
    expect(await endAllSessions()).toBe(true);
    expect(await getAdmin()).toBeNull();
    cookieHeader = phoneCookie;
    expect(await getAdmin()).toBeNull();
    cookieHeader = bystanderCookie;
    expect((await getAdmin())?.email).toBe("bystander@example.com");
    cookieHeader = "";
    expect(await endAllSessions()).toBe(false);
  });
});
