// kill -9 of the process delivering leads while a batch is in flight: the next process delivers every lead exactly
// once. The processes are real Node processes running the server's own worker against the test's database and the
// fake amoCRM; only the fake's faults decide whether amoCRM took the lost batch.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectThroughFake, useFakeAmoSuite } from "./helpers/amo-test-env";

const ROOT = path.resolve(__dirname, "../..");
const LEADS = 120;

const amo = useFakeAmoSuite();
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "tests/unit/helpers/lead-worker-child.ts"], {
    cwd: ROOT,
    env: process.env,
    stdio: ["ignore", "ignore", "ignore"],
  });
  children.push(child);
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 80_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function queueLeads(): Promise<string[]> {
  const { acceptLead } = await import("@/lib/db/leads");
  const { getSqlite } = await import("@/lib/db/client");
  getSqlite().exec("DELETE FROM leads; DELETE FROM idempotency_keys; DELETE FROM delivery_state; DELETE FROM api_keys;");
  const { createApiKey } = await import("@/lib/db/api-keys");
  const { apiKey } = await createApiKey({ name: "crash test", createdBy: null });
  const ids: string[] = [];
  const start = Date.now();
  for (let index = 0; index < LEADS; index += 1) {
    const id = randomUUID();
    ids.push(id);
    await acceptLead({
      id,
      apiKeyId: apiKey.id,
      lead: { name: `Lead ${index}`, phone: `+99890${String(1_000_000 + index)}`, email: null, message: null, source: "crash-test", pageUrl: null, utm: { source: null, medium: null, campaign: null, content: null, term: null } },
      idempotency: null,
      answer: () => ({ status: 202, body: "{}" }),
      // Distinct creation times keep the claim order (oldest first) the order of this loop.
      now: new Date(start + index),
    });
  }
  return ids;
}

async function statuses(): Promise<Record<string, number>> {
  const { countLeadsByStatus } = await import("@/lib/db/leads");
  return countLeadsByStatus();
}

function receivedRequestIds(): string[] {
  return amo.fake.controls.leads().leads.flatMap((lead) => lead.request_ids);
}

describe("a worker killed mid-batch", () => {
  it.each([
    ["amoCRM created the batch but its answer was lost", true],
    ["amoCRM never took the batch", false],
  ])("%s: the restarted worker delivers every lead exactly once", async (_, processed) => {
    await connectThroughFake(amo.fake);
    const ids = await queueLeads();
    // The first leads/complex call hangs forever: with `process`, after amoCRM did the work.
    amo.fake.controls.fault({ target: "leads_complex", hang: true, process: processed });

    const first = startWorkerProcess();
    await waitFor(() => amo.fake.controls.snapshot().calls.leadsComplex >= 1, "the first batch to reach amoCRM");
    if (processed) await waitFor(() => amo.fake.controls.leads().leads.length === 50, "amoCRM to create the first batch");
    expect((await statuses()).sending).toBe(50);
    await killHard(first);

    startWorkerProcess();
    await waitFor(async () => (await statuses()).sent === LEADS, "every lead to be sent", 90_000);

    const received = receivedRequestIds();
    expect(received).toHaveLength(LEADS);
    expect(new Set(received)).toEqual(new Set(ids));
    expect(await statuses()).toMatchObject({ queued: 0, sending: 0, held: 0, dead: 0, sent: LEADS });
  }, 120_000);
});
