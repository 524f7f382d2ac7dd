import { describe, expect, it } from "vitest";
import { decideBatch } from "@/lib/leads/delivery-outcome";
import { DEFAULT_LEAD_SETTINGS, renderLeadName, toComplexLead, toLeadNote, type StoredLead } from "@/lib/leads/mapping";
import { BLOCK_HOLD_MS, MAX_ATTEMPTS } from "@/lib/leads/retry-policy";

const now = new Date("2026-12-02T09:00:00Z");
const batch = [
  { id: "a", attempts: 1 },
  { id: "b", attempts: 3 },
];

describe("decideBatch", () => {
  it("marks created leads sent and checks a lead missing from the answer before sending it again", () => {
    const decision = decideBatch(batch, { kind: "created", created: new Map([["a", { amocrmLeadId: 7, amocrmContactId: 9 }]]) }, { now });
    expect(decision.leads).toEqual([
      { id: "a", status: "sent", amocrmLeadId: 7, amocrmContactId: 9 },
      { id: "b", status: "queued", nextAttemptAt: now, attempts: 3, errorCode: "amocrm_answer_incomplete", lookUpFirst: true },
    ]);
    expect(decision.holdDeliveriesUntil).toBeNull();
  });

  it("kills only the refused lead of a 400 and resends the rest at once without counting the attempt", () => {
    const decision = decideBatch(batch, { kind: "refused", refused: new Map([["b", "custom_fields_values.0: not a valid choice"]]) }, { now });
    expect(decision.leads).toEqual([
      { id: "a", status: "queued", nextAttemptAt: now, attempts: 0, errorCode: null, lookUpFirst: false },
      { id: "b", status: "dead", errorCode: "amocrm_refused_lead", errorDetail: "custom_fields_values.0: not a valid choice", attempts: 3 },
    ]);
  });

  it("holds everything without spending attempts while the connection is unusable, and 15 minutes after a 403", () => {
    const unusable = decideBatch(batch, { kind: "unusable", code: "needs_reauth" }, { now });
    expect(unusable.leads.map((lead) => [lead.status, "attempts" in lead ? lead.attempts : null])).toEqual([
      ["held", 0],
      ["held", 2],
    ]);
    expect(unusable.holdDeliveriesUntil).toBeNull();
    const blocked = decideBatch(batch, { kind: "blocked", code: "account_blocked" }, { now });
    expect(blocked.leads.every((lead) => lead.status === "held")).toBe(true);
    expect(blocked.holdDeliveriesUntil).toEqual(new Date(now.getTime() + BLOCK_HOLD_MS));
  });

  it("backs off a transient failure with jitter, honours Retry-After, and gives up after the last attempt", () => {
    const decision = decideBatch([{ id: "a", attempts: 2 }, { id: "z", attempts: MAX_ATTEMPTS }], { kind: "transient", code: "provider_error", retryAfterSeconds: 60 }, { now, random: () => 0.5 });
    expect(decision.leads[0]).toEqual({ id: "a", status: "queued", nextAttemptAt: new Date(now.getTime() + 60_000), attempts: 2, errorCode: "provider_error", lookUpFirst: false });
    expect(decision.leads[1]).toMatchObject({ id: "z", status: "dead", errorCode: "provider_error" });
    const jittered = decideBatch([{ id: "a", attempts: 3 }], { kind: "transient", code: "network_error" }, { now, random: () => 0.5 });
    expect(jittered.leads[0]).toMatchObject({ nextAttemptAt: new Date(now.getTime() + 4_000) });
  });

  it("looks a timed-out batch up before any resend", () => {
    const decision = decideBatch(batch, { kind: "unknown", code: "provider_timeout" }, { now, random: () => 0 });
    expect(decision.leads.every((lead) => lead.status === "queued" && lead.lookUpFirst)).toBe(true);
  });
});

describe("toComplexLead", () => {
  const lead: StoredLead = {
    id: "3f2a9c1e-0000-4000-8000-000000000001",
    createdAt: now,
    name: "Ali Valiyev",
    phone: "+998901234567",
    email: "ali@example.uz",
    message: "Salom",
    source: "contact-form",
    pageUrl: "https://acoustic.uz/contact",
    utm: { source: "instagram", medium: "cpc", campaign: null, content: null, term: null },
  };

  it("goes to Incoming leads by default, with the contact, the tag and only the account's UTM fields", () => {
    const item = toComplexLead(lead, { ...DEFAULT_LEAD_SETTINGS, utmFieldCodes: ["UTM_SOURCE", "UTM_CAMPAIGN"] }, { formPage: "https://admin.example" });
    expect(item).toEqual({
      name: `Ali Valiyev — contact-form #${lead.id}`,
      request_id: lead.id,
      custom_fields_values: [{ field_code: "UTM_SOURCE", values: [{ value: "instagram" }] }],
      _embedded: {
        tags: [{ name: "website" }],
        contacts: [
          {
            name: "Ali Valiyev",
            custom_fields_values: [
              { field_code: "PHONE", values: [{ value: "+998901234567", enum_code: "WORK" }] },
              { field_code: "EMAIL", values: [{ value: "ali@example.uz", enum_code: "WORK" }] },
            ],
          },
        ],
        metadata: { category: "forms", form_id: "contact-form", form_name: "contact-form", form_page: "https://acoustic.uz/contact", form_sent_at: 1796202000 },
      },
    });
  });

  it("goes to the chosen pipeline and stage without Unsorted metadata", () => {
    const item = toComplexLead(lead, { ...DEFAULT_LEAD_SETTINGS, destination: { kind: "pipeline", pipelineId: 7012346, statusId: 61000011 }, tags: [] }, { formPage: "x" });
    expect(item.pipeline_id).toBe(7012346);
    expect(item.status_id).toBe(61000011);
    expect(item._embedded.metadata).toBeUndefined();
    expect(item._embedded.tags).toBeUndefined();
  });

  it("always ends the name with the lead's own id, within amoCRM's 255 characters", () => {
    const long = renderLeadName("{name} {name} {name}", { ...lead, name: "x".repeat(200) });
    expect(long.length).toBeLessThanOrEqual(255);
    expect(long.endsWith(`#${lead.id}`)).toBe(true);
    expect(renderLeadName("", lead)).toBe(`Ali Valiyev #${lead.id}`);
  });

  it("puts the message into a common note, and none without a message", () => {
    expect(toLeadNote(lead, 77)).toEqual({ entity_id: 77, note_type: "common", params: { text: "Salom" }, request_id: lead.id });
    expect(toLeadNote({ ...lead, message: null }, 77)).toBeNull();
  });
});
