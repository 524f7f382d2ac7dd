import fs from "node:fs";
import http from "node:http";
import Database from "better-sqlite3";
import fc from "fast-check";
import type { APIRequestContext, Page } from "@playwright/test";
import { e2e, expect, fake, test, useEnglish } from "../fixtures";
import type { ConnectPage, ConsentPage, LoginPage } from "../fixtures";
import { createSiteKey } from "../site-leads";

// The website's side of leads, through the running server: POST /api/v1/leads and GET /api/v1/leads/{id} with a
// site API key, then delivery to the fake amoCRM by the worker inside the server.
test.describe.configure({ mode: "serial" });

function sql<T>(run: (db: Database.Database) => T): T {
  const db = new Database(e2e.databasePath);
  try {
    return run(db);
  } finally {
    db.close();
  }
}

const leadCount = () => sql((db) => (db.prepare("SELECT count(*) AS n FROM leads").get() as { n: number }).n);

const aLead = (overrides: Record<string, unknown> = {}) => ({
  name: "Ali Valiyev",
  phone: "+998 90 123-45-67",
  email: "ali@example.uz",
  message: "Eshitish apparati haqida maslahat kerak",
  source: "contact-form",
  pageUrl: "https://acoustic.uz/contact",
  utm: { source: "instagram", medium: "cpc", campaign: "winter", content: null, term: null },
  ...overrides,
});

let key = "";

