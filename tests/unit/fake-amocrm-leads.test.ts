// The fake amoCRM's leads API (docs/amocrm-contract.md §11) and its rate limit (§4.1, §11.7), exercised over real HTTP on loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeAmo, type FakeAmo, type LeadsSnapshot } from "../fake-amocrm/server";
import { fakeControl } from "./helpers/fake-control";

const HOST = "acoustic.amocrm.ru";
const MAIN_PIPELINE = 7012345;
const UNSORTED_STAGE = 61000001;
const FIRST_STAGE = 61000002;
const SITE_PIPELINE = 7012346;

let fake: FakeAmo;
let token: string;

beforeAll(async () => {
  fake = await startFakeAmo({ quiet: true });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  // Most tests make more than 7 calls a second; the rate-limit tests switch the limit back on.
  await controlJson("/reset", { initial: true, rateLimitEnabled: false });
  token = (await controlJson<{ token: string }>("/long-lived-token", { days: 30 })).token;
});

// --- helpers -----------------------------------------------------------------------

const { controlJson } = fakeControl(() => fake);

async function api(path: string, init: { method?: string; body?: unknown; token?: string | null; signal?: AbortSignal } = {}): Promise<Response> {
  const bearer = init.token === undefined ? token : init.token;
  return fetch(`${fake.url}/api/v4${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      "X-Amocrm-Account-Host": HOST,
      "Content-Type": "application/json",
      ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
    },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    signal: init.signal,
  });
}

const complex = (body: unknown, signal?: AbortSignal): Promise<Response> => api("/leads/complex", { body, signal });

/** A website lead as the app would send it. */
function websiteLead(requestId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `Ali Valiyev · ${requestId}`,
    request_id: requestId,
    custom_fields_values: [
      { field_code: "UTM_SOURCE", values: [{ value: "instagram" }] },
      { field_code: "UTM_CAMPAIGN", values: [{ value: "winter" }] },
    ],
    _embedded: {
      tags: [{ name: "website" }],
      contacts: [
        {
          first_name: "Ali",
          last_name: "Valiyev",
          custom_fields_values: [
            { field_code: "PHONE", values: [{ value: "+998901234567", enum_code: "WORK" }] },
            { field_code: "EMAIL", values: [{ value: "ali@example.uz", enum_code: "WORK" }] },
          ],
        },
      ],
    },
    ...overrides,
  };
}

const formMetadata = {
  category: "forms",
  form_id: "contact-form",
  form_name: "Contact form",
  form_page: "https://acoustic.uz/contact",
  form_sent_at: 1733130000,
  ip: "203.0.113.7",
  referer: "https://instagram.com/",
};

async function received(): Promise<LeadsSnapshot> {
  return controlJson<LeadsSnapshot>("/leads");
}

interface AnswerItem {
  id: number;
  contact_id: number | null;
  company_id: number | null;
  request_id: string[];
  merged: boolean;
}

async function expectValidation(res: Response, errors: unknown[]): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(await res.json()).toEqual({
    "validation-errors": errors,
    title: "Bad Request",
    type: "https://httpstatus.es/400",
    status: 400,
    detail: "Request validation failed",
  });
}

const CHOICE = "The value you selected is not a valid choice.";

// --- leads/complex -----------------------------------------------------------------

describe("POST /api/v4/leads/complex", () => {
  it("creates a batch and answers the bare array with ids and request_id arrays", async () => {
    const res = await complex([
      websiteLead("lead-a"),
      websiteLead("lead-b", { _embedded: { ...(websiteLead("lead-b")["_embedded"] as object), metadata: formMetadata } }),
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/hal+json");
    const answer = (await res.json()) as AnswerItem[];
    expect(answer).toEqual([
      { id: expect.any(Number), contact_id: expect.any(Number), company_id: null, request_id: ["lead-a"], merged: false },
      { id: expect.any(Number), contact_id: expect.any(Number), company_id: null, request_id: ["lead-b"], merged: false },
    ]);
    expect(answer[0]?.id).not.toBe(answer[1]?.id);

    const { leads, contacts, tags } = await received();
    expect(leads).toHaveLength(2);
    const [a, b] = leads;
    expect(a).toMatchObject({
      id: answer[0]?.id,
      name: "Ali Valiyev · lead-a",
      pipeline_id: MAIN_PIPELINE,
      status_id: FIRST_STAGE,
      unsorted: false,
      contact_id: answer[0]?.contact_id,
      request_ids: ["lead-a"],
      tags: [{ name: "website" }],
    });
    expect(a?.custom_fields_values).toEqual([
      { field_id: 1000101, field_name: "utm_source", field_code: "UTM_SOURCE", field_type: "tracking_data", values: [{ value: "instagram" }] },
      { field_id: 1000103, field_name: "utm_campaign", field_code: "UTM_CAMPAIGN", field_type: "tracking_data", values: [{ value: "winter" }] },
    ]);
    // An "Incoming leads" form lead lands in the main pipeline's Unsorted stage.
    expect(b).toMatchObject({ status_id: UNSORTED_STAGE, unsorted: true, metadata: formMetadata });
    expect(contacts[0]).toMatchObject({ name: "Ali Valiyev", phones: ["+998901234567"], emails: ["ali@example.uz"] });
    expect(contacts[0]?.custom_fields_values[0]?.values).toEqual([{ value: "+998901234567", enum_code: "WORK", enum_id: 180001 }]);
    // One tag, created on first use and reused.
    expect(tags).toHaveLength(1);
    expect(b?.tags).toEqual(a?.tags);
  });

  it("honours pipeline_id/status_id, tags by id, companies, and falls back to the request index", async () => {
    await complex([websiteLead("seed")]);
    const tagId = (await received()).tags[0]?.id;
    const res = await complex([
      { name: "By stage", pipeline_id: SITE_PIPELINE, status_id: 61000012, _embedded: { tags: [{ id: tagId }], companies: [{ name: "Acoustic LLC" }] } },
      { name: "Pipeline only", pipeline_id: SITE_PIPELINE, _embedded: { metadata: formMetadata } },
      {},
    ]);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as AnswerItem[];
    expect(answer.map((a) => a.request_id)).toEqual([["0"], ["1"], ["2"]]);
    expect(answer[0]?.company_id).toEqual(expect.any(Number));
    expect(answer[0]?.contact_id).toBeNull();
    const leads = (await received()).leads.slice(1);
    expect(leads[0]).toMatchObject({ pipeline_id: SITE_PIPELINE, status_id: 61000012, tags: [{ id: tagId, name: "website" }] });
    // The "Сайт" pipeline has no Unsorted stage: the fake puts the lead in its first regular stage.
    expect(leads[1]).toMatchObject({ pipeline_id: SITE_PIPELINE, status_id: 61000011, unsorted: false });
    expect(leads[2]?.name).toBe(`Сделка #${answer[2]?.id}`);
  });

  it("refuses the whole batch with validation-errors naming each refused item", async () => {
    const res = await complex([
      websiteLead("good"),
      websiteLead("bad", { custom_fields_values: [{ field_code: "UTM_NOPE", values: [{ value: "x" }] }] }),
      { request_id: "worse", custom_field_values: [], _embedded: { contacts: [{}, {}] } },
    ]);
    await expectValidation(res, [
      { request_id: "bad", errors: [{ code: "NotSupportedChoice", path: "custom_fields_values.0.field_code", detail: CHOICE }] },
      {
        request_id: "worse",
        errors: [
          { code: "ExtraField", path: "custom_field_values", detail: "This field was not expected." },
          { code: "TooMany", path: "_embedded.contacts", detail: "This collection should contain 1 element or less." },
        ],
      },
    ]);
    expect((await received()).leads).toEqual([]);
  });

  it("checks contact fields, enums, stages, tag ids and metadata", async () => {
    const res = await complex([
      {
        request_id: "r1",
        status_id: 999,
        _embedded: {
          tags: [{ id: 424242 }],
          metadata: { category: "forms", form_name: "x" },
          contacts: [{ custom_fields_values: [{ field_code: "PHONE", values: [{ value: "+1", enum_code: "PAGER" }] }, { field_code: "SKYPE", values: [] }] }],
        },
      },
    ]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { "validation-errors": Array<{ request_id: string; errors: Array<{ path: string }> }> };
    expect(body["validation-errors"][0]?.errors.map((e) => e.path).sort()).toEqual(
      [
        "_embedded.contacts.0.custom_fields_values.0.values.0.enum_code",
        "_embedded.contacts.0.custom_fields_values.1.field_code",
        "_embedded.metadata.form_id",
        "_embedded.metadata.form_sent_at",
        "_embedded.tags.0.id",
      ].sort(),
    );
    // status_id is ignored for an Unsorted lead, so it is not among the errors.
  });

  it("refuses a body that is not a non-empty array of at most 50, and bad JSON", async () => {
    const batchError = (code: string, detail: string) => [{ errors: [{ code, path: "", detail }] }];
    await expectValidation(await complex({ name: "x" }), batchError("InvalidType", "This value should be of type array."));
    await expectValidation(await complex([]), batchError("NotBlank", "This collection should contain 1 element or more."));
    const fiftyOne = Array.from({ length: 51 }, (_, i) => ({ name: `L${i}` }));
    await expectValidation(await complex(fiftyOne), batchError("TooMany", "This collection should contain 50 elements or less."));
    await expectValidation(await complex("[{"), batchError("InvalidJson", "Syntax error"));
    expect((await complex(fiftyOne.slice(0, 50))).status).toBe(200);
    expect((await received()).leads).toHaveLength(50);
  });

  it("refuses UTM codes the account does not have (an account without UTM fields)", async () => {
    await controlJson("/config", { leadUtmFields: [] });
    await expectValidation(await complex([websiteLead("x")]), [
      {
        request_id: "x",
        errors: [
          { code: "NotSupportedChoice", path: "custom_fields_values.0.field_code", detail: CHOICE },
          { code: "NotSupportedChoice", path: "custom_fields_values.1.field_code", detail: CHOICE },
        ],
      },
    ]);
  });

  it("refuses chosen data with refuseLeadsContaining, pointing at the value", async () => {
    await controlJson("/config", { refuseLeadsContaining: ["POISON"] });
    const poisoned = websiteLead("p", { name: "Lead POISON" });
    await expectValidation(await complex([websiteLead("ok"), poisoned]), [
      { request_id: "p", errors: [{ code: "NotSupportedChoice", path: "name", detail: CHOICE }] },
    ]);
    expect((await complex([websiteLead("ok")])).status).toBe(200);
  });

  it("answers 401 for a missing, unknown or expired token", async () => {
    for (const bad of [null, "garbage"]) {
      const res = await api("/leads/complex", { body: [websiteLead("x")], token: bad });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await res.json()).toEqual({ title: "Unauthorized", type: "https://httpstatus.es/401", status: 401, detail: "Неверный логин или пароль" });
    }
    await controlJson("/expire-access-tokens", {});
    expect((await api("/leads/pipelines")).status).toBe(401);
    expect((await received()).leads).toEqual([]);
  });

  it("merges into an earlier lead under duplicate control, but never within one batch", async () => {
    await controlJson("/config", { duplicateControl: true });
    const first = ((await (await complex([websiteLead("first")])).json()) as AnswerItem[])[0];
    const res = await complex([
      websiteLead("again-1", { _embedded: { tags: [{ name: "repeat" }], contacts: [{ name: "Ali", custom_fields_values: [{ field_code: "PHONE", values: [{ value: "+998901234567" }] }] }] } }),
      websiteLead("again-2"),
      websiteLead("new-1", { _embedded: { contacts: [{ name: "Vali", custom_fields_values: [{ field_code: "PHONE", values: [{ value: "+998907654321" }] }] }] } }),
      websiteLead("new-2", { _embedded: { contacts: [{ name: "Vali", custom_fields_values: [{ field_code: "PHONE", values: [{ value: "+998907654321" }] }] }] } }),
    ]);
    const answer = (await res.json()) as AnswerItem[];
    expect(answer[0]).toEqual({ id: first?.id, contact_id: first?.contact_id, company_id: null, request_id: ["again-1", "again-2"], merged: true });
    expect(answer.slice(1).map((a) => [a.request_id, a.merged])).toEqual([
      [["new-1"], false],
      [["new-2"], false],
    ]);
    const { leads } = await received();
    expect(leads).toHaveLength(3);
    expect(leads[0]).toMatchObject({ request_ids: ["first", "again-1", "again-2"], merges: 2 });
    expect(leads[0]?.tags.map((t) => t.name)).toEqual(["website", "repeat"]);
  });
});

