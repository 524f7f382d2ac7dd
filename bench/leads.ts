// Measures 7 and 8, website leads: POST /api/v1/leads under autocannon load against GET /api/health on the same
// server, and the delivery of 1,000 queued leads to the fake amoCRM at its 7 requests per second against the
// physical floor. The server's delivery worker is held off (the bench holds its lease) until delivery is measured.
// Imports app modules: load it only after createBenchEnv().
import { createApiKey } from "@/lib/db/api-keys";
import { tryAcquireLease, type Lease } from "@/lib/db/lease";
import { getSqlite } from "@/lib/db/client";
import { COMPLEX_BATCH_LIMIT } from "@/lib/amocrm/leads-api";
import type { FakeAmo } from "../tests/fake-amocrm/server";
import { assertLoopback, BenchError, onCleanup, waitFor, type Checks } from "./harness";
import { autocannon, measureAgainstHealth, type PairedLoadResult } from "./load";

/** The worker's lease name (lib/leads/worker.ts): whoever holds it is the only process that delivers. */
const WORKER_LEASE = "lead-worker";
/** The fake's limit, which amoCRM documents: 7 requests per second per account. */
export const FAKE_REQUESTS_PER_SECOND = 7;

export interface SiteKey {
  id: string;
  key: string;
}

export async function createSiteKey(name: string): Promise<SiteKey> {
  const { key, apiKey } = await createApiKey({ name, createdBy: null });
  return { id: apiKey.id, key };
}

/**
 * Takes the delivery worker's lease in the bench's process, before `next start`: the server's worker then finds it
 * held and retries every 2 s, so queued leads wait. Releasing it lets delivery start.
 */
export async function holdDeliveryWorker(): Promise<Lease> {
  const lease = await tryAcquireLease(WORKER_LEASE);
  if (!lease) throw new BenchError("the lead worker's lease is already held: another process delivers from this database");
  onCleanup(() => lease.release());
  return lease;
}

/** A lead as a contact form sends it; `n` makes each one distinct. */
export function leadBody(n: number): string {
  return JSON.stringify({
    name: `Bench Lead ${n}`,
    phone: `+998 90 ${String(1_000_000 + (n % 9_000_000)).slice(-7)}`,
    email: `lead${n}@example.uz`,
    message: `Eshitish apparati haqida maslahat kerak (${n})`,
    source: "contact-form",
  });
}

/** Bench-only direct write: the intake load's leads (thousands) are not what the delivery measure delivers. */
export function discardLeadsOfKey(apiKeyId: string): number {
  return getSqlite().prepare("DELETE FROM leads WHERE api_key_id = ?").run(apiKeyId).changes;
}

export type IntakeLoadResult = PairedLoadResult;

/**
 * `POST /api/v1/leads` with one site key and the same body every time (no Idempotency-Key, so each is a new lead),
 * interleaved with `GET /api/health`; every answer must be 2xx (202).
 */
export function measureIntakeLoad({
  url,
  siteKey,
  connections,
  seconds,
  warmupSeconds,
  repetitions,
  checks,
}: {
  url: string;
  siteKey: SiteKey;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  repetitions: number;
  checks: Checks;
}): Promise<IntakeLoadResult> {
  const intake = (runSeconds: number) =>
    autocannon({
      url: `${url}/api/v1/leads`,
      connections,
      seconds: runSeconds,
      method: "POST",
      body: leadBody(0),
      headers: { authorization: `Bearer ${siteKey.key}`, "content-type": "application/json" },
    });
  return measureAgainstHealth({ name: "intake under load", url, subject: intake, connections, seconds, warmupSeconds, repetitions, checks });
}

export interface DeliveryResult {
  leads: number;
  /** From the first claim to the last lead `sent`, both as the worker stored them (the first claim via a trigger). */
  seconds: number;
  /** The calls the worker must make for these leads, and the time they take at 7 per second. */
  callsNeeded: number;
  floorSeconds: number;
  ratio: number;
  /** What the fake saw during delivery. */
  calls: { total: number; leadsComplex: number; leadsNotes: number; customFields: number; token: number; rateLimited: number };
  /** From releasing the worker's lease to its first claim (the worker's lease retry): not part of `seconds`. */
  startDelaySeconds: number;
}

type Counters = ReturnType<FakeAmo["controls"]["snapshot"]>["calls"];

