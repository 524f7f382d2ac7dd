import Database from "better-sqlite3";
import { e2e, expect, test, useEnglish } from "../fixtures";

/**
 * Hostile values against the form action, every /api/amocrm/* route and the callback: never a 5xx, always a
 * clear refusal, and the database exactly as it was.
 */

const HOSTILE: unknown[] = [
  "x".repeat(100_000),
  "ключ ✓ kalit 🔑 \u202e",
  "\u0000\u0001\u0007\u001b[31m\r\n",
  "'; DROP TABLE connections; --",
  "<script>alert(1)</script>",
  "{{7*7}}${7*7}",
  "../../../etc/passwd",
  12345,
  -1,
  true,
  null,
  [],
  ["a", "b"],
  { nested: { deep: ["x"] } },
];

function snapshot(): string {
  const db = new Database(e2e.databasePath, { readonly: true, fileMustExist: true });
  try {
    const tables = ["admins", "connections", "oauth_states", "connection_events", "setup_tokens", "guide_progress"];
    return JSON.stringify(tables.map((table) => db.prepare(`select * from ${table} order by rowid`).all()));
  } finally {
    db.close();
  }
}

test.beforeEach(async ({ page }) => {
  await useEnglish(page);
});

test("hostile JSON bodies and origins against every admin POST route", async ({ page, request, loginPage }) => {
  await loginPage.signIn();
  const before = snapshot();
  let sent = 0;
  // `true` is the one legitimate value of forgetCredentials; everything else must be refused.
  for (const body of HOSTILE.filter((value) => value !== true)) {
    // As an admin, with the right Origin: the disconnect body is parsed and refused.
    const disconnect = await page.request.post("/api/amocrm/disconnect", { headers: { Origin: e2e.appUrl }, data: { forgetCredentials: body } });
    expect(disconnect.status(), `disconnect ${JSON.stringify(body).slice(0, 40)}`).toBe(422);
    expect((await disconnect.json()).error.message).toBeTruthy();
    sent += 1;
    const raw = await page.request.post("/api/amocrm/disconnect", {
      headers: { Origin: e2e.appUrl, "Content-Type": "application/json" },
      data: typeof body === "string" ? body : JSON.stringify([body]),
    });
    expect(raw.status()).toBe(422);
    sent += 1;
    for (const route of ["/api/amocrm/test", "/api/amocrm/refresh", "/api/amocrm/disconnect"]) {
      // Another origin, as an admin: refused before anything runs.
      const foreign = await page.request.post(route, { headers: { Origin: "https://evil.example" }, data: { value: body } });
      expect(foreign.status(), route).toBe(403);
      // No session at all.
      const anonymous = await request.post(route, { headers: { Origin: e2e.appUrl }, data: { value: body } });
      expect(anonymous.status(), route).toBe(401);
      expect((await anonymous.json()).error.code).toBe("unauthorized");
      sent += 2;
    }
  }
  expect(snapshot()).toEqual(before);
  console.log(`hostile POST requests sent: ${sent}`);
});

test("hostile query values against the callback, the hook, authorize and status", async ({ page, request, loginPage }) => {
  await loginPage.signIn();
  const before = snapshot();
  let sent = 0;
  // Node refuses request lines over 16 KB itself (431); the app sees everything up to that.
  const tooLong = await request.get(`/api/amocrm/callback?code=${"x".repeat(100_000)}`, { maxRedirects: 0 });
  expect(tooLong.status()).toBe(431);
  const strings = HOSTILE.filter((value): value is string => typeof value === "string").map((value) => value.slice(0, 8_000));
  for (const value of strings) {
    for (const key of ["code", "state", "referer", "client_id", "error", "platform"]) {
      const query = new URLSearchParams({ code: "def50200ab", state: "s", referer: "acoustic.amocrm.ru", [key]: value });
      for (const client of [page.request, request]) {
        const response = await client.get(`/api/amocrm/callback?${query}`, { maxRedirects: 0 });
        expect(response.status(), `callback ${key}`).toBe(303);
        const location = response.headers().location ?? "";
        expect(location.startsWith(`${e2e.appUrl}/status?error=`) || location.startsWith(`${e2e.appUrl}/login?`)).toBe(true);
        sent += 1;
      }
    }
    for (const key of ["client_uuid", "account_id", "signature"]) {
      const query = new URLSearchParams({ client_uuid: e2e.clientId, account_id: "29145784", signature: "00", [key]: value });
      const response = await request.get(`/api/amocrm/disconnect-hook?${query}`);
      expect([401, 403]).toContain(response.status());
      sent += 1;
    }
    const status = await request.get(`/api/amocrm/status?x=${encodeURIComponent(value)}`);
    expect(status.status()).toBe(401);
    const authorize = await request.get(`/api/amocrm/authorize?x=${encodeURIComponent(value)}`, { maxRedirects: 0 });
    expect(authorize.status()).toBe(303);
    sent += 2;
  }
  // Repeated parameters are refused rather than guessed.
  const repeated = await page.request.get("/api/amocrm/callback?state=a&state=b&code=x&referer=acoustic.amocrm.ru", { maxRedirects: 0 });
  expect(repeated.headers().location).toContain("error=invalid_callback");
  expect(snapshot()).toEqual(before);
  console.log(`hostile GET requests sent: ${sent + 2}`);
});

test("hostile values in the credentials form get messages next to the fields, never a server error", async ({ page, loginPage, connectPage }) => {
  await loginPage.signIn();
  const before = snapshot();
  const statuses: number[] = [];
  page.on("response", (response) => statuses.push(response.status()));
  for (const value of ["x".repeat(5000), "<script>alert(1)</script>", "\u0000\u0007 ключ", "'; DROP TABLE connections; --"]) {
    await connectPage.goto();
    await connectPage.clientId.fill(value);
    await connectPage.clientSecret.fill(`${value} with space`);
    await connectPage.accountDomain.fill(value);
    await connectPage.clientId.press("Enter");
    // The message each field points to (aria-errormessage) is there and says something.
    await expect(connectPage.clientId).toHaveAccessibleErrorMessage(/\S/);
    await expect(connectPage.clientSecret).toHaveAccessibleErrorMessage(/\S/);
    await expect(connectPage.accountDomain).toHaveAccessibleErrorMessage(/\S/);
  }
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  expect(snapshot()).toEqual(before);
});
