// Long-lived token mode (lib/amocrm/long-lived.ts) end to end against the fake amoCRM: never refreshed, expires at `exp`.
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_HOST,
  ACCOUNT_ID,
  ADMIN_EMAIL,
  DAY_MS,
  codeOf,
  connectThroughFake,
  eventTypes,
  readConnection,
  useFakeAmoSuite,
} from "./helpers/amo-test-env";

const amo = useFakeAmoSuite();

const tokenCalls = () => amo.fake.controls.snapshot().calls.tokenTotal;

describe("connectLongLivedToken", () => {
  it("stores a working token; it is served without any refresh until exp, then long_lived_token_expired", async () => {
    const { connectLongLivedToken } = await import("@/lib/amocrm/long-lived");
    const { getAccessToken, refreshNow } = await import("@/lib/amocrm/tokens");
    const { amoFetch } = await import("@/lib/amocrm/client");
    const { runKeepalive } = await import("@/lib/amocrm/jobs");
    const { token, exp } = await amo.fake.controls.longLivedToken(30);
    const expiresAt = new Date(exp * 1000);

    const result = await connectLongLivedToken({ platform: "amocrm.ru", accountAddressHost: ACCOUNT_HOST, token, actorEmail: ADMIN_EMAIL });
    expect(result.accessTokenExpiresAt).toEqual(expiresAt);
    const row = await readConnection();
    expect(row).toMatchObject({
      mode: "long_lived",
      state: "connected",
      refreshTokenEnc: null,
      refreshTokenExpiresAt: null,
      accessTokenExpiresAt: expiresAt,
      accountHost: ACCOUNT_HOST,
      accountId: ACCOUNT_ID,
      accountName: "Acoustic",
      apiDomain: "api-b.amocrm.ru",
      connectedBy: ADMIN_EMAIL,
    });
    expect(await eventTypes()).toEqual(["long_lived_token_connected"]);

    expect((await amoFetch("/api/v4/account")).status).toBe(200);
    // Inside the refresh margin, and a keep-alive far in the future: still no refresh.
    expect((await getAccessToken({ now: new Date(expiresAt.getTime() - 60_000) })).accessToken).toBe(token);
    expect(await runKeepalive({ now: new Date(expiresAt.getTime() - DAY_MS) })).toEqual({ outcome: "skipped", reason: "long_lived" });
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL }))).toBe("long_lived_no_refresh");

    expect(await codeOf(getAccessToken({ now: expiresAt }))).toBe("long_lived_token_expired");
    expect(await codeOf(getAccessToken({ now: new Date(expiresAt.getTime() + 1000) }))).toBe("long_lived_token_expired");
    expect(await readConnection()).toMatchObject({ state: "error", lastErrorCode: "long_lived_token_expired" });
    expect((await eventTypes()).filter((type) => type === "long_lived_token_expired")).toHaveLength(1);
    expect(tokenCalls()).toBe(0);
  });

  it("does not refresh after a 401 either: a revoked long-lived token is an error for the caller", async () => {
    const { connectLongLivedToken } = await import("@/lib/amocrm/long-lived");
    const { amoFetch } = await import("@/lib/amocrm/client");
    const { token } = await amo.fake.controls.longLivedToken(30);
    await connectLongLivedToken({ platform: "amocrm.ru", accountAddressHost: ACCOUNT_HOST, token, actorEmail: ADMIN_EMAIL });
    amo.fake.controls.revokeTokens();
    expect(await codeOf(amoFetch("/api/v4/account"))).toBe("token_revoked");
    expect(tokenCalls()).toBe(0);
  });

  it("replaces an OAuth connection", async () => {
    const { connectLongLivedToken } = await import("@/lib/amocrm/long-lived");
    await connectThroughFake(amo.fake);
    const before = await readConnection();
    const { token } = await amo.fake.controls.longLivedToken(10);
    await connectLongLivedToken({ platform: "amocrm.ru", accountAddressHost: ACCOUNT_HOST, token, actorEmail: ADMIN_EMAIL });
    expect(await readConnection()).toMatchObject({ mode: "long_lived", refreshTokenEnc: null, generation: before.generation + 1 });
  });

  it("refuses an expired, undecodable, other-platform or rejected token and stores nothing", async () => {
    const { connectLongLivedToken } = await import("@/lib/amocrm/long-lived");
    const { getConnection } = await import("@/lib/db/connection");
    const { token, exp } = await amo.fake.controls.longLivedToken(1);
    const input = { platform: "amocrm.ru" as const, accountAddressHost: ACCOUNT_HOST, token, actorEmail: ADMIN_EMAIL };

    expect(await codeOf(connectLongLivedToken({ ...input, now: new Date(exp * 1000 + 1000) }))).toBe("long_lived_token_expired");
    expect(await codeOf(connectLongLivedToken({ ...input, token: "not.a-jwt.at-all" }))).toBe("invalid_input");
    expect(await codeOf(connectLongLivedToken({ ...input, accountAddressHost: "evil.example.com" }))).toBe("invalid_input");
    expect(await codeOf(connectLongLivedToken({ ...input, platform: "kommo.com", accountAddressHost: "acoustic.kommo.com" }))).toBe(
      "platform_mismatch",
    );
    expect(amo.fake.controls.snapshot().calls.account).toBe(0);

    amo.fake.controls.revokeTokens();
    expect(await codeOf(connectLongLivedToken(input))).toBe("token_revoked");
    expect(await getConnection()).toBeUndefined();
  });
});

describe("longLivedExpiryWarning", () => {
  it("is true from 14 days before exp on, and only in long-lived mode", async () => {
    const { longLivedExpiryWarning } = await import("@/lib/amocrm/long-lived");
    const exp = new Date("2027-01-31T00:00:00Z");
    const connection = { mode: "long_lived" as const, accessTokenExpiresAt: exp, accessTokenEnc: "v1.sealed" };
    expect(longLivedExpiryWarning(connection, new Date(exp.getTime() - 14 * DAY_MS - 1))).toBe(false);
    expect(longLivedExpiryWarning(connection, new Date(exp.getTime() - 14 * DAY_MS))).toBe(true);
    expect(longLivedExpiryWarning(connection, new Date(exp.getTime() + DAY_MS))).toBe(true);
    expect(longLivedExpiryWarning({ ...connection, mode: "oauth" }, exp)).toBe(false);
    expect(longLivedExpiryWarning({ ...connection, accessTokenEnc: null }, exp)).toBe(false);
  });
});
