import { expect, test } from "../fixtures";

// GET /robots.txt: served from public/ to anyone (no session), as plain text, keeping crawlers out of everything.
test("robots.txt keeps search engines out of the whole dashboard and needs no session", async ({ request }) => {
  const response = await request.get("/robots.txt", { maxRedirects: 0 });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^text\/plain\b/);
  const body = await response.text();
  expect(body).toMatch(/^User-agent: \*$/m);
  expect(body).toMatch(/^Disallow: \/$/m);
  // It passes through the proxy like any other answer, so it carries the same security headers.
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["referrer-policy"]).toBe("same-origin");
});
