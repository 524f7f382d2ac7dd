// APP_URL (and so the Redirect URI) changed after the consent. A refresh sends the Redirect URI the deployment has
// now, and once more the one stored at consent if amoCRM refuses it (docs/amocrm-contract.md §3.1, §9.2, §9.11);
// /connect and /status warn about the change (lib/amocrm/status.ts).
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN_EMAIL, APP_URL, REDIRECT_URI, codeOf, connectThroughFake, readConnection, refreshCalls, useFakeAmoSuite } from "./helpers/amo-test-env";

const amo = useFakeAmoSuite();

const NEW_APP_URL = "http://127.0.0.1:3202";
const NEW_REDIRECT_URI = `${NEW_APP_URL}/api/amocrm/callback`;

afterEach(() => {
  process.env.APP_URL = APP_URL;
});

/** Connected with the old address, then the deployment moved to NEW_APP_URL (fresh modules read the new env). */
async function connectedThenMoved(): Promise<void> {
  await connectThroughFake(amo.fake);
  process.env.APP_URL = NEW_APP_URL;
  vi.resetModules();
}

const refresh = async () => (await import("@/lib/amocrm/tokens")).refreshNow({ actorEmail: ADMIN_EMAIL });

describe("refresh after APP_URL changed", () => {
  it("sends the current Redirect URI: an integration updated to the new address keeps refreshing", async () => {
    await connectedThenMoved();
    amo.fake.controls.configure({ redirectUri: NEW_REDIRECT_URI });
    expect(await codeOf(refresh())).toBe("resolved");
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(await readConnection()).toMatchObject({ state: "connected", lastErrorCode: null, redirectUri: REDIRECT_URI });
  });

  it("retries once with the stored Redirect URI when amoCRM refuses the current one (hint)", async () => {
    await connectedThenMoved();
    expect(await codeOf(refresh())).toBe("resolved");
    expect(refreshCalls(amo.fake)).toBe(2);
    expect(await readConnection()).toMatchObject({ state: "connected", lastErrorCode: null });
  });

  it("retries once with the stored Redirect URI when amoCRM refuses the current one (legacy 401 Некорректный клиент)", async () => {
    await connectedThenMoved();
    amo.fake.controls.configure({ clientAuthStyle: "legacy401" });
    expect(await codeOf(refresh())).toBe("resolved");
    expect(refreshCalls(amo.fake)).toBe(2);
  });

  it("reports the refusal when amoCRM refuses both", async () => {
    await connectedThenMoved();
    amo.fake.controls.configure({ redirectUri: "https://elsewhere.example/api/amocrm/callback" });
    expect(await codeOf(refresh())).toBe("redirect_uri_mismatch");
    expect(refreshCalls(amo.fake)).toBe(2);
    expect(await readConnection()).toMatchObject({ state: "needs_reauth", lastErrorCode: "redirect_uri_mismatch" });
  });

  it("asks only once when APP_URL did not change", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ redirectUri: "https://elsewhere.example/api/amocrm/callback" });
    expect(await codeOf(refresh())).toBe("redirect_uri_mismatch");
    expect(refreshCalls(amo.fake)).toBe(1);
  });
});

describe("the warning on /connect and /status", () => {
  it("the status names the Redirect URI of the consent when it differs from the current one", async () => {
    await connectThroughFake(amo.fake);
    let status = await (await import("@/lib/amocrm/status")).getConnectionStatus();
    expect(status).toMatchObject({ redirectUri: REDIRECT_URI, consentRedirectUri: REDIRECT_URI, redirectUriChanged: false });

    process.env.APP_URL = NEW_APP_URL;
    vi.resetModules();
    status = await (await import("@/lib/amocrm/status")).getConnectionStatus();
    expect(status).toMatchObject({ redirectUri: NEW_REDIRECT_URI, consentRedirectUri: REDIRECT_URI, redirectUriChanged: true });
  });

  it("has no warning before any consent", async () => {
    const status = await (await import("@/lib/amocrm/status")).getConnectionStatus();
    expect(status).toMatchObject({ consentRedirectUri: null, redirectUriChanged: false });
  });
});
