// Two `next start` servers on one PostgreSQL, as behind a load balancer: one token refresh for any number of callers
// across both, every lead delivered exactly once while both deliver, and nothing lost when one is killed mid-batch.
// Needs a production build (`next build`): scripts/test.sh runs it after the build, with vitest.build.config.mts.
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../bench/harness";
import { signIn, startServer, type RunningServer } from "../../bench/server";
import { startFakeAmo, type FakeAmo } from "../fake-amocrm/server";
import { startTestPostgres, type TestPostgres } from "../postgres-server";
import { APP_URL, connectThroughFake, refreshCalls, startFakeOptions, useTestEnv } from "../unit/helpers/amo-test-env";

const ADMIN = { email: "admin@example.com", password: "multi-instance-password" };
const LEADS = 1000;

let postgres: TestPostgres;
let fake: FakeAmo;
let env: Record<string, string>;
let logDir: string;
const servers: RunningServer[] = [];
let siteKey: string;

async function start(name: string): Promise<RunningServer> {
  const port = await freeLoopbackPort();
  const server = await startServer({ port, env, logFile: path.join(logDir, `${name}.log`) });
  servers.push(server);
  return server;
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function statuses(): Promise<Record<string, number>> {
  const { countLeadsByStatus } = await import("@/lib/db/leads");
  return countLeadsByStatus();
}

/** The lease process ids (the part of claimed_by before the colon) of the leads being sent right now. */
async function sendingWorkers(): Promise<string[]> {
  const { getDb } = await import("@/lib/db/client");
  const { leads } = await import("@/lib/db/tables");
  const { eq } = await import("drizzle-orm");
  const rows = await getDb().selectDistinct({ claimedBy: leads.claimedBy }).from(leads).where(eq(leads.status, "sending"));
  return rows.map((row) => (row.claimedBy ?? "").split(":")[0] ?? "");
}

/**
 * The fake's log of calls to amoCRM's API since `since` (fake-clock ms): what answered 429, and the most that arrived
 * within any one second, as amoCRM counts them.
 */
function apiCallsSince(since: number): { limited: number; busiestSecond: number; calls: number } {
  const calls = fake.controls.snapshot().requests.filter((request) => request.at >= since && request.path.startsWith("/api/v4/"));
  const arrivals = calls.map((request) => request.at).sort((a, b) => a - b);
  const busiestSecond = Math.max(0, ...arrivals.map((from) => arrivals.filter((at) => at >= from && at - from < 1000).length));
  return { limited: calls.filter((request) => request.rateLimited || request.status === 429).length, busiestSecond, calls: calls.length };
}

async function postLead(server: RunningServer, index: number): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/leads`, {
    method: "POST",
    headers: { authorization: `Bearer ${siteKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `Lead ${index}`, phone: `+99890${String(1_000_000 + index)}`, source: "multi-instance" }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function inBatches<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

beforeAll(async () => {
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), "amocrm-multi-"));
  postgres = await startTestPostgres();
  const url = await postgres.createDatabase("multi_instance");
  // The fake keeps amoCRM's limit on (7 calls per account in any second, then 429): the servers' limiter is shared
  // through the database, so both together must stay under it.
  fake = await startFakeAmo(startFakeOptions());
  env = {
    ...useTestEnv(fake.url, { DATABASE_URL: url }).vars,
    NODE_ENV: "production",
    AUTH_TRUST_HOST: "true",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LEADS_RATE_PER_MINUTE: "100000",
    AUTH_SECRET: randomBytes(32).toString("base64"),
  };
  Object.assign(process.env, env);
  const { migrateDatabase } = await import("@/lib/db/migrate");
  await migrateDatabase();
  await connectThroughFake(fake);
  const { createApiKey } = await import("@/lib/db/api-keys");
  siteKey = (await createApiKey({ name: "multi-instance", createdBy: null })).key;
  // Both start at once, as after a deploy: each applies migrations and checks for the first admin.
  await Promise.all([start("a"), start("b")]);
}, 180_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  await fake?.close();
  await postgres?.stop();
});

