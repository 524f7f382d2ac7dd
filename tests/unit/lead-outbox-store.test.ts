import { describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
const leads = await import("@/lib/db/leads");
const { getSqlite } = await import("@/lib/db/client");
const { createApiKey, listApiKeys } = await import("@/lib/db/api-keys");

const utm = { source: null, medium: null, campaign: null, content: null, term: null };
const answer = (id: string) => ({ status: 202, body: JSON.stringify({ ok: true, lead: { id, status: "queued" } }) });
let counter = 0;
const newId = () => `3f2a9c1e-0000-4000-8000-${String((counter += 1)).padStart(12, "0")}`;

async function accept(now: Date, idempotency: { key: string; requestHash: string } | null = null, name = "Ali") {
  return leads.acceptLead({ id: newId(), apiKeyId: "key-1", lead: { name, phone: "+998901234567", email: null, message: null, source: "form", pageUrl: null, utm }, idempotency, answer, now });
}

describe("the lead store", () => {
  it("keeps a key's last use to the minute: one write a minute, not one per lead", async () => {
    const { apiKey } = await createApiKey({ name: "site", createdBy: null });
    const lastUsed = async () => (await listApiKeys()).find((key) => key.id === apiKey.id)?.lastUsedAt?.getTime();
    const lead = { name: "Ali", phone: "+998901234567", email: null, message: null, source: "form", pageUrl: null, utm };
    const acceptAt = (now: Date) => leads.acceptLead({ id: newId(), apiKeyId: apiKey.id, lead, idempotency: null, answer, now });
    const at = new Date("2026-12-01T09:00:00Z");

    await acceptAt(at);
    expect(await lastUsed()).toBe(at.getTime());
    await acceptAt(new Date(at.getTime() + 30_000));
    expect(await lastUsed()).toBe(at.getTime());
    const minuteLater = new Date(at.getTime() + leads.LAST_USED_PRECISION_MS + 1);
    await acceptAt(minuteLater);
    expect(await lastUsed()).toBe(minuteLater.getTime());

    // The intake passes the last use it read with the key: within the minute the store skips the write itself.
    const writes = () => (getSqlite().prepare("SELECT total_changes() AS n").get() as { n: number }).n;
    const before = writes();
    await leads.acceptLead({ id: newId(), apiKeyId: apiKey.id, keyLastUsedAt: minuteLater, lead, idempotency: null, answer, now: new Date(minuteLater.getTime() + 1_000) });
    expect(writes() - before, "the lead row only").toBe(1);
    const twoMinutesLater = new Date(minuteLater.getTime() + 2 * leads.LAST_USED_PRECISION_MS);
    await leads.acceptLead({ id: newId(), apiKeyId: apiKey.id, keyLastUsedAt: minuteLater, lead, idempotency: null, answer, now: twoMinutesLater });
    expect(await lastUsed()).toBe(twoMinutesLater.getTime());
  });

  it("replays an Idempotency-Key for 24 hours, refuses it with another body, and forgets it afterwards", async () => {
    const at = new Date("2026-12-01T09:00:00Z");
    const first = await accept(at, { key: "k", requestHash: "h1" });
    expect(first.kind).toBe("accepted");
    const replay = await accept(new Date(at.getTime() + 23 * 3_600_000), { key: "k", requestHash: "h1" });
    expect(replay).toEqual({ kind: "replayed", answer: first.kind === "accepted" ? first.answer : null });
    expect((await accept(at, { key: "k", requestHash: "h2" })).kind).toBe("reused");
    expect((await accept(new Date(at.getTime() + 25 * 3_600_000), { key: "k", requestHash: "h2" })).kind).toBe("accepted");
  });

  it("erases a delivered lead's personal data after the retention, keeping its id, status and amoCRM ids", async () => {
    const sentAt = new Date("2026-11-01T09:00:00Z");
    const outcome = await accept(sentAt, null, "To be erased");
    const id = outcome.kind === "accepted" ? (JSON.parse(outcome.answer.body) as { lead: { id: string } }).lead.id : "";
    const kept = await accept(sentAt, null, "Still queued");
    const queuedId = kept.kind === "accepted" ? (JSON.parse(kept.answer.body) as { lead: { id: string } }).lead.id : "";
    await leads.applyTransitions({ transitions: [{ id, status: "sent", amocrmLeadId: 77, amocrmContactId: 88 }], holdUntil: null, holdReason: null, now: sentAt });

    expect(await leads.eraseDeliveredLeadData({ before: new Date(sentAt.getTime() - 1), now: sentAt })).toBe(0);
    expect(await leads.eraseDeliveredLeadData({ before: new Date(sentAt.getTime() + 1), now: new Date() })).toBe(1);
    const erased = (await leads.findLead(id))!;
    expect(erased).toMatchObject({ status: "sent", amocrmLeadId: 77, amocrmContactId: 88, dataEnc: null });
    expect(leads.openLeadData(erased)).toBeNull();
    // Only delivered leads are erased: one still waiting keeps what it must deliver.
    expect(leads.openLeadData((await leads.findLead(queuedId))!)?.name).toBe("Still queued");
  });

  it("stores personal data only encrypted", async () => {
    await accept(new Date(), null, "Plaintext Probe Name");
    const raw = getSqlite().prepare("SELECT data_enc FROM leads").all() as Array<{ data_enc: string | null }>;
    expect(raw.some((row) => row.data_enc?.includes("Plaintext Probe Name"))).toBe(false);
  });
});
