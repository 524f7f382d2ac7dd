// The parked callback cookie (issue 14 item 10): sealed under a key of its own (HKDF from ENCRYPTION_KEY), never under
// the key of the stored secrets, and bound to the browser it was parked in.
import { describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
const { openPendingCallback, pendingCookieHeaders, sealPendingCallback, PENDING_COOKIE, BROWSER_COOKIE } = await import("@/lib/amocrm/pending-callback");
const { decryptSecret, DecryptionError } = await import("@/lib/crypto/secrets");
const { getEnv } = await import("@/lib/env");

const search = "code=def50200ab&state=s&referer=acoustic.amocrm.ru&client_id=x";

describe("the pending-callback cookie", () => {
  it("opens in the browser it was parked in", () => {
    const parked = sealPendingCallback(search);
    expect(openPendingCallback(parked)?.toString()).toBe(search);
  });

  it("opens nothing in another browser, or without the browser's cookie", () => {
    const parked = sealPendingCallback(search);
    const other = sealPendingCallback(search);
    expect(openPendingCallback({ value: parked.value, browser: other.browser })).toBeNull();
    expect(openPendingCallback({ value: parked.value, browser: undefined })).toBeNull();
    expect(openPendingCallback({ value: parked.value, browser: "short" })).toBeNull();
  });

  it("is not sealed under ENCRYPTION_KEY itself: the stored secrets' key cannot open it", () => {
    const parked = sealPendingCallback(search);
    const slot = { table: "cookie", column: PENDING_COOKIE, rowId: parked.browser };
    expect(() => decryptSecret(parked.value, slot, getEnv().encryptionKeys)).toThrow(DecryptionError);
  });

  it("sets and clears both cookies, HttpOnly and scoped to the callback", () => {
    const parked = sealPendingCallback(search);
    const set = pendingCookieHeaders(parked);
    expect(set).toEqual([
      expect.stringMatching(new RegExp(`^${PENDING_COOKIE}=${parked.value}; Path=/api/amocrm/callback; Max-Age=600; HttpOnly; SameSite=Lax`)),
      expect.stringMatching(new RegExp(`^${BROWSER_COOKIE}=${parked.browser}; Path=/api/amocrm/callback; Max-Age=600; HttpOnly; SameSite=Lax`)),
    ]);
    expect(pendingCookieHeaders(null).every((cookie) => cookie.includes("Max-Age=0"))).toBe(true);
  });
});