async function post(request: APIRequestContext, body: unknown, headers: Record<string, string> = {}) {
  return request.post("/api/v1/leads", {
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", ...headers },
    data: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function leadStatus(request: APIRequestContext, id: string) {
  const response = await request.get(`/api/v1/leads/${id}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(response.status()).toBe(200);
  return (await response.json()).lead as { status: string; attempts: number; amocrmLeadId: number | null; lastError: { code: string } | null };
}

async function ensureConnected(page: Page, loginPage: LoginPage, connectPage: ConnectPage, consentPage: ConsentPage) {
  await useEnglish(page);
  await loginPage.signIn();
  const status = await (await page.request.get("/api/amocrm/status")).json();
  if (status.state !== "connected") {
    await connectPage.saveCredentials();
    await consentPage.authorize("Allow");
  }
}

test.beforeAll(() => {
  key = createSiteKey("e2e website");
});

test.describe("what is not a lead is refused, and nothing is stored", () => {
  test("a missing, wrong or revoked key", async ({ request }) => {
    const before = leadCount();
    for (const authorization of [undefined, "Bearer amc_wrong", `Basic ${key}`, `Bearer ${key}x`]) {
      const response = await request.post("/api/v1/leads", {
        headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
        data: JSON.stringify(aLead()),
      });
      expect(response.status()).toBe(401);
      expect((await response.json()).error.code).toBe("invalid_api_key");
    }
    const revoked = createSiteKey("to revoke");
    expect((await post(request, aLead(), { Authorization: `Bearer ${revoked}` })).status()).toBe(202);
    sql((db) => db.prepare("UPDATE api_keys SET revoked_at = ? WHERE name = 'to revoke'").run(Date.now()));
    const refused = await post(request, aLead(), { Authorization: `Bearer ${revoked}` });
    expect(refused.status()).toBe(401);
    expect(leadCount()).toBe(before + 1);
  });

  test("the wrong content type, an oversized body and malformed JSON", async ({ request }) => {
    const before = leadCount();
    const text = await post(request, JSON.stringify(aLead()), { "Content-Type": "text/plain" });
    expect(text.status()).toBe(415);
    expect((await text.json()).error.code).toBe("unsupported_media_type");
    const big = await post(request, aLead({ message: "x".repeat(70 * 1024) }));
    expect(big.status()).toBe(413);
    expect((await big.json()).error.code).toBe("payload_too_large");
    const malformed = await post(request, '{"name": "Ali", ');
    expect(malformed.status()).toBe(422);
    expect((await malformed.json()).error).toMatchObject({ code: "invalid_input", fields: [{ path: "" }] });
    expect(leadCount()).toBe(before);
  });

  test("every bad field is named, in the request's language", async ({ request }) => {
    const response = await post(request, { name: "", phone: "call me", colour: "red" }, { "Accept-Language": "ru" });
    expect(response.status()).toBe(422);
    const { error } = await response.json();
    expect(error.code).toBe("invalid_input");
    const byPath = Object.fromEntries(error.fields.map((field: { path: string; message: string }) => [field.path, field.message]));
    expect(Object.keys(byPath).sort()).toEqual(["colour", "name"]);
    expect(byPath.colour).toContain("Неизвестное поле");
    const uzbek = await post(request, { name: "Ali", phone: "call me" }, { "Accept-Language": "uz" });
    expect((await uzbek.json()).error.fields).toEqual([{ path: "phone", message: expect.stringContaining("telefon raqami emas") }]);
  });

  test("a thousand hostile bodies: never a server error, and only accepted ones are stored", async ({ request }) => {
    test.setTimeout(180_000);
    const before = leadCount();
    const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme", maxLength: 300 }), fc.constantFrom("", " ", "\u0000", "<script>", "' OR 1=1 --", "+998 90 123 45 67", "a@b.uz"));
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { name: fc.oneof(text, fc.jsonValue()), phone: fc.oneof(text, fc.constant(null)), email: fc.oneof(text, fc.constant(null)), message: text, utm: fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom("source", "medium", "x"), text)) },
        { requiredKeys: [] },
      ),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const response = await post(request, JSON.stringify(value));
        expect([202, 422]).toContain(response.status());
        const answer = await response.json();
        if (response.status() === 202) {
          accepted += 1;
          expect(answer.lead.status).toBe("queued");
        } else {
          expect(answer.error.code).toBe("invalid_input");
          expect(answer.error.fields.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
    expect(leadCount()).toBe(before + accepted);
    // Everything accepted here is junk for amoCRM: keep it out of the delivery tests below.
    sql((db) => db.prepare("UPDATE leads SET status = 'dead', dead_at = ? WHERE status IN ('queued', 'held')").run(Date.now()));
  });

  test("the per-key limit answers 429 with Retry-After (second server, 3 per minute)", async ({ playwright }) => {
    const setupKey = createSiteKey("rate test", { databasePath: e2e.setupDatabasePath, appUrl: e2e.setupAppUrl });
    const context = await playwright.request.newContext({ baseURL: e2e.setupAppUrl });
    const send = () => context.post("/api/v1/leads", { headers: { Authorization: `Bearer ${setupKey}`, "Content-Type": "application/json" }, data: JSON.stringify(aLead()) });
    for (let index = 0; index < 3; index += 1) expect((await send()).status()).toBe(202);
    const limited = await send();
    expect(limited.status()).toBe(429);
    expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe("throttled");
    await context.dispose();
  });
});

test("Idempotency-Key: the same body replays the first answer, another body is refused", async ({ request }) => {
  const before = leadCount();
  const idempotencyKey = `form-${Date.now()}`;
  const first = await post(request, aLead(), { "Idempotency-Key": idempotencyKey });
  expect(first.status()).toBe(202);
  const { lead } = await first.json();
  expect(first.headers().location).toBe(`/api/v1/leads/${lead.id}`);

  const again = await post(request, aLead(), { "Idempotency-Key": idempotencyKey });
  expect(again.status()).toBe(202);
  expect(again.headers()["idempotent-replayed"]).toBe("true");
  expect((await again.json()).lead.id).toBe(lead.id);

  const other = await post(request, aLead({ name: "Someone else" }), { "Idempotency-Key": idempotencyKey });
  expect(other.status()).toBe(422);
  expect((await other.json()).error.code).toBe("idempotency_key_reused");
  expect((await post(request, aLead(), { "Idempotency-Key": "bad key with spaces" })).status()).toBe(422);
  expect(leadCount()).toBe(before + 1);
  sql((db) => db.prepare("UPDATE leads SET status = 'dead', dead_at = ? WHERE id = ?").run(Date.now(), lead.id));
});

test.describe("the proxy's body buffer", () => {
  test("a chunked body is read only up to its limit (issue 14 item 13)", async ({ request }) => {
    // Chunked, with no Content-Length, 1 MiB: nothing can refuse it from its headers.
    const sendChunked = (route: string, headers: Record<string, string>) =>
      new Promise<{ status: number }>((resolve, reject) => {
        const outgoing = http.request(`${e2e.appUrl}${route}`, { method: "POST", headers: { ...headers, "Transfer-Encoding": "chunked" } });
        outgoing.on("response", (response) => {
          response.resume();
          response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
        });
        outgoing.on("error", reject);
        const chunk = "x".repeat(16 * 1024);
        for (let i = 0; i < 64; i += 1) outgoing.write(chunk);
        outgoing.end();
      });
    const serverLog = () => fs.readFileSync(e2e.serverLog, "utf8");

    // A page behind the proxy (a server action's POST): Next copies the body for the proxy, up to 128 KiB, not 10 MB.
    const proxied = await sendChunked("/login", { "Content-Type": "text/plain;charset=UTF-8", Origin: e2e.appUrl });
    expect(proxied.status).toBeLessThan(500);
    await expect.poll(serverLog).toContain("Request body exceeded 128KB for /login");

    // The leads API skips the proxy: the intake streams the body itself and answers 413 past 64 KiB.
    const lead = await sendChunked("/api/v1/leads", { Authorization: `Bearer ${key}`, "Content-Type": "application/json" });
    expect(lead.status).toBe(413);
    expect(serverLog()).not.toContain("Request body exceeded 128KB for /api/v1/leads");
    // The largest legitimate body (64 KiB, here a lead padded with JSON whitespace) still arrives whole.
    const largest = await post(request, `${JSON.stringify(aLead())}${" ".repeat(63 * 1024)}`);
    expect(largest.status()).toBe(202);
  });
});

test.describe("delivery to amoCRM", () => {
  test.beforeEach(async ({ page, request, loginPage, connectPage, consentPage }) => {
    await ensureConnected(page, loginPage, connectPage, consentPage);
    await fake.call(request, "leads/reset");
    // These tests expect the default lead settings (Incoming leads, tag `website`); another file may have changed them.
    sql((db) => db.prepare("DELETE FROM lead_settings").run());
  });

  test("a lead reaches amoCRM once, with its contact, tag, UTM fields and message", async ({ request }) => {
    const response = await post(request, aLead());
    expect(response.status()).toBe(202);
    const { lead } = await response.json();
    await expect.poll(async () => (await leadStatus(request, lead.id)).status, { timeout: 15_000 }).toBe("sent");

    const received = await fake.call<FakeLeads>(request, "leads");
    const created = received.leads.filter((item) => item.request_ids.includes(lead.id));
    expect(created).toHaveLength(1);
    expect(created[0]?.name).toBe(`Ali Valiyev — contact-form #${lead.id}`);
    expect(created[0]?.unsorted).toBe(true);
    expect(created[0]?.tags.map((tag) => tag.name)).toEqual(["website"]);
    expect(JSON.stringify(created[0]?.custom_fields_values)).toContain("instagram");
    const contact = received.contacts.find((item) => item.id === created[0]?.contact_id);
    expect(contact?.phones).toEqual(["+998901234567"]);
    expect(contact?.emails).toEqual(["ali@example.uz"]);
    await expect.poll(async () => (await fake.call<FakeLeads>(request, "leads")).notes.map((note) => note.params?.text ?? note.text)).toContain(aLead().message);
    expect((await leadStatus(request, lead.id)).amocrmLeadId).toBe(created[0]?.id);
  });

  test("500, 503 and a timeout-like reset are retried, and a 429 waits: each lead still arrives once", async ({ request }) => {
    const ids: string[] = [];
    for (const fault of [{ status: 500 }, { status: 503, html: true }, { reset: true, process: true }, { retryAfter: 1 }]) {
      await fake.call(request, "fault", { target: "leads_complex", ...fault });
      const { lead } = await (await post(request, aLead({ name: `Fault ${JSON.stringify(fault)}` }))).json();
      ids.push(lead.id);
      await expect.poll(async () => (await leadStatus(request, lead.id)).status, { timeout: 30_000 }).toBe("sent");
      expect((await leadStatus(request, lead.id)).attempts).toBeGreaterThanOrEqual(1);
    }
    const received = (await fake.call<FakeLeads>(request, "leads")).leads.flatMap((item) => item.request_ids);
    for (const id of ids) expect(received.filter((requestId) => requestId === id)).toHaveLength(1);
  });

  test("amoCRM's 400 kills only the refused lead, with amoCRM's reason", async ({ request }) => {
    await fake.call(request, "config", { refuseLeadsContaining: ["POISON"] });
    try {
      const bad = (await (await post(request, aLead({ name: "POISON pill" }))).json()).lead.id;
      await expect.poll(async () => (await leadStatus(request, bad)).status, { timeout: 15_000 }).toBe("dead");
      expect((await leadStatus(request, bad)).lastError?.code).toBe("amocrm_refused_lead");
      expect(sql((db) => (db.prepare("SELECT last_error_detail AS d FROM leads WHERE id = ?").get(bad) as { d: string }).d)).toContain("name");
      const good = (await (await post(request, aLead({ name: "Healthy" }))).json()).lead.id;
      await expect.poll(async () => (await leadStatus(request, good)).status, { timeout: 15_000 }).toBe("sent");
    } finally {
      await fake.call(request, "config", { refuseLeadsContaining: [] });
    }
  });

  test("amoCRM's 403 holds every delivery, which resumes once the hold is over", async ({ request }) => {
    await fake.call(request, "fault", { target: "leads_complex", status: 403 });
    const { lead } = await (await post(request, aLead({ name: "Blocked" }))).json();
    await expect.poll(async () => (await leadStatus(request, lead.id)).status, { timeout: 15_000 }).toBe("held");
    const hold = sql((db) => db.prepare("SELECT hold_until AS until, hold_reason AS reason FROM delivery_state WHERE id = 1").get() as { until: number; reason: string });
    expect(hold.reason).toBe("account_blocked");
    expect(hold.until - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((await leadStatus(request, lead.id)).attempts).toBe(0);
    // Fifteen minutes later, as far as the worker can tell.
    sql((db) => db.prepare("UPDATE delivery_state SET hold_until = ? WHERE id = 1").run(Date.now() - 1000));
    await expect.poll(async () => (await leadStatus(request, lead.id)).status, { timeout: 15_000 }).toBe("sent");
  });

  test("a revoked connection holds leads without spending attempts; re-consent delivers them", async ({ page, request, statusPage, consentPage }) => {
    const hook = await fake.call<{ status: number }>(request, "disconnect-hook", { url: `${e2e.appUrl}/api/amocrm/disconnect-hook` });
    expect(hook.status).toBe(200);
    const { lead } = await (await post(request, aLead({ name: "While revoked" }))).json();
    await expect.poll(async () => (await leadStatus(request, lead.id)).status, { timeout: 15_000 }).toBe("held");
    expect((await leadStatus(request, lead.id)).attempts).toBe(0);
    await statusPage.goto();
    await statusPage.reauthorizeLink.click();
    await consentPage.choose("Allow");
    await page.waitForURL(/\/status/);
    await expect.poll(async () => (await leadStatus(request, lead.id)).status, { timeout: 15_000 }).toBe("sent");
  });
});

test("GET /api/v1/leads/{id} needs a key and knows only real leads", async ({ request }) => {
  expect((await request.get("/api/v1/leads/00000000-0000-4000-8000-000000000000")).status()).toBe(401);
  const missing = await request.get("/api/v1/leads/00000000-0000-4000-8000-000000000000", { headers: { Authorization: `Bearer ${key}` } });
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe("not_found");
  expect((await request.get("/api/v1/leads/not-a-uuid", { headers: { Authorization: `Bearer ${key}` } })).status()).toBe(404);
});

interface FakeLeads {
  leads: Array<{ id: number; name: string; request_ids: string[]; unsorted: boolean; tags: Array<{ name: string }>; custom_fields_values: unknown; contact_id: number | null }>;
  contacts: Array<{ id: number; phones: string[]; emails: string[] }>;
  notes: Array<{ params?: { text?: string }; text?: string }>;
}
