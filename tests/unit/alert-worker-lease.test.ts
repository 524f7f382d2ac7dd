// The alert loop (lib/alerts/worker.ts) while another process holds its lease: queued alerts must not make it try
// the lease again (a write transaction per alert, competing with intake and the lead worker); it retries on its own
// schedule, and stops at once.
import { afterAll, describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
vi.mock("@/lib/db/lease", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/db/lease")>();
  return { ...original, tryAcquireLease: vi.fn(original.tryAcquireLease) };
});
const { tryAcquireLease } = await import("@/lib/db/lease");
const { migrateDatabase } = await import("@/lib/db/migrate");
const { startAlertWorker, stopAlertWorker } = await import("@/lib/alerts/worker");
const { notifyAlertQueued } = await import("@/lib/alerts/wake");

await migrateDatabase();
const attempts = vi.mocked(tryAcquireLease);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

afterAll(() => stopAlertWorker());

describe("the alert worker without its lease", () => {
  it("does not try the lease once per queued alert, and stops while waiting for it", async () => {
    const elsewhere = await tryAcquireLease("alert-worker");
    expect(elsewhere).not.toBeNull();
    attempts.mockClear();

    startAlertWorker();
    await vi.waitFor(() => expect(attempts).toHaveBeenCalledTimes(1), { timeout: 5000, interval: 10 });
    for (let alert = 0; alert < 10; alert++) {
      notifyAlertQueued();
      // Room for a woken loop to make its attempt before the next alert.
      for (let turn = 0; turn < 5; turn++) await nextTurn();
    }
    const stopped = Date.now();
    await stopAlertWorker();
    // A stop ends the lease wait at once, not after the 2-second retry pause.
    expect(Date.now() - stopped).toBeLessThan(1_500);
    expect(attempts).toHaveBeenCalledTimes(1);
    await elsewhere?.release();
  });
});