/** POSTs `count` distinct leads, `concurrency` at a time; each must answer 202. */
async function queueLeads({ url, siteKey, count, concurrency }: { url: string; siteKey: SiteKey; count: number; concurrency: number }): Promise<void> {
  assertLoopback(url);
  let next = 0;
  let refused = 0;
  let firstRefusal = "";
  async function sender() {
    while (next < count) {
      const n = next++;
      const response = await fetch(`${url}/api/v1/leads`, {
        method: "POST",
        headers: { authorization: `Bearer ${siteKey.key}`, "content-type": "application/json" },
        body: leadBody(n + 1),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status !== 202) {
        refused += 1;
        firstRefusal ||= `${response.status} ${text.slice(0, 200)}`;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, sender));
  if (refused > 0) throw new BenchError(`delivery: ${refused} of ${count} leads were not accepted (first: ${firstRefusal})`);
}

/**
 * Bench-only: the worker clears `claimed_at` when a lead is sent, so a trigger in the run's throw-away database
 * keeps each lead's first claim time (the app's clock, as the worker stored it) in a table of the bench's own.
 */
function recordFirstClaims(): void {
  getSqlite().exec(`
    CREATE TABLE IF NOT EXISTS bench_first_claims (id TEXT PRIMARY KEY, claimed_at INTEGER NOT NULL);
    CREATE TRIGGER IF NOT EXISTS bench_first_claim AFTER UPDATE OF status ON leads
      WHEN NEW.status = 'sending' AND NEW.claimed_at IS NOT NULL
      BEGIN INSERT OR IGNORE INTO bench_first_claims (id, claimed_at) VALUES (NEW.id, NEW.claimed_at); END;
  `);
}

interface LeadRows {
  sent: number;
  dead: number;
  firstClaimAt: number | null;
  lastSentAt: number | null;
}

function leadRows(apiKeyId: string): LeadRows {
  const row = getSqlite()
    .prepare(
      `SELECT sum(status = 'sent') AS sent, sum(status = 'dead') AS dead, max(sent_at) AS lastSentAt,
         (SELECT min(claims.claimed_at) FROM bench_first_claims claims JOIN leads claimed ON claimed.id = claims.id
          WHERE claimed.api_key_id = @key) AS firstClaimAt
       FROM leads WHERE api_key_id = @key`,
    )
    .get({ key: apiKeyId }) as { sent: number | null; dead: number | null; firstClaimAt: number | null; lastSentAt: number | null };
  return { sent: row.sent ?? 0, dead: row.dead ?? 0, firstClaimAt: row.firstClaimAt, lastSentAt: row.lastSentAt };
}

/**
 * `count` leads with a message each are queued through the real intake API while the bench holds the worker's
 * lease; then the lease is released and the clock runs from the worker's first claim to the last lead `sent`.
 * The worker must make ceil(count / 50) `leads/complex` calls, as many `leads/notes` calls (every lead has a
 * message) and its hourly read of the account's UTM fields; at the fake's 7 per second that is the floor.
 * Correctness: not one 429 at the fake, every lead created there exactly once, none `dead`.
 */
export async function measureDelivery({
  url,
  fake,
  siteKey,
  lease,
  count,
  checks,
}: {
  url: string;
  fake: FakeAmo;
  siteKey: SiteKey;
  lease: Lease;
  count: number;
  checks: Checks;
}): Promise<DeliveryResult> {
  recordFirstClaims();
  await queueLeads({ url, siteKey, count, concurrency: 10 });
  const before: Counters = fake.controls.snapshot().calls;
  const leadsBefore = fake.controls.snapshot().leadCounts.leads;

  const releasedAt = Date.now();
  await lease.release();
  const timeoutMs = 60_000 + (count / COMPLEX_BATCH_LIMIT) * 2 * 3_000;
  const rows = await waitFor(
    `${count} leads to be sent`,
    async () => {
      const current = leadRows(siteKey.id);
      if (current.dead > 0) throw new BenchError(`delivery: ${current.dead} lead(s) went dead`);
      return current.sent >= count ? current : undefined;
    },
    timeoutMs,
    100,
  );

  const after: Counters = fake.controls.snapshot().calls;
  const delta = (key: keyof Counters) => after[key] - before[key];
  const calls = {
    total: delta("api") + delta("tokenTotal"),
    leadsComplex: delta("leadsComplex"),
    leadsNotes: delta("leadsNotes"),
    customFields: delta("customFields"),
    token: delta("tokenTotal"),
    rateLimited: delta("rateLimited"),
  };
  const createdAtFake = fake.controls.snapshot().leadCounts.leads - leadsBefore;
  checks.check("delivery: the fake amoCRM answered no 429 (the app stays under 7 requests per second)", calls.rateLimited === 0, `${calls.rateLimited} × 429`);
  checks.check("delivery: every lead created at the fake exactly once", createdAtFake === count, `${createdAtFake} created for ${count} leads`);
  if (rows.firstClaimAt === null || rows.lastSentAt === null) throw new BenchError("delivery: no claim or sent time stored");

  const batches = Math.ceil(count / COMPLEX_BATCH_LIMIT);
  // Every lead has a message: one notes call per batch. The UTM field list is read when the worker last read it
  // more than an hour ago, i.e. once here (the fake counts its pages).
  const callsNeeded = batches + batches + calls.customFields;
  const floorSeconds = callsNeeded / FAKE_REQUESTS_PER_SECOND;
  const seconds = (rows.lastSentAt - rows.firstClaimAt) / 1000;
  return {
    leads: count,
    seconds,
    callsNeeded,
    floorSeconds,
    ratio: seconds / floorSeconds,
    calls,
    startDelaySeconds: (rows.firstClaimAt - releasedAt) / 1000,
  };
}
