import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

// What /leads and its CSV show of a stored lead: its data while it exists, "erased" after retention, "unreadable"
// when no key opens it, the last error in words with amoCRM's reason, and the link to the lead in amoCRM.

setupTempEnv();
const { acceptLead, applyTransitions, eraseDeliveredLeadData, findLead } = await import("@/lib/db/leads");
const { getSqlite } = await import("@/lib/db/client");
const { amocrmLeadUrl, readLeadLog, toLeadLogEntry } = await import("@/lib/leads/lead-log");

const describeError = (code: string, detail: Record<string, string | number> = {}) => `described ${code} ${detail.status ?? ""}`.trim();
const context = { describe: describeError, domain: "acoustic.amocrm.ru" };
const now = new Date("2026-12-02T09:00:00Z");

async function storeLead(name: string, at = now): Promise<string> {
  const id = randomUUID();
  await acceptLead({
    id,
    apiKeyId: "key",
    lead: { name, phone: "+998901234567", email: null, message: "Salom", source: "contact-form", pageUrl: null, utm: { source: "ig", medium: null, campaign: null, content: null, term: null } },
    idempotency: null,
    answer: () => ({ status: 202, body: "{}" }),
    now: at,
  });
  return id;
}

async function entryOf(id: string) {
  const row = await findLead(id);
  if (!row) throw new Error("lead not stored");
  return toLeadLogEntry(row, context);
}

describe("a lead in the log", () => {
  it("shows its data while it exists, and a sent lead's link into amoCRM", async () => {
    const id = await storeLead("Ali Valiyev");
    expect((await entryOf(id)).person).toMatchObject({ kind: "present", name: "Ali Valiyev", phone: "+998901234567", email: null, utm: { source: "ig" } });
    await applyTransitions({ transitions: [{ id, status: "sent", amocrmLeadId: 30000001, amocrmContactId: 1 }], holdUntil: null, holdReason: null, now });
    const sent = await entryOf(id);
    expect(sent.amocrm).toEqual({ leadId: 30000001, url: "https://acoustic.amocrm.ru/leads/detail/30000001" });
    expect(sent.sentAt).toEqual(now);
    expect(sent.error).toBeNull();
  });

  it("reads as erased, not as an error, once retention has removed its personal data", async () => {
    const id = await storeLead("Erased Person");
    await applyTransitions({ transitions: [{ id, status: "sent", amocrmLeadId: 30000002, amocrmContactId: 2 }], holdUntil: null, holdReason: null, now });
    const later = new Date(now.getTime() + 31 * 86_400_000);
    expect(await eraseDeliveredLeadData({ before: new Date(later.getTime() - 30 * 86_400_000), now: later })).toBeGreaterThan(0);
    const entry = await entryOf(id);
    expect(entry.person).toEqual({ kind: "erased", erasedAt: later });
    expect(entry.amocrm?.leadId).toBe(30000002);
  });

  it("reads as unreadable when no key opens its data (here: another row's ciphertext)", async () => {
    const donor = await storeLead("Donor");
    const id = await storeLead("Victim");
    getSqlite().prepare("UPDATE leads SET data_enc = (SELECT data_enc FROM leads WHERE id = ?) WHERE id = ?").run(donor, id);
    expect((await entryOf(id)).person).toEqual({ kind: "unreadable" });
  });

  it("gives a dead lead's error in words, with the reason amoCRM gave for refusing it", async () => {
    const id = await storeLead("Refused");
    await applyTransitions({
      transitions: [{ id, status: "dead", errorCode: "amocrm_refused_lead", errorDetail: "name: The value you selected is not a valid choice.", attempts: 1 }],
      holdUntil: null,
      holdReason: null,
      now,
    });
    expect((await entryOf(id)).error).toEqual({
      code: "amocrm_refused_lead",
      message: "described amocrm_refused_lead 400",
      amocrmReason: "name: The value you selected is not a valid choice.",
    });
    const other = await storeLead("Timed out");
    await applyTransitions({ transitions: [{ id: other, status: "dead", errorCode: "provider_timeout", errorDetail: "ignored", attempts: 10 }], holdUntil: null, holdReason: null, now });
    // Only amoCRM's refusal has a known status; a timed-out lead must not be described as an HTTP 400.
    expect((await entryOf(other)).error).toEqual({ code: "provider_timeout", message: "described provider_timeout", amocrmReason: null });
  });

  it("links nowhere while no account domain is known", () => {
    expect(amocrmLeadUrl(null, 5)).toBeNull();
    expect(amocrmLeadUrl("acme.kommo.com", 5)).toBe("https://acme.kommo.com/leads/detail/5");
  });
});

describe("a page of the log", () => {
  it("says where the older page starts only when there is one", async () => {
    getSqlite().exec("DELETE FROM leads");
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(await storeLead(`Lead ${index}`, new Date(now.getTime() + index * 1000)));
    const first = await readLeadLog({ limit: 3, ...context });
    expect(first.entries.map((entry) => entry.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first.older).toEqual({ createdAt: new Date(now.getTime() + 2000), id: ids[2] });
    const second = await readLeadLog({ limit: 3, before: first.older, ...context });
    expect(second.entries.map((entry) => entry.id)).toEqual([ids[1], ids[0]]);
    expect(second.older).toBeNull();
    expect((await readLeadLog({ limit: 2, before: { createdAt: new Date(now.getTime() + 2000), id: ids[2]! }, ...context })).older).toBeNull();
  });
});