describe("two servers on one PostgreSQL", () => {
  it("100 concurrent callers across both, on an expired token, cause exactly one refresh", async () => {
    const cookie = await signIn({ url: servers[0]!.url, ...ADMIN });
    fake.controls.expireAccessTokens();
    const { updateConnection } = await import("@/lib/db/connection");
    await updateConnection(() => ({ fields: { accessTokenExpiresAt: new Date(Date.now() - 1000) } }));
    const refreshesBefore = refreshCalls(fake);
    const since = fake.controls.snapshot().clock;

    // The session made on one server is valid on the other: sessions live in the shared database.
    const answers = await Promise.all(
      Array.from({ length: 100 }, async (_, index) => {
        const server = servers[index % 2]!;
        const response = await fetch(`${server.url}/api/amocrm/test`, { method: "POST", headers: { cookie, origin: APP_URL } });
        return { status: response.status, body: (await response.json()) as { ok?: boolean } };
      }),
    );
    expect(answers.filter((answer) => answer.status !== 200 || answer.body.ok !== true)).toEqual([]);
    expect(refreshCalls(fake) - refreshesBefore).toBe(1);
    expect(apiCallsSince(since)).toMatchObject({ limited: 0 });
  }, 120_000);

  it("1,000 leads posted to both are delivered exactly once, by both, never over amoCRM's 7 calls a second", async () => {
    fake.controls.resetLeads();
    const since = fake.controls.snapshot().clock;
    const workersSeen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const worker of await sendingWorkers()) workersSeen.add(worker);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const posted = await inBatches(LEADS, 20, (index) => postLead(servers[index % 2]!, index));
    expect(posted.filter((status) => status !== 202)).toEqual([]);
    await waitFor(async () => (await statuses()).sent === LEADS, "every lead to be sent");
    watching = false;
    await watcher;

    const received = fake.controls.leads().leads.flatMap((lead) => lead.request_ids);
    expect(received).toHaveLength(LEADS);
    expect(new Set(received).size).toBe(LEADS);
    expect(await statuses()).toMatchObject({ queued: 0, sending: 0, held: 0, dead: 0, sent: LEADS });
    // Both servers' workers held batches (seen in flight at least once each).
    expect(workersSeen.size).toBe(2);
    // Both delivered in parallel, yet amoCRM saw one client: no 429, never an 8th call within a second.
    const api = apiCallsSince(since);
    expect(api.calls).toBeGreaterThan(0);
    expect(api).toMatchObject({ limited: 0 });
    expect(api.busiestSecond).toBeLessThanOrEqual(7);
  }, 180_000);

  it("killing one server mid-batch loses nothing: the other delivers every lead exactly once", async () => {
    fake.controls.resetLeads();
    // Only server A runs while the batch goes out, so A is the one holding it when it is killed.
    await servers[1]!.stop();
    const ids: string[] = [];
    const { acceptLead } = await import("@/lib/db/leads");
    const { findActiveApiKey } = await import("@/lib/db/api-keys");
    const apiKey = await findActiveApiKey(siteKey);
    // The first leads/complex call hangs forever, after amoCRM created the leads: A is killed waiting for it.
    fake.controls.fault({ target: "leads_complex", hang: true, process: true });
    // All due at one moment a little ahead, so A's worker (already polling) claims one full batch, not a part.
    const dueAt = new Date(Date.now() + 3000);
    for (let index = 0; index < 120; index += 1) {
      const id = randomUUID();
      ids.push(id);
      await acceptLead({
        id,
        apiKeyId: apiKey!.id,
        lead: { name: `Crash ${index}`, phone: `+99891${String(1_000_000 + index)}`, email: null, message: null, source: "crash", pageUrl: null, utm: { source: null, medium: null, campaign: null, content: null, term: null } },
        idempotency: null,
        answer: () => ({ status: 202, body: "{}" }),
        now: dueAt,
      });
    }
    await waitFor(() => fake.controls.leads().leads.length === 50, "amoCRM to create the first batch");
    expect((await statuses()).sending).toBe(50);

    // kill -9 before A's 15-second client timeout could end the call; then B, a fresh server, takes over.
    process.kill(servers[0]!.pid, "SIGKILL");
    const b = await start("b2");
    await waitFor(async () => (await statuses()).sent === LEADS + 120, "every lead to be sent by B", 150_000);
    const received = fake.controls.leads().leads.flatMap((lead) => lead.request_ids);
    expect(received).toHaveLength(120);
    expect(new Set(received)).toEqual(new Set(ids));
    expect((await fetch(`${b.url}/api/health`)).status).toBe(200);
  }, 240_000);
});
