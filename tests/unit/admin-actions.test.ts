// Actions the admin starts (Test connection, Refresh now, Save and authorize) try amoCRM at once; only the automatic
// paths (the token users behind the lead worker, the keep-alive) wait out the backoff after a failure. Messages are
// the real ones, and an error never reads "(HTTP )".
import { describe, expect, it, vi } from "vitest";
import {
  ADMIN_EMAIL,
  APP_URL,
  CLIENT_ID,
  CLIENT_SECRET,
  codeOf,
  connectThroughFake,
  readConnection,
  refreshCalls,
  setStoredExpiry,
  useFakeAmoSuite,
} from "./helpers/amo-test-env";

const locale = vi.hoisted(() => ({ current: "en" as "en" | "ru" | "uz" }));
vi.mock("@/lib/auth/session", () => ({ getAdmin: vi.fn(async () => null) }));
vi.mock("next-intl/server", async () => (await import("./helpers/translations")).intlServer(() => locale.current));

const amo = useFakeAmoSuite();

const admin = { id: 1, email: ADMIN_EMAIL, passwordHash: "x", createdAt: new Date(), lastSignInAt: null };

type RouteAnswer = { status: number; body: { ok: boolean; error?: { code: string; message: string } } };

/** POST an admin route as a signed-in admin from the app's own origin. */
async function post(route: "test" | "refresh"): Promise<RouteAnswer> {
  const session = await import("@/lib/auth/session");
  vi.mocked(session.getAdmin).mockResolvedValue(admin);
  const { POST } = route === "test" ? await import("@/app/api/amocrm/test/route") : await import("@/app/api/amocrm/refresh/route");
  const response = await POST(new Request(`${APP_URL}/api/amocrm/${route}`, { method: "POST", headers: { origin: APP_URL } }));
  return { status: response.status, body: (await response.json()) as RouteAnswer["body"] };
}

/** An automatic refresh met one provider 500: degraded, with the 30-second wait running. The token has expired. */
async function degradedByOne500(): Promise<void> {
  await connectThroughFake(amo.fake);
  await setStoredExpiry(new Date(Date.now() - 1000));
  amo.fake.controls.fault({ target: "refresh", status: 500 });
  const { getAccessToken } = await import("@/lib/amocrm/tokens");
  expect(await codeOf(getAccessToken())).toBe("provider_error");
  const row = await readConnection();
  expect(row).toMatchObject({ state: "degraded", failureCount: 1, lastErrorCode: "provider_error" });
  expect(row.nextRetryAt?.getTime()).toBeGreaterThan(Date.now());
  expect(refreshCalls(amo.fake)).toBe(1);
}

describe("after one provider 500 during a refresh", () => {
  it("the admin's Test connection refreshes at once and answers 200", async () => {
    await degradedByOne500();
    const { status, body } = await post("test");
    expect(refreshCalls(amo.fake)).toBe(2);
    expect({ status, ok: body.ok }).toEqual({ status: 200, ok: true });
    expect(await readConnection()).toMatchObject({ state: "connected", failureCount: 0, nextRetryAt: null, lastErrorCode: null });
  });

  it("the admin's Test connection that fails again reports amoCRM's real status", async () => {
    await degradedByOne500();
    amo.fake.controls.fault({ target: "refresh", status: 500 });
    const { status, body } = await post("test");
    expect(refreshCalls(amo.fake)).toBe(2);
    expect(status).toBe(502);
    expect(body.error?.code).toBe("provider_error");
    expect(body.error?.message).toContain("(HTTP 500)");
    expect((await readConnection()).failureCount).toBe(2);
  });

  it("the admin's Test connection after a 401 refreshes at once, even while the wait runs", async () => {
    await connectThroughFake(amo.fake);
    // Ahead of expiry: the automatic refresh fails, the current token stays in use, the wait starts.
    amo.fake.controls.fault({ target: "refresh", status: 500 });
    const { getAccessToken } = await import("@/lib/amocrm/tokens");
    const row = await readConnection();
    await getAccessToken({ now: new Date((row.accessTokenExpiresAt?.getTime() ?? 0) - 600_000) });
    const degraded = await readConnection();
    expect(degraded).toMatchObject({ state: "degraded", failureCount: 1 });
    expect(degraded.nextRetryAt?.getTime()).toBeGreaterThan(Date.now());
    // amoCRM now refuses the access token: the Test's 401 needs a refresh while the wait runs.
    amo.fake.controls.expireAccessTokens();

    const { status, body } = await post("test");
    expect(refreshCalls(amo.fake)).toBe(2);
    expect({ status, ok: body.ok }).toEqual({ status: 200, ok: true });
  });

  it("automatic token users still wait: no call to amoCRM, and the error names the status it waits on", async () => {
    await degradedByOne500();
    const { getAccessToken } = await import("@/lib/amocrm/tokens");
    const error = await getAccessToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "provider_error", detail: { status: 500 } });
    expect(refreshCalls(amo.fake)).toBe(1);
    const { describeError } = await import("@/lib/i18n/errors");
    const { detail, retryAfterSeconds } = error as { detail: Record<string, string | number>; retryAfterSeconds: number };
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(await describeError("provider_error", detail)).toContain("(HTTP 500)");
  });

  it("the admin's Refresh now tries at once", async () => {
    await degradedByOne500();
    const { status, body } = await post("refresh");
    expect({ status, ok: body.ok }).toEqual({ status: 200, ok: true });
    expect(refreshCalls(amo.fake)).toBe(2);
  });

  it("Save and authorize connects at once through the fake", async () => {
    await degradedByOne500();
    const { saveCredentials } = await import("@/lib/amocrm/connection");
    const { createAdmin, findAdminByEmail } = await import("@/lib/db/admins");
    const { createOauthState } = await import("@/lib/db/oauth-states");
    const { completeAuthorization } = await import("@/lib/amocrm/callback");
    const row = (await findAdminByEmail(ADMIN_EMAIL)) ?? (await createAdmin({ email: ADMIN_EMAIL, passwordHash: "x" }));
    await saveCredentials({ platform: "amocrm.ru", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, expectedAccountHost: null, actorEmail: ADMIN_EMAIL });
    const state = await createOauthState({ adminId: row.id });
    const { code, referer, clientId } = amo.fake.controls.issueCode({ state });
    expect(await completeAuthorization({ query: { code, state, referer, client_id: clientId }, admin: row })).toEqual({ ok: true });
    expect(await readConnection()).toMatchObject({ state: "connected", failureCount: 0, nextRetryAt: null });
  });
});

describe("messages without an HTTP status", () => {
  it.each(["en", "ru", "uz"] as const)("never read '(HTTP )' or '()' in %s, for any code", async (language) => {
    locale.current = language;
    try {
      const { describeError } = await import("@/lib/i18n/errors");
      const { ALL_ERROR_CODES } = await import("@/lib/error-codes");
      for (const code of ALL_ERROR_CODES) {
        for (const detail of [{}, { status: "" }] as Array<Record<string, string | number>>) {
          const message = await describeError(code, detail);
          expect(message, `${language} ${code}`).not.toMatch(/\(HTTP\s*\)|\(\s*\)/);
        }
      }
      expect(await describeError("provider_error", { status: 503 })).toContain("(HTTP 503)");
      expect(await describeError("amocrm_refused_lead", { status: "400" })).toContain("(400)");
    } finally {
      locale.current = "en";
    }
  });
});
