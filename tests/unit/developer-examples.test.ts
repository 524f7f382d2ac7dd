import { describe, expect, it } from "vitest";
import { API_KEY_NAME_MAX } from "@/lib/db/api-keys";
import { apiKeyNameSchema } from "@/lib/leads/api-key-input";
import { EXAMPLE_LEAD, KEY_PLACEHOLDER, SITE_KEY_ENV, buildDeveloperExamples } from "@/lib/leads/developer-examples";
import { parseLeadInput } from "@/lib/leads/input";

const APP_URL = "https://admin.example.com";
const ENDPOINT = `${APP_URL}/api/v1/leads`;
/** What a real site key looks like (lib/db/api-keys.ts): none may appear in an example. */
const REAL_KEY = /amc_[A-Za-z0-9_-]{43}/;

describe("buildDeveloperExamples", () => {
  const examples = buildDeveloperExamples({ appUrl: APP_URL });

  it("points every server-side example at this deployment's leads URL, with the key from the environment", () => {
    expect(examples.endpoint).toBe(ENDPOINT);
    expect(examples.openApiUrl).toBe(`${APP_URL}/api/v1/openapi.json`);
    for (const code of [examples.curl, examples.php, examples.node]) {
      expect(code).toContain(ENDPOINT);
      expect(code).toContain(SITE_KEY_ENV);
      expect(code).toContain("Bearer");
      expect(code).toContain("Idempotency-Key");
      expect(code).toContain("application/json");
    }
    expect(examples.curl).toContain(`Bearer $${SITE_KEY_ENV}`);
    expect(examples.php).toContain(`getenv('${SITE_KEY_ENV}')`);
    expect(examples.node).toContain(`process.env.${SITE_KEY_ENV}`);
  });

  it("never carries a usable key, only the placeholder", () => {
    for (const code of Object.values(examples)) expect(code).not.toMatch(REAL_KEY);
    expect(examples.curl).toContain(`${SITE_KEY_ENV}='${KEY_PLACEHOLDER}'`);
  });

  it("keeps the key out of the browser: the HTML form posts to the site's own backend", () => {
    expect(examples.html).toMatch(/<form method="post" action="\/contact\.php">/);
    expect(examples.html).not.toContain(APP_URL);
    expect(examples.html).not.toMatch(/Bearer|amc_|Authorization/);
    // The PHP handler is the backend the form names, and it reads the form's fields.
    expect(examples.php).toContain("contact.php");
    for (const field of ["name", "phone", "email", "message"]) {
      expect(examples.html).toContain(`name="${field}"`);
      expect(examples.php).toContain(`$field('${field}')`);
    }
  });

  it("shows a body the intake accepts, in curl and on its own", () => {
    expect(JSON.parse(examples.body)).toEqual(EXAMPLE_LEAD);
    const curlBody = /<<'JSON'\n([\s\S]*?)\nJSON$/.exec(examples.curl)?.[1];
    expect(curlBody && JSON.parse(curlBody)).toEqual(EXAMPLE_LEAD);
    const parsed = parseLeadInput(JSON.parse(examples.body), { defaultCountry: "UZ" });
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
  });

  it("tells how to read the 202 and the errors", () => {
    expect(examples.responses).toContain("202 Accepted");
    expect(examples.responses).toContain('"status":"queued"');
    for (const code of ["invalid_input", "invalid_api_key"]) expect(examples.responses).toContain(code);
    expect(examples.php).toContain("$status === 202");
    expect(examples.node).toContain("response.status === 202");
    expect(examples.node).toContain("Retry-After");
  });

  it("quotes an odd URL so it stays one argument in the shell and one string in PHP and JavaScript", () => {
    const odd = buildDeveloperExamples({ appUrl: "https://admin.example.com/it's" });
    expect(odd.curl).toContain(`'https://admin.example.com/it'\\''s/api/v1/leads'`);
    expect(odd.php).toContain(`curl_init('https://admin.example.com/it\\'s/api/v1/leads')`);
    expect(odd.node).toContain(`fetch("https://admin.example.com/it's/api/v1/leads"`);
  });
});

describe("apiKeyNameSchema", () => {
  it.each([
    ["", "nameRequired"],
    ["   ", "nameRequired"],
    ["x".repeat(API_KEY_NAME_MAX + 1), "nameTooLong"],
  ])("refuses %j with %s", (name, key) => {
    const parsed = apiKeyNameSchema.safeParse({ name });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([key]);
  });

  it("trims the name and takes 1 to API_KEY_NAME_MAX characters", () => {
    expect(apiKeyNameSchema.parse({ name: "  Website  " })).toEqual({ name: "Website" });
    expect(apiKeyNameSchema.parse({ name: ` ${"x".repeat(API_KEY_NAME_MAX)} ` }).name).toHaveLength(API_KEY_NAME_MAX);
  });
});
