// The OAuth state lives as long as amoCRM's authorization code (docs/amocrm-contract.md §3.3, §9.6: 20 minutes), so an
// admin who takes 19 minutes on amoCRM's consent page still connects; at 21 minutes the state has expired.
import { describe, expect, it } from "vitest";
import { ACCOUNT_HOST, ADMIN_EMAIL, CLIENT_ID, CLIENT_SECRET, readConnection, useFakeAmoSuite } from "./helpers/amo-test-env";

const amo = useFakeAmoSuite();

const MINUTE_MS = 60_000;

async function adminRow() {
  const { createAdmin, findAdminByEmail } = await import("@/lib/db/admins");
  return (await findAdminByEmail(ADMIN_EMAIL)) ?? (await createAdmin({ email: ADMIN_EMAIL, passwordHash: "x" }));
}

/** Authorize at `startedAt`, come back from the fake's consent page `minutes` later, finish the callback. */
async function callbackAfter(minutes: number) {
  const { saveCredentials } = await import("@/lib/amocrm/connection");
  const { createOauthState } = await import("@/lib/db/oauth-states");
  const { completeAuthorization } = await import("@/lib/amocrm/callback");
  const admin = await adminRow();
  const startedAt = new Date();
  await saveCredentials({ platform: "amocrm.ru", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, expectedAccountHost: null, actorEmail: ADMIN_EMAIL, now: startedAt });
  const state = await createOauthState({ adminId: admin.id, now: startedAt });
  const { code, referer, clientId } = amo.fake.controls.issueCode({ state });
  const back = new Date(startedAt.getTime() + minutes * MINUTE_MS);
  return completeAuthorization({ query: { code, state, referer, client_id: clientId }, admin, now: () => back });
}

describe("the OAuth state's lifetime follows amoCRM's code (20 minutes)", () => {
  it("OAUTH_STATE_TTL_MS is 20 minutes", async () => {
    const { OAUTH_STATE_TTL_MS } = await import("@/lib/db/oauth-states");
    expect(OAUTH_STATE_TTL_MS).toBe(20 * MINUTE_MS);
  });

  it("a callback 19 minutes after Authorize still connects through the fake", async () => {
    expect(await callbackAfter(19)).toEqual({ ok: true });
    expect(await readConnection()).toMatchObject({ state: "connected", accountHost: ACCOUNT_HOST });
    expect(amo.fake.controls.snapshot().calls.tokenAuthorizationCode).toBe(1);
  });

  it("a callback 21 minutes after Authorize is state_expired, and amoCRM is not asked", async () => {
    expect(await callbackAfter(21)).toEqual({ ok: false, code: "state_expired" });
    expect((await readConnection()).state).toBe("configured");
    expect(amo.fake.controls.snapshot().calls.tokenAuthorizationCode).toBe(0);
  });
});
