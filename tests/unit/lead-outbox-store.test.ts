import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

const { databasePath } = setupTempEnv();
const leads = await import("@/lib/db/leads");
const { getSqlite } = await import("@/lib/db/client");
const { createApiKey, listApiKeys } = await import("@/lib/db/api-keys");
const { writeTransaction } = await import("@/lib/db/transaction");

const utm = { source: null, medium: null, campaign: null, content: null, term: null };
const answer = (id: string) => ({ status: 202, body: JSON.stringify({ ok: true, lead: { id, status: "queued" } }) });
let counter = 0;
const newId = () => `3f2a9c1e-0000-4000-8000-${String((counter += 1)).padStart(12, "0")}`;

/** Opens a write transaction and keeps it open, as a slow writer would, until `release`. */
async function holdWriter(): Promise<{ release: () => void; done: Promise<void> }> {
  let release!: () => void;
  let started!: () => void;
  const open = new Promise<void>((resolve) => (started = resolve));
  const done = writeTransaction(() => {
    started();
    return new Promise<void>((resolve) => (release = resolve));
  });
  await open;
  return { release, done };
}

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

  it("commits leads that arrive while the writer is busy together, answering each only once its lead is committed", async () => {
    getSqlite().pragma("wal_checkpoint(TRUNCATE)");
    const writer = await holdWriter();
    const ids = Array.from({ length: 30 }, () => newId());
    let answered = 0;
    const accepted = ids.map((id) =>
      leads.acceptLead({ id, apiKeyId: "key-group", lead: { name: "Ali", phone: "+998901234567", email: null, message: null, source: "form", pageUrl: null, utm }, idempotency: null, answer, now: new Date() }).then((outcome) => {
        answered += 1;
        return outcome;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered, "no answer before the commit").toBe(0);
    writer.release();
    await writer.done;
    expect((await Promise.all(accepted)).map((outcome) => outcome.kind)).toEqual(ids.map(() => "accepted"));

    // Committed, as another connection sees it, and in fewer commits than leads: each commit appends at least one frame.
    const reader = new Database(databasePath, { readonly: true });
    try {
      const stored = reader.prepare("SELECT count(*) AS n FROM leads WHERE api_key_id = 'key-group'").get() as { n: number };
      expect(stored.n).toBe(30);
    } finally {
      reader.close();
    }
    const [checkpoint] = getSqlite().pragma("wal_checkpoint(PASSIVE)") as { log: number }[];
    expect(checkpoint?.log).toBeLessThan(30);
  });

  it("refuses every lead of a group whose commit fails, stores none of them, and commits the next lead again", async () => {
    const writer = await holdWriter();
    const lead = { name: "Ali", phone: "+998901234567", email: null, message: null, source: "form", pageUrl: null, utm };
    const duplicate = newId();
    const outcomes = [duplicate, duplicate, newId()].map((id) =>
      leads.acceptLead({ id, apiKeyId: "key-failing", lead, idempotency: null, answer, now: new Date() }).then(
        () => "accepted",
        () => "refused",
      ),
    );
    writer.release();
    await writer.done;
    expect(await Promise.all(outcomes)).toEqual(["refused", "refused", "refused"]);
    const count = () => (getSqlite().prepare("SELECT count(*) AS n FROM leads WHERE api_key_id = 'key-failing'").get() as { n: number }).n;
    expect(count()).toBe(0);
    expect((await leads.acceptLead({ id: newId(), apiKeyId: "key-failing", lead, idempotency: null, answer, now: new Date() })).kind).toBe("accepted");
    expect(count()).toBe(1);
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
