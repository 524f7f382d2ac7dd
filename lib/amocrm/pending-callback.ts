import "server-only";
import { hkdfSync, randomBytes } from "node:crypto";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { getEnv, type EncryptionKey } from "@/lib/env";

/**
 * A callback that arrives while the admin's session has run out is parked in an encrypted, HttpOnly cookie for ten
 * minutes, so the code never travels through the login page's URL or HTML, then resumed after sign-in.
 *
 * Anyone can make the server seal text of their choosing here (the callback's query), so it is sealed under a key of
 * its own, derived from ENCRYPTION_KEY with HKDF, never under the key that guards the stored secrets. And it opens
 * only in the browser it was parked in: a random value in a second cookie is part of its associated data, so the
 * sealed cookie copied into another browser (or planted there) opens nothing.
 */
export const PENDING_COOKIE = "amocrm_pending_callback";
export const BROWSER_COOKIE = "amocrm_pending_browser";
export const PENDING_COOKIE_PATH = "/api/amocrm/callback";
export const RESUME_PATH = "/api/amocrm/callback?resume=1";
const MAX_AGE_SECONDS = 600;
const HKDF_INFO = "amocrm-connect pending-callback cookie v1";
const BROWSER_VALUE = /^[A-Za-z0-9_-]{43}$/;

export interface PendingCallback {
  /** The sealed query. */
  value: string;
  /** The random value of this browser that the seal is bound to. */
  browser: string;
}

/** The cookie's keys: one derived from each configured key, current first, so a key rotation keeps it readable. */
function cookieKeys(): [EncryptionKey, ...EncryptionKey[]] {
  const derive = ({ id, key }: EncryptionKey): EncryptionKey => ({ id, key: Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), HKDF_INFO, 32)) });
  const [current, ...previous] = getEnv().encryptionKeys;
  return [derive(current), ...previous.map(derive)];
}

const slotFor = (browser: string) => ({ table: "cookie", column: PENDING_COOKIE, rowId: browser });

export function sealPendingCallback(search: string): PendingCallback {
  const browser = randomBytes(32).toString("base64url");
  return { value: encryptSecret(JSON.stringify({ search, at: Date.now() }), slotFor(browser), cookieKeys()[0]), browser };
}

export function openPendingCallback({ value, browser }: { value: string | undefined; browser: string | undefined }): URLSearchParams | null {
  if (!value || !browser || !BROWSER_VALUE.test(browser)) return null;
  try {
    const parsed: unknown = JSON.parse(decryptSecret(value, slotFor(browser), cookieKeys()));
    if (!parsed || typeof parsed !== "object" || !("search" in parsed) || !("at" in parsed)) return null;
    const { search, at } = parsed as { search: unknown; at: unknown };
    if (typeof search !== "string" || typeof at !== "number" || Date.now() - at > MAX_AGE_SECONDS * 1000) return null;
    return new URLSearchParams(search);
  } catch {
    return null;
  }
}

/** Set-Cookie values that park `pending`, or (null) clear both cookies. */
export function pendingCookieHeaders(pending: PendingCallback | null): string[] {
  const secure = getEnv().appUrl.startsWith("https://") ? "; Secure" : "";
  const maxAge = pending === null ? 0 : MAX_AGE_SECONDS;
  const attributes = `Path=${PENDING_COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
  return [`${PENDING_COOKIE}=${pending?.value ?? ""}; ${attributes}`, `${BROWSER_COOKIE}=${pending?.browser ?? ""}; ${attributes}`];
}
