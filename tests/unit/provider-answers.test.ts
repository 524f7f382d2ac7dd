// What amoCRM really sends back, through the fake's strict switches: the Accept header the app asks with, and
// answers that are not JSON (amoCRM's HTML login page on a 401, nginx's HTML pages, empty bodies) on 401/403/5xx
// (docs/amocrm-contract.md §4, §4.1, §9.14, §11.6). Messages are the real English ones.
import { describe, expect, it, vi } from "vitest";
import { ADMIN_EMAIL, APP_URL, codeOf, connectThroughFake, refreshCalls, useFakeAmoSuite } from "./helpers/amo-test-env";

vi.mock("@/lib/auth/session", () => ({ getAdmin: vi.fn(async () => null) }));
vi.mock("next-intl/server", async () => (await import("./helpers/translations")).intlServer(() => "en"));

const amo = useFakeAmoSuite();

const admin = { id: 1, email: ADMIN_EMAIL, passwordHash: "x", createdAt: new Date(), lastSignInAt: null };

/** POST /api/amocrm/test as a signed-in admin. */
async function postTest(): Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string } } }> {
  const session = await import("@/lib/auth/session");
  vi.mocked(session.getAdmin).mockResolvedValue(admin);
  const { POST } = await import("@/app/api/amocrm/test/route");
  const response = await POST(new Request(`${APP_URL}/api/amocrm/test`, { method: "POST", headers: { origin: APP_URL } }));
  return { status: response.status, body: (await response.json()) as { ok: boolean; error?: { code: string; message: string } } };
}

describe("the Accept header", () => {
  it("asks for application/hal+json, application/json on every amoCRM call: code, account, API, refresh", async () => {
    await connectThroughFake(amo.fake);
    const { amoFetch } = await import("@/lib/amocrm/client");
    const { refreshNow } = await import("@/lib/amocrm/tokens");
    await amoFetch("/api/v4/account");
    await refreshNow({ actorEmail: ADMIN_EMAIL });
    const requests = amo.fake.controls.snapshot().requests;
    expect(requests.map((request) => `${request.method} ${request.path} ${request.grantType ?? ""}`.trim())).toEqual([
      "POST /oauth2/access_token authorization_code",
      "GET /api/v4/account",
      "GET /api/v4/account",
      "POST /oauth2/access_token refresh_token",
    ]);
    for (const request of requests) expect(request.accept, `${request.method} ${request.path}`).toBe("application/hal+json, application/json");
  });
});

describe("answers that are not JSON (htmlErrorStatuses: [401, 403, 502])", () => {
  it("a 401 HTML login page on the API, again after the one refresh, is user_deactivated, not a revoked token", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ htmlErrorStatuses: [401, 403, 502] });
    amo.fake.controls.fault({ target: "account", status: 401, times: 2 });
    const { status, body } = await postTest();
    expect(refreshCalls(amo.fake)).toBe(1);
    expect(status).toBe(409);
    expect(body.error?.code).toBe("user_deactivated");
    expect(body.error?.message).toContain("HTTP 401");
    expect(body.error?.message).toMatch(/sign-in page/);
  });

  it("a 401 HTML login page for an expired token is refreshed away like the JSON one", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ htmlErrorStatuses: [401, 403, 502] });
    amo.fake.controls.expireAccessTokens();
    const { status, body } = await postTest();
    expect({ status, ok: body.ok }).toEqual({ status: 200, ok: true });
    expect(refreshCalls(amo.fake)).toBe(1);
  });

  it("a 502 HTML page is provider_error whose message names HTTP 502 and the web page", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ htmlErrorStatuses: [401, 403, 502] });
    amo.fake.controls.fault({ target: "account", status: 502 });
    const { status, body } = await postTest();
    expect(status).toBe(502);
    expect(body.error?.code).toBe("provider_error");
    expect(body.error?.message).toContain("(HTTP 502)");
    expect(body.error?.message).toMatch(/web page instead of data/);
  });

  it("an empty 500 body is provider_error whose message names HTTP 500 and the empty answer", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.fault({ target: "account", status: 500, body: "" });
    const { status, body } = await postTest();
    expect(status).toBe(502);
    expect(body.error?.code).toBe("provider_error");
    expect(body.error?.message).toContain("(HTTP 500)");
    expect(body.error?.message).toMatch(/empty answer/);
  });

  it("a refresh answered with nginx's HTML 502 records the status and the page for the status page", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.configure({ htmlErrorStatuses: [401, 403, 502] });
    amo.fake.controls.fault({ target: "refresh", status: 502 });
    const { refreshNow } = await import("@/lib/amocrm/tokens");
    expect(await codeOf(refreshNow({ actorEmail: ADMIN_EMAIL }))).toBe("provider_error");
    const { getConnectionStatus } = await import("@/lib/amocrm/status");
    const { lastError } = await getConnectionStatus();
    expect(lastError).toMatchObject({ code: "provider_error", detail: { status: 502, body: "html" } });
    const { describeError } = await import("@/lib/i18n/errors");
    const message = await describeError("provider_error", lastError?.detail);
    expect(message).toContain("(HTTP 502)");
    expect(message).toMatch(/web page instead of data/);
  });
});

describe("mapping a body that is not JSON (pure)", () => {
  it("names HTML pages, empty bodies and other text, and maps only an HTML 401 to user_deactivated", async () => {
    const { bodyKindOf, mapProviderError } = await import("@/lib/amocrm/provider-errors");
    expect(bodyKindOf('{"title":"Unauthorized"}', true)).toBe("json");
    expect(bodyKindOf("", false)).toBe("empty");
    expect(bodyKindOf("  \n", false)).toBe("empty");
    expect(bodyKindOf("<!DOCTYPE html><html><body>Войти</body></html>", false)).toBe("html");
    expect(bodyKindOf("<html><head><title>502 Bad Gateway</title></head></html>", false)).toBe("html");
    expect(bodyKindOf("oops", false, "text/html; charset=utf-8")).toBe("html");
    expect(bodyKindOf("Bad Gateway", false, "text/plain")).toBe("text");

    expect(mapProviderError({ status: 401, body: "<!DOCTYPE html><html><form></form></html>" }).code).toBe("user_deactivated");
    expect(mapProviderError({ status: 401, body: "" }).code).toBe("token_revoked");
    expect(mapProviderError({ status: 502, body: "<html><body>502</body></html>" }).code).toBe("provider_error");
    expect(mapProviderError({ status: 403, body: "<html><body>403</body></html>" }).code).toBe("account_blocked");
  });
});
