import "server-only";
import { decode, getToken } from "next-auth/jwt";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { deleteAdminSession, deleteAdminSessions, findAdminBySession } from "@/lib/db/admin-sessions";
import type { Admin } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import { sessionsStartedAfter } from "./session-policy";

/**
 * The signed-in admin, re-read from the database, or null. The cookie must name a session that is still recorded:
 * after sign-out (or a deleted admin) it opens nothing, even when a late response sets the old cookie again.
 *
 * The cookie is read here rather than through Auth.js's auth(): on a server component or route handler auth() can
 * set no cookie anyway, yet it decrypted the token and encrypted a renewed one (two key derivations and two JWE
 * operations) on every request, most of what an admin JSON route cost. The decrypted claims are cached per cookie
 * value, so each cookie is decrypted once; the session row is still checked on every request.
 */

interface SessionClaims {
  adminId: number;
  sessionId: string;
  /** Unix seconds: the cookie's own expiry (Auth.js session maxAge). */
  exp: number;
}

const MAX_CACHED_COOKIES = 512;
// On globalThis: Next may load this module more than once per process.
const cache = globalThis as unknown as { amocrmSessionClaims?: Map<string, SessionClaims | null> };

async function decodeClaims(token: string, secret: string, salt: string): Promise<SessionClaims | null> {
  try {
    const payload = await decode({ token, secret, salt });
    const adminId = Number(payload?.adminId);
    const sessionId = payload?.sessionId;
    const exp = payload?.exp;
    if (!Number.isSafeInteger(adminId) || typeof sessionId !== "string" || typeof exp !== "number") return null;
    return { adminId, sessionId, exp };
  } catch {
    // Tampered, expired past tolerance, or made with another AUTH_SECRET: no session.
    return null;
  }
}

/** The admin id and session id the request's session cookie carries, or null. */
async function sessionClaims(): Promise<SessionClaims | null> {
  const env = getEnv();
  const secureCookie = env.appUrl.startsWith("https://");
  const salt = `${secureCookie ? "__Secure-" : ""}authjs.session-token`;
  // raw: the cookie's value as it is (chunks joined), not decoded yet.
  const token = await getToken({ req: { headers: await headers() }, secret: env.authSecret, secureCookie, salt, raw: true });
  if (!token) return null;
  const claims = (cache.amocrmSessionClaims ??= new Map());
  let found = claims.get(token);
  if (found === undefined) {
    found = await decodeClaims(token, env.authSecret, salt);
    if (claims.size >= MAX_CACHED_COOKIES) claims.clear();
    claims.set(token, found);
  }
  return found && found.exp * 1000 > Date.now() ? found : null;
}

export async function getAdmin(): Promise<Admin | null> {
  const claims = await sessionClaims();
  if (!claims) return null;
  const createdAfter = sessionsStartedAfter(new Date());
  return (await findAdminBySession({ adminId: claims.adminId, sessionId: claims.sessionId, createdAfter })) ?? null;
}

/** Forgets the current session on the server, so its cookie stops working wherever a copy of it still exists. */
export async function endSession(): Promise<void> {
  const claims = await sessionClaims();
  if (claims) await deleteAdminSession({ sessionId: claims.sessionId });
}

/** "Sign out everywhere": ends every session of the signed-in admin, this one included. False without a session. */
export async function endAllSessions(): Promise<boolean> {
  const admin = await getAdmin();
  if (!admin) return false;
  await deleteAdminSessions({ adminId: admin.id });
  return true;
}

/** For pages and server actions: the admin, or a redirect to the sign-in page. */
export async function requireAdmin(): Promise<Admin> {
  const admin = await getAdmin();
  if (!admin) redirect("/login");
  return admin;
}