// --- search ------------------------------------------------------------------------

describe("GET /api/v4/leads", () => {
  it("finds a lead by a value only it carries, and answers 204 with no body when nothing matches", async () => {
    await complex([websiteLead("9b2f7c1e-uuid-a"), websiteLead("other-b", { _embedded: { contacts: [{ name: "Vali", custom_fields_values: [{ field_code: "EMAIL", values: [{ value: "vali@example.uz" }] }] }] } })]);
    const res = await api("/leads?query=9b2f7c1e-uuid-a&with=contacts");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/hal+json");
    const body = (await res.json()) as { _page: number; _links: Record<string, { href: string }>; _embedded: { leads: Array<Record<string, unknown>> } };
    expect(body._page).toBe(1);
    expect(body._embedded.leads).toHaveLength(1);
    const lead = body._embedded.leads[0];
    expect(lead).toMatchObject({ name: "Ali Valiyev · 9b2f7c1e-uuid-a", pipeline_id: MAIN_PIPELINE, account_id: 29145784 });
    expect(lead?.["_embedded"]).toMatchObject({ tags: [{ name: "website" }], contacts: [{ is_main: true }] });
    expect(body._links.self?.href).toMatch(/^https:\/\/acoustic\.amocrm\.ru\/api\/v4\/leads\?/);

    // Contacts' emails and phones and the UTM values are searched too.
    const byEmail = (await (await api("/leads?query=VALI@example")).json()) as typeof body;
    expect(byEmail._embedded.leads.map((l) => l["name"])).toEqual(["Ali Valiyev · other-b"]);
    expect((await api("/leads?query=%2B998901234567")).status).toBe(200);
    expect((await api("/leads?query=instagram")).status).toBe(200);

    const none = await api("/leads?query=no-such-lead");
    expect(none.status).toBe(204);
    expect(none.headers.get("content-type")).toBeNull();
    expect(await none.text()).toBe("");
  });

  it("pages with page/limit and links next; GET /leads/{id} answers one lead or 204", async () => {
    const answer = (await (await complex([{ name: "one" }, { name: "two" }, { name: "three" }])).json()) as AnswerItem[];
    const first = (await (await api("/leads?limit=2")).json()) as { _links: { next?: { href: string } }; _embedded: { leads: unknown[] } };
    expect(first._embedded.leads).toHaveLength(2);
    expect(first._links.next?.href).toContain("page=2");
    const second = (await (await api("/leads?limit=2&page=2")).json()) as typeof first;
    expect(second._embedded.leads).toHaveLength(1);
    expect(second._links.next).toBeUndefined();
    expect((await api("/leads?limit=2&page=3")).status).toBe(204);

    const one = await api(`/leads/${answer[1]?.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: answer[1]?.id, name: "two" });
    expect((await api("/leads/1")).status).toBe(204);
  });
});

// --- notes, pipelines, custom fields -----------------------------------------------

describe("notes, pipelines and custom fields", () => {
  it("adds common notes to leads, and refuses an unknown lead", async () => {
    const [lead] = (await (await complex([websiteLead("n")])).json()) as AnswerItem[];
    const res = await api("/leads/notes", { body: [{ entity_id: lead?.id, note_type: "common", params: { text: "Eshitish apparati haqida" }, request_id: "n" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/hal+json");
    const body = (await res.json()) as { _embedded: { notes: Array<Record<string, unknown>> } };
    expect(body._embedded.notes).toEqual([
      { id: expect.any(Number), entity_id: lead?.id, request_id: "n", _links: { self: { href: expect.stringContaining(`/api/v4/leads/${lead?.id}/notes/`) } } },
    ]);
    expect((await api(`/leads/${lead?.id}/notes`, { body: [{ note_type: "common", params: { text: "second" } }] })).status).toBe(200);
    expect((await received()).notes.map((n) => [n.entity_id, n.params["text"]])).toEqual([
      [lead?.id, "Eshitish apparati haqida"],
      [lead?.id, "second"],
    ]);

    await expectValidation(await api("/leads/notes", { body: [{ entity_id: 1, note_type: "common", params: { text: "x" } }] }), [
      { request_id: "0", errors: [{ code: "NotSupportedChoice", path: "entity_id", detail: CHOICE }] },
    ]);
    expect((await api("/leads/notes", { body: [{ entity_id: lead?.id, note_type: "common", params: {} }] })).status).toBe(400);
    expect((await api("/leads/1/notes", { body: [{ note_type: "common", params: { text: "x" } }] })).status).toBe(400);
  });

  it("lists pipelines with their stages, Unsorted as type 1 and 142/143 in each", async () => {
    const res = await api("/leads/pipelines");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/hal+json");
    const body = (await res.json()) as {
      _total_items: number;
      _embedded: { pipelines: Array<{ id: number; is_main: boolean; is_unsorted_on: boolean; _embedded: { statuses: Array<{ id: number; type: number; pipeline_id: number }> } }> };
    };
    expect(body._total_items).toBe(2);
    const [main, site] = body._embedded.pipelines;
    expect(main).toMatchObject({ id: MAIN_PIPELINE, is_main: true, is_unsorted_on: true });
    expect(site).toMatchObject({ id: SITE_PIPELINE, is_main: false, is_unsorted_on: false });
    expect(main?._embedded.statuses.filter((s) => s.type === 1).map((s) => s.id)).toEqual([UNSORTED_STAGE]);
    expect(site?._embedded.statuses.some((s) => s.type === 1)).toBe(false);
    for (const pipeline of [main, site]) {
      const closed = pipeline?._embedded.statuses.filter((s) => s.id === 142 || s.id === 143);
      expect(closed?.map((s) => s.pipeline_id)).toEqual([pipeline?.id, pipeline?.id]);
    }
  });

  it("lists the lead custom fields with paging, or 204 for an account without UTM fields", async () => {
    type Page = { _total_items: number; _page_count: number; _links: { next?: { href: string } }; _embedded: { custom_fields: Array<{ id: number; code: string; type: string }> } };
    const all = (await (await api("/leads/custom_fields")).json()) as Page;
    expect(all._embedded.custom_fields.map((f) => f.code)).toEqual(["UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", "UTM_REFERRER"]);
    expect(all._embedded.custom_fields.every((f) => f.type === "tracking_data")).toBe(true);
    expect(all._links.next).toBeUndefined();

    const page1 = (await (await api("/leads/custom_fields?limit=4")).json()) as Page;
    expect(page1).toMatchObject({ _total_items: 6, _page_count: 2 });
    expect(page1._links.next?.href).toBe("https://acoustic.amocrm.ru/api/v4/leads/custom_fields?page=2&limit=4");
    const page2 = (await (await api("/leads/custom_fields?page=2&limit=4")).json()) as Page;
    expect(page2._embedded.custom_fields.map((f) => f.code)).toEqual(["UTM_TERM", "UTM_REFERRER"]);
    expect((await api("/leads/custom_fields?page=3&limit=4")).status).toBe(204);

    await controlJson("/config", { leadUtmFields: ["UTM_SOURCE", "GCLID"] });
    const some = (await (await api("/leads/custom_fields")).json()) as Page;
    expect(some._embedded.custom_fields.map((f) => [f.id, f.code])).toEqual([
      [1000101, "UTM_SOURCE"],
      [1000107, "GCLID"],
    ]);
    await controlJson("/config", { leadUtmFields: [] });
    expect((await api("/leads/custom_fields")).status).toBe(204);
  });
});

// --- rate limit --------------------------------------------------------------------

describe("rate limit", () => {
  beforeEach(async () => {
    await controlJson("/config", { rateLimitEnabled: true });
  });

  const pipelines = (): Promise<Response> => api("/leads/pipelines");
  const burst = async (n: number): Promise<number[]> =>
    (await Promise.all(Array.from({ length: n }, pipelines))).map((r) => r.status);

  it("lets 7 calls through in a second and answers the 8th with 429 and retry_after", async () => {
    expect(await burst(7)).toEqual(Array(7).fill(200));
    const limited = await pipelines();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toBe("application/problem+json");
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.json()).toMatchObject({ title: "Too Many Requests", status: 429, retry_after: 1 });
    // Every /api/v4 endpoint shares the one window.
    expect((await complex([websiteLead("x")])).status).toBe(429);
    expect((await received()).leads).toEqual([]);
    const state = await controlJson<{ calls: { rateLimited: number; api: number } }>("/state");
    expect(state.calls).toMatchObject({ rateLimited: 2, api: 9 });

    await controlJson("/advance-clock", { seconds: 1 });
    expect((await complex([websiteLead("x")])).status).toBe(200);
  });

  it("is a sliding window, not a bucket that refills", async () => {
    expect(await burst(7)).toEqual(Array(7).fill(200));
    await controlJson("/advance-clock", { seconds: 0.5 });
    // A refilling bucket would allow this one; within the same second there were already 7.
    expect((await pipelines()).status).toBe(429);
    await controlJson("/advance-clock", { seconds: 0.6 });
    // The first 7 left the window; the refused call half a second ago still counts.
    expect(await burst(6)).toEqual(Array(6).fill(200));
    expect((await pipelines()).status).toBe(429);
  });

  it("blocks the account with nginx's HTML 403 after repeated 429s, for a configured time", async () => {
    await controlJson("/config", { rateLimitBlockAfter: 3, rateLimitBlockSeconds: 60 });
    expect(await burst(7)).toEqual(Array(7).fill(200));
    expect(await burst(3)).toEqual([429, 429, 429]);

    const blocked = await pipelines();
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get("content-type")).toBe("text/html");
    expect(await blocked.text()).toContain("<title>403 Forbidden</title>");
    // Every server-to-server request of the account is refused, the token endpoint included.
    const tokenCall = await fetch(`${fake.url}/oauth2/access_token`, { method: "POST", headers: { "X-Amocrm-Account-Host": HOST }, body: "{}" });
    expect(tokenCall.status).toBe(403);
    const state = await controlJson<{ rateLimit: { blockedUntil: number | null }; clock: number }>("/state");
    expect(state.rateLimit.blockedUntil).toBeGreaterThan(state.clock + 59_000);

    await controlJson("/advance-clock", { seconds: 61 });
    expect((await pipelines()).status).toBe(200);
  });

  it("unblock lifts a block at once; the switch turns limit and block off", async () => {
    await controlJson("/config", { rateLimitBlockAfter: 1 });
    await burst(8);
    expect((await pipelines()).status).toBe(403);
    const unblocked = await controlJson<{ rateLimit: { blockedUntil: number | null } }>("/unblock", {});
    expect(unblocked.rateLimit.blockedUntil).toBeNull();
    expect((await pipelines()).status).toBe(200);

    await controlJson("/config", { rateLimitEnabled: false });
    expect(await burst(20)).toEqual(Array(20).fill(200));
  });
});

// --- faults and latency ------------------------------------------------------------

describe("injected faults", () => {
  it("answers the next N calls with 500 / 503 HTML / 429 Retry-After / 403 HTML / 400, creating nothing", async () => {
    await controlJson("/fault", { target: "leads_complex", status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await complex([websiteLead("f")]);
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ status: 500, title: "Internal Server Error" });
    }

    await controlJson("/fault", { target: "leads_complex", status: 503, html: true });
    const html = await complex([websiteLead("f")]);
    expect(html.status).toBe(503);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(await html.text()).toContain("<h1>503 Service Unavailable</h1>");

    await controlJson("/fault", { target: "leads_complex", retryAfter: 5 });
    const limited = await complex([websiteLead("f")]);
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "5"]);

    await controlJson("/fault", { target: "api", status: 403 });
    const blocked = await complex([websiteLead("f")]);
    expect([blocked.status, await blocked.text()]).toEqual([403, expect.stringContaining("403 Forbidden")]);

    await controlJson("/fault", { target: "leads_complex", status: 400, requestId: "f" });
    await expectValidation(await complex([websiteLead("f")]), [
      { request_id: "f", errors: [{ code: "InjectedFault", path: "", detail: "Injected by the fake" }] },
    ]);

    expect((await received()).leads).toEqual([]);
    // Faults are spent: the next call is handled for real; other endpoints were never affected.
    expect((await complex([websiteLead("f")])).status).toBe(200);
  });

  it("hangs until the client gives up, or resets the connection", async () => {
    await controlJson("/fault", { target: "leads_complex", hang: true });
    await expect(complex([websiteLead("h")], AbortSignal.timeout(300))).rejects.toThrow();
    await controlJson("/fault", { target: "leads_complex", reset: true });
    await expect(complex([websiteLead("r")])).rejects.toThrow(/fetch failed/);
    expect((await received()).leads).toEqual([]);
    await vi.waitFor(async () => {
      const { requests } = await controlJson<{ requests: Array<{ path: string; status: number; fault?: boolean }> }>("/state");
      expect(requests.filter((r) => r.path === "/api/v4/leads/complex")).toEqual([
        expect.objectContaining({ status: 0, fault: true }),
        expect.objectContaining({ status: 0, fault: true }),
      ]);
    });
  });

  it("process: true creates the leads and then loses the answer, so a lookup finds them", async () => {
    await controlJson("/fault", { target: "leads_complex", reset: true, process: true });
    await expect(complex([websiteLead("lost-answer-uuid")])).rejects.toThrow();
    expect((await received()).leads.map((l) => l.request_ids)).toEqual([["lost-answer-uuid"]]);
    expect((await api("/leads?query=lost-answer-uuid")).status).toBe(200);
  });

  it("adds latency per endpoint, and once through a delay-only fault", async () => {
    await controlJson("/config", { endpointDelayMs: { leads_complex: 400 } });
    let started = performance.now();
    expect((await complex([websiteLead("slow")])).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);

    await controlJson("/config", { endpointDelayMs: {} });
    await controlJson("/fault", { target: "pipelines", delayMs: 300 });
    started = performance.now();
    expect((await api("/leads/pipelines")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

// --- control API and console -------------------------------------------------------

describe("control API for leads", () => {
  it("lists every received lead with its contact, and forgets them on leads/reset", async () => {
    await complex([websiteLead("c1"), websiteLead("c2")]);
    const snapshot = await received();
    expect(snapshot.leads.map((l) => l.request_ids[0])).toEqual(["c1", "c2"]);
    expect(snapshot.contacts).toHaveLength(2);
    const state = await controlJson<{ leadCounts: Record<string, number>; calls: { leadsComplex: number } }>("/state");
    expect(state.leadCounts).toEqual({ leads: 2, contacts: 2, companies: 0, notes: 0 });
    expect(state.calls.leadsComplex).toBe(1);

    expect(await controlJson("/leads/reset", {})).toEqual({ ok: true });
    expect(await received()).toEqual({ leads: [], contacts: [], companies: [], notes: [], tags: [] });
    // Tokens survive a leads reset.
    expect((await complex([websiteLead("c3")])).status).toBe(200);
    // A full reset forgets leads too.
    await controlJson("/reset", {});
    expect((await received()).leads).toEqual([]);
  });

  it("prints one line per received lead, without the token", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const loud = await startFakeAmo({ rateLimitEnabled: false });
    try {
      const { token: loudToken } = await loud.controls.longLivedToken(1);
      const res = await fetch(`${loud.url}/api/v4/leads/complex`, {
        method: "POST",
        headers: { Authorization: `Bearer ${loudToken}`, "Content-Type": "application/json" },
        body: JSON.stringify([websiteLead("printed")]),
      });
      expect(res.status).toBe(200);
      await vi.waitFor(() => expect(lines.some((l) => l.includes("POST /api/v4/leads/complex"))).toBe(true));
      const leadLine = lines.find((l) => l.includes("created"));
      expect(leadLine).toMatch(/lead #\d+ created "Ali Valiyev · printed" request_id=printed contact="Ali Valiyev" phone=\+998901234567/);
      expect(lines.join("\n")).not.toContain(loudToken);
    } finally {
      await loud.close();
      spy.mockRestore();
    }
  });
});
