import { e2e, expect, test, useEnglish } from "../fixtures";

/** Security headers on every kind of route, and the app working under its own CSP. */

const PAGES = ["/login", "/setup", "/guide", "/guide/troubleshooting", "/connect", "/status"];
const ADMIN_JSON = ["/api/amocrm/status"];
const PUBLIC_JSON = ["/api/health"];
const REDIRECTS = ["/api/amocrm/authorize", "/api/amocrm/callback?error=access_denied"];

function expectCommonHeaders(headers: Record<string, string>, route: string) {
  expect(headers["referrer-policy"], route).toBe("same-origin");
  expect(headers["x-content-type-options"], route).toBe("nosniff");
  // APP_URL is http in the tests, so no HSTS: it is only sent for https deployments.
  expect(headers["strict-transport-security"], route).toBeUndefined();
}

test.beforeEach(async ({ page, loginPage }) => {
  await useEnglish(page);
  await loginPage.signIn();
});

test("every page carries a nonce CSP and is never cached", async ({ page }) => {
  let checked = 0;
  const nonces = new Set<string>();
  for (const route of PAGES) {
    const response = await page.request.get(route, { maxRedirects: 0 });
    const headers = response.headers();
    expectCommonHeaders(headers, route);
    const csp = headers["content-security-policy"] ?? "";
    const nonce = csp.match(/'nonce-([A-Za-z0-9+/=]+)'/)?.[1];
    expect(nonce, route).toBeTruthy();
    nonces.add(nonce!);
    expect(csp, route).toContain("'strict-dynamic'");
    expect(csp, route).toContain("object-src 'none'");
    expect(csp, route).toContain("base-uri 'none'");
    expect(csp, route).toContain("frame-ancestors 'none'");
    expect(csp, route).toMatch(new RegExp(`form-action 'self' ${e2e.fakeUrl.replace(/[.]/g, "\\.")}(;|$)`));
    expect(csp, route).not.toContain("unsafe-eval");
    expect(headers["cache-control"], route).toContain("no-store");
    checked += 1;
  }
  expect(nonces.size, "a fresh nonce per request").toBe(PAGES.length);
  expect(checked).toBe(PAGES.length);
});

test("JSON and redirect routes carry the same headers and are never cached", async ({ page }) => {
  for (const route of [...ADMIN_JSON, ...PUBLIC_JSON, ...REDIRECTS]) {
    const response = await page.request.get(route, { maxRedirects: 0 });
    const headers = response.headers();
    expectCommonHeaders(headers, route);
    if (route.startsWith("/api/amocrm/")) expect(headers["cache-control"], route).toContain("no-store");
  }
  const post = await page.request.post("/api/amocrm/disconnect", { headers: { Origin: "https://evil.example" } });
  expect(post.status()).toBe(403);
  expect(post.headers()["cache-control"]).toContain("no-store");
  expectCommonHeaders(post.headers(), "POST /api/amocrm/disconnect");
});

test("the session cookie is HttpOnly and SameSite=Lax", async ({ page }) => {
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name.endsWith("authjs.session-token"));
  expect(session).toBeTruthy();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");
});

test("the app works under its CSP with no violation reported", async ({ page, statusPage }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/content security policy/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(error.message));
  for (const route of PAGES.filter((route) => route !== "/setup")) {
    await page.goto(route);
    await page.waitForLoadState("networkidle");
  }
  // Client components hydrate and act: the language switcher posts a server action.
  await statusPage.goto();
  await statusPage.languageButton("ru").click();
  await statusPage.expectLanguage("ru");
  await statusPage.languageButton("en").click();
  await statusPage.expectLanguage("en");
  expect(violations).toEqual([]);
});
