// The background loops (lib/leads/worker.ts, lib/alerts/worker.ts) while another process holds their lease: new work
// must not make them try the lease again (a write transaction per lead or alert, competing with intake); they retry on
// their own schedule, and stop at once, not after their 2-second retry pause.
import { describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
vi.mock("@/lib/db/lease", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/db/lease")>();
  return { ...original, tryAcquireLease: vi.fn(original.tryAcquireLease) };
});
const { tryAcquireLease } = await import("@/lib/db/lease");
const { migrateDatabase } = await import("@/lib/db/migrate");
const leads = { ...(await import("@/lib/leads/worker")), ...(await import("@/lib/leads/wake")) };
const alerts = { ...(await import("@/lib/alerts/worker")), ...(await import("@/lib/alerts/wake")) };

await migrateDatabase();
const attempts = vi.mocked(tryAcquireLease);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const workers = [
  { name: "lead worker", lease: "lead-worker", start: leads.startLeadWorker, stop: leads.stopLeadWorker, queue: leads.notifyLeadQueued },
  { name: "alert worker", lease: "alert-worker", start: alerts.startAlertWorker, stop: alerts.stopAlertWorker, queue: alerts.notifyAlertQueued },
];

describe.each(workers)("the $name without its lease", ({ lease, start, stop, queue }) => {
  it("does not try the lease once per queued item, and stops while waiting for it", async () => {
    const elsewhere = await tryAcquireLease(lease);
    expect(elsewhere).not.toBeNull();
    attempts.mockClear();

    start();
    await vi.waitFor(() => expect(attempts).toHaveBeenCalledTimes(1), { timeout: 5000, interval: 10 });
    for (let item = 0; item < 10; item++) {
      queue();
      // Room for a woken loop to make its attempt before the next item.
      for (let turn = 0; turn < 5; turn++) await nextTurn();
    }
    const stopped = Date.now();
    await stop();
    expect(Date.now() - stopped).toBeLessThan(1_500);
    expect(attempts).toHaveBeenCalledTimes(1);
    await elsewhere?.release();
  });
});
