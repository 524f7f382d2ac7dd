// A 401 from the API forces a refresh, but not right after one: amoCRM refusing a token it issued minutes ago is not
// fixed by another refresh, and a loop of them ends in 429 and then the 403 block (docs/amocrm-contract.md §4.1,
// §9.8). Within UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS the connection is marked degraded with its own code instead.
// The fake's `unauthorizedAfterRefresh` switch answers 401 to the first calls with a freshly refreshed token.
import { describe, expect, it, vi } from "vitest";
import { ADMIN_EMAIL, APP_URL, codeOf, connectThroughFake, eventTypes, readConnection, refreshCalls, setStoredExpiry, useFakeAmoSuite } from "./helpers/amo-test-env";

vi.mock("@/lib/auth/session", () => ({ getAdmin: vi.fn(async () => null) }));
vi.mock("next-intl/server", async () => (await import("./helpers/translations")).intlServer(() => "en"));

const amo = useFakeAmoSuite();

const MINUTE_MS = 60_000;

/** Connected, then the token expired: the next API call refreshes first, and amoCRM refuses the new token. */
async function refreshedThenRefused(refusals: number): Promise<void> {
  await connectThroughFake(amo.fake);
  await setStoredExpiry(new Date(Date.now() - 1000));
  amo.fake.controls.configure({ unauthorizedAfterRefresh: refusals });
}

describe("a 401 right after a refresh", () => {
  it("marks the connection degraded with unauthorized_after_refresh instead of refreshing again", async () => {
    await refreshedThenRefused(5);
    const { amoFetch } = await import("@/lib/amocrm/client");
    const error = await amoFetch("/api/v4/account").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unauthorized_after_refresh", status: 502, detail: { status: 401 } });
    expect((error as { retryAfterSeconds?: number }).retryAfterSeconds).toBe(30);
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(amo.fake.controls.snapshot().calls.unauthorizedAfterRefresh).toBe(1);

    const row = await readConnection();
    expect(row).toMatchObject({ state: "degraded", failureCount: 1, lastErrorCode: "unauthorized_after_refresh" });
    expect(JSON.parse(row.lastErrorDetail ?? "{}")).toMatchObject({ status: 401, reason: "unauthorized" });
    expect((await eventTypes()).slice(-2)).toEqual(["token_refreshed", "token_refused_after_refresh"]);
  });

  it("never feeds a storm: more 401s inside the window make no more refreshes", async () => {
    await refreshedThenRefused(20);
    const { amoFetch } = await import("@/lib/amocrm/client");
    for (let call = 0; call < 6; call++) expect(await codeOf(amoFetch("/api/v4/account"))).toBe("unauthorized_after_refresh");
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(amo.fake.controls.snapshot().calls.rateLimited).toBe(0);
    expect(amo.fake.controls.snapshot().calls.blocked).toBe(0);
  });

  it("applies to the admin's Test connection too, whose answer says why", async () => {
    await refreshedThenRefused(5);
    const { getAccessToken } = await import("@/lib/amocrm/tokens");
    await getAccessToken();
    expect(refreshCalls(amo.fake)).toBe(1);
    const session = await import("@/lib/auth/session");
    vi.mocked(session.getAdmin).mockResolvedValue({ id: 1, email: ADMIN_EMAIL, passwordHash: "x", createdAt: new Date(), lastSignInAt: null });
    const { POST } = await import("@/app/api/amocrm/test/route");
    const response = await POST(new Request(`${APP_URL}/api/amocrm/test`, { method: "POST", headers: { origin: APP_URL } }));
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(502);
    expect(body.error.code).toBe("unauthorized_after_refresh");
    expect(body.error.message).toContain("HTTP 401");
    expect(refreshCalls(amo.fake)).toBe(1);
  });

  it("outside the window a 401 refreshes once more, as any 401 does", async () => {
    await refreshedThenRefused(5);
    const { amoFetch } = await import("@/lib/amocrm/client");
    expect(await codeOf(amoFetch("/api/v4/account"))).toBe("unauthorized_after_refresh");
    const { UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS } = await import("@/lib/amocrm/connection-state");
    expect(UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS).toBe(5 * MINUTE_MS);
    const later = new Date((await readConnection()).lastRefreshAt!.getTime() + UNAUTHORIZED_AFTER_REFRESH_WINDOW_MS + 1000);
    amo.fake.controls.configure({ unauthorizedAfterRefresh: 0 });
    amo.fake.controls.expireAccessTokens();
    const { data } = await amoFetch("/api/v4/account", { now: later });
    expect(data).toMatchObject({ subdomain: "acoustic" });
    expect(refreshCalls(amo.fake)).toBe(2);
    expect(await readConnection()).toMatchObject({ state: "connected", lastErrorCode: null });
  });

  it("a fresh consent is not a refresh: its first 401 still refreshes once", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.expireAccessTokens();
    const { amoFetch } = await import("@/lib/amocrm/client");
    await amoFetch("/api/v4/account");
    expect(refreshCalls(amo.fake)).toBe(1);
  });
});
