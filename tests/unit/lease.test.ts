// Named leases (lib/db/lease.ts): one holder at a time, a heartbeat while it works, takeover only once expired, and
// a holder that loses its lease is told through its AbortSignal.
import { describe, expect, it, vi } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
const { tryAcquireLease, withLease, LeaseLostError } = await import("@/lib/db/lease");
const { getSqlite } = await import("@/lib/db/client");

const expiresAt = (name: string) =>
  (getSqlite().prepare("SELECT expires_at FROM leases WHERE name = ?").get(name) as { expires_at: number } | undefined)?.expires_at ?? null;
/** Test-only direct write: the holder stopped renewing and its TTL has passed. */
const expire = (name: string) => getSqlite().prepare("UPDATE leases SET expires_at = ? WHERE name = ?").run(Date.now() - 1, name);

describe("leases", () => {
  it("have one holder at a time, this process's other holdings included, until released", async () => {
    const first = await tryAcquireLease("job-a");
    expect(first).not.toBeNull();
    expect(await tryAcquireLease("job-a")).toBeNull();
    // Another name is another lease.
    const other = await tryAcquireLease("job-b");
    expect(other).not.toBeNull();
    await first?.release();
    const second = await tryAcquireLease("job-a");
    expect(second?.owner).not.toBe(first?.owner);
    await second?.release();
    await other?.release();
  });

  it("are renewed while the holder works, so a live holder keeps its lease past the TTL", async () => {
    const ttlMs = 300;
    const lease = await tryAcquireLease("job-heartbeat", { ttlMs, renewEveryMs: 50 });
    if (!lease) throw new Error("not acquired");
    const startedAt = Date.now();
    const first = expiresAt("job-heartbeat") ?? 0;
    // Wait until the lease has lived three TTLs: without renewals it would have expired twice over.
    await vi.waitFor(() => expect(Date.now() - startedAt).toBeGreaterThan(3 * ttlMs), { timeout: 5000, interval: 50 });
    expect(expiresAt("job-heartbeat")).toBeGreaterThan(first + 2 * ttlMs);
    expect(await tryAcquireLease("job-heartbeat")).toBeNull();
    expect(lease.signal.aborted).toBe(false);
    await lease.release();
  });

  it("are taken over once expired, and the old holder's work is told to stop", async () => {
    const old = await tryAcquireLease("job-dead", { ttlMs: 60_000, renewEveryMs: 50 });
    if (!old) throw new Error("not acquired");
    expect(await tryAcquireLease("job-dead")).toBeNull();
    // Same tick: no renewal can run between the expiry and the takeover.
    expire("job-dead");
    const taker = await tryAcquireLease("job-dead");
    expect(taker).not.toBeNull();
    await vi.waitFor(() => expect(old.signal.aborted).toBe(true), { timeout: 5000, interval: 20 });
    expect(old.signal.reason).toBeInstanceOf(LeaseLostError);
    // The old holder's release does not free the new holder's lease.
    await old.release();
    expect(await tryAcquireLease("job-dead")).toBeNull();
    await taker?.release();
  });

  it("withLease runs the work once held, releases it even when the work throws, and says when it is busy", async () => {
    const held = await tryAcquireLease("job-with");
    expect(await withLease("job-with", async () => "ran")).toEqual({ acquired: false });
    await held?.release();
    expect(await withLease("job-with", async (signal) => (signal.aborted ? "aborted" : "ran"))).toEqual({ acquired: true, value: "ran" });
    await expect(
      withLease("job-with", async () => {
        throw new Error("work failed");
      }),
    ).rejects.toThrow("work failed");
    expect(expiresAt("job-with")).toBeNull();
  });
});
