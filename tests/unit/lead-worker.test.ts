// The delivery loop (lib/leads/worker.ts) while another process holds its lease: new leads must not make it try the
// lease again (a write transaction per lead, competing with intake); it retries on its own schedule, and stops at once.
import { afterAll, describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
vi.mock("@/lib/db/lease", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/db/lease")>();
  return { ...original, tryAcquireLease: vi.fn(original.tryAcquireLease) };
});
const { tryAcquireLease } = await import("@/lib/db/lease");
const { migrateDatabase } = await import("@/lib/db/migrate");
const { startLeadWorker, stopLeadWorker } = await import("@/lib/leads/worker");
const { notifyLeadQueued } = await import("@/lib/leads/wake");

await migrateDatabase();
const attempts = vi.mocked(tryAcquireLease);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

afterAll(() => stopLeadWorker());

describe("the lead worker without its lease", () => {
  it("does not try the lease once per queued lead, and stops while waiting for it", async () => {
    const elsewhere = await tryAcquireLease("lead-worker");
    expect(elsewhere).not.toBeNull();
    attempts.mockClear();

    startLeadWorker();
    await vi.waitFor(() => expect(attempts).toHaveBeenCalledTimes(1), { timeout: 5000, interval: 10 });
    for (let lead = 0; lead < 10; lead++) {
      notifyLeadQueued();
      // Room for a woken loop to make its attempt before the next lead.
      for (let turn = 0; turn < 5; turn++) await nextTurn();
    }
    await stopLeadWorker();
    expect(attempts).toHaveBeenCalledTimes(1);
    await elsewhere?.release();
  });
});
