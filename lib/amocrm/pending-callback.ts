import "server-only";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getEnv } from "@/lib/env";

/**
 * A callback that arrives while the admin's session has run out is parked in an encrypted, HttpOnly cookie for ten
 * minutes, so the code never travels through the login page's URL or HTML, then resumed after sign-in.
 */
export const PENDING_COOKIE = "amocrm_pending_callback";
export const PENDING_COOKIE_PATH = "/api/amocrm/callback";
export const RESUME_PATH = "/api/amocrm/callback?resume=1";
const MAX_AGE_SECONDS = 600;
const SLOT = { table: "cookie", column: PENDING_COOKIE, rowId: 0 } as const;

export function sealPendingCallback(search: string): string {
  return encryptSecret(JSON.stringify({ search, at: Date.now() }), SLOT, getEnv().encryptionKeys[0]);
}

export function openPendingCallback(value: string | undefined): URLSearchParams | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(decryptSecret(value, SLOT, getEnv().encryptionKeys));
    if (!parsed || typeof parsed !== "object" || !("search" in parsed) || !("at" in parsed)) return null;
    const { search, at } = parsed as { search: unknown; at: unknown };
    if (typeof search !== "string" || typeof at !== "number" || Date.now() - at > MAX_AGE_SECONDS * 1000) return null;
    return new URLSearchParams(search);
  } catch {
    return null;
  }
}

export function pendingCookieHeader(value: string | null): string {
  const secure = getEnv().appUrl.startsWith("https://") ? "; Secure" : "";
  const maxAge = value === null ? 0 : MAX_AGE_SECONDS;
  return `${PENDING_COOKIE}=${value ?? ""}; Path=${PENDING_COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}
