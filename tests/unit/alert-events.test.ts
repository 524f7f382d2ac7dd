import { describe, expect, it } from "vitest";
import { connectionAlertFor, planAlert, THROTTLE_MS, type AlertEvent, type PlannedRow } from "@/lib/alerts/events";
import { isBlockedAddress } from "@/lib/alerts/channels/address-policy";

/**
 * The noise rules as a pure simulation: one target's deliveries, each plan applied the way lib/db applies it, and
 * "sending" done by the test's clock. What the target receives is what the assertions read.
 */
function simulate() {
  const rows: Array<PlannedRow & { state: string | null }> = [];
  let id = 0;
  const received: Array<{ kind: string; occurrences: number; state: string | null; at: Date; detail: Record<string, string | number> }> = [];
  return {
    rows,
    received,
    event(event: AlertEvent) {
      const kinds = event.kind === "connection_restored" ? ["connection_lost", "connection_restored"] : [event.kind];
      const history = { rows: rows.filter((row) => kinds.includes(row.kind)).slice().reverse(), dedupeSeen: rows.some((row) => row.kind === event.kind && event.dedupeKey && row.dedupeKey === event.dedupeKey) };
      const plan = planAlert(event, history);
      if (plan.action === "insert") {
        rows.push({ id: ++id, kind: event.kind, status: "queued", occurrences: plan.occurrences, lastAt: event.at, nextAttemptAt: plan.nextAttemptAt, sentAt: null, dedupeKey: event.dedupeKey ?? null, detail: plan.detail, state: event.state ?? null });
      } else if (plan.action === "merge") {
        const row = rows.find((candidate) => candidate.id === plan.id)!;
        Object.assign(row, {
          occurrences: plan.occurrences,
          detail: plan.detail,
          lastAt: event.at,
          ...(plan.state !== undefined ? { state: plan.state } : {}),
          ...(plan.nextAttemptAt ? { nextAttemptAt: plan.nextAttemptAt } : {}),
        });
      }
      return plan.action;
    },
    /** Sends everything due at `now`. */
    tick(now: Date) {
      for (const row of rows) {
        if (row.status === "queued" && row.nextAttemptAt.getTime() <= now.getTime()) {
          row.status = "sent";
          row.sentAt = now;
          received.push({ kind: row.kind, occurrences: row.occurrences, state: row.state, at: now, detail: row.detail });
        }
      }
    },
  };
}

const t0 = new Date("2026-12-01T09:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe("which connection changes alert", () => {
  it("leaving connected for a broken state is a drop, coming back a recovery, other moves nothing", () => {
    expect(connectionAlertFor("connected", "needs_reauth", t0)).toMatchObject({ kind: "connection_lost", state: "needs_reauth", previousState: "connected", count: 1 });
    expect(connectionAlertFor("connected", "degraded", t0)?.kind).toBe("connection_lost");
    expect(connectionAlertFor("degraded", "revoked", t0)).toMatchObject({ kind: "connection_lost", count: 0 });
    expect(connectionAlertFor("needs_reauth", "connected", t0)?.kind).toBe("connection_restored");
    expect(connectionAlertFor("configured", "connected", t0)).toBeNull();
    expect(connectionAlertFor("connected", "not_configured", t0)).toBeNull();
    expect(connectionAlertFor("connected", "connected", t0)).toBeNull();
  });
});

describe("noise control", () => {
  it("a flapping connection is told once, recovered once, then summarised once an hour later", () => {
    const sim = simulate();
    sim.event({ kind: "connection_lost", at: at(0), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(0));
    sim.event({ kind: "connection_restored", at: at(1), state: "connected", previousState: "degraded" });
    sim.tick(at(1));
    for (let minute = 2; minute < 20; minute += 2) {
      sim.event({ kind: "connection_lost", at: at(minute), state: "degraded", previousState: "connected", count: 1 });
      sim.tick(at(minute));
      sim.event({ kind: "connection_restored", at: at(minute + 1), state: "connected", previousState: "degraded" });
      sim.tick(at(minute + 1));
    }
    expect(sim.received.map((entry) => entry.kind)).toEqual(["connection_lost", "connection_restored"]);
    sim.tick(at(59));
    expect(sim.received).toHaveLength(2);
    sim.tick(at(60));
    expect(sim.received).toHaveLength(3);
    // The summary: nine more drops, and the state at the end, connected.
    expect(sim.received[2]).toMatchObject({ kind: "connection_lost", occurrences: 9, state: "connected" });
    // Never two of a kind within an hour.
    const lost = sim.received.filter((entry) => entry.kind === "connection_lost");
    expect(lost[1]!.at.getTime() - lost[0]!.at.getTime()).toBeGreaterThanOrEqual(THROTTLE_MS);
  });

  it("a worse state within the hour goes out at once: degraded, then needs_reauth", () => {
    const sim = simulate();
    sim.event({ kind: "connection_lost", at: at(0), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(0));
    expect(sim.event({ kind: "connection_lost", at: at(5), state: "needs_reauth", previousState: "degraded", count: 0 })).toBe("insert");
    sim.tick(at(5));
    expect(sim.received.map((entry) => [entry.kind, entry.state, entry.at])).toEqual([
      ["connection_lost", "degraded", at(0)],
      ["connection_lost", "needs_reauth", at(5)],
    ]);
  });

  it("a worse state brings a waiting summary forward instead of adding one", () => {
    const sim = simulate();
    sim.event({ kind: "connection_lost", at: at(0), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(0));
    sim.event({ kind: "connection_restored", at: at(1), state: "connected", previousState: "degraded" });
    sim.tick(at(1));
    // A second drop waits for the hour (same state as told)...
    sim.event({ kind: "connection_lost", at: at(2), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(2));
    expect(sim.received).toHaveLength(2);
    // ...until it turns worse: the waiting alert leaves now, with the new state.
    expect(sim.event({ kind: "connection_lost", at: at(3), state: "revoked", previousState: "degraded", count: 0 })).toBe("merge");
    sim.tick(at(3));
    expect(sim.received).toHaveLength(3);
    expect(sim.received[2]).toMatchObject({ kind: "connection_lost", state: "revoked", at: at(3) });
    expect(sim.rows.filter((row) => row.status === "queued")).toHaveLength(0);
  });

  it("flapping between the same two broken states is summarised once after the hour, not repeated", () => {
    const sim = simulate();
    sim.event({ kind: "connection_lost", at: at(0), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(0));
    sim.event({ kind: "connection_lost", at: at(1), state: "error", previousState: "degraded", count: 0 });
    sim.tick(at(1));
    for (let minute = 2; minute < 30; minute += 2) {
      sim.event({ kind: "connection_lost", at: at(minute), state: "degraded", previousState: "error", count: 0 });
      sim.tick(at(minute));
      sim.event({ kind: "connection_lost", at: at(minute + 1), state: "error", previousState: "degraded", count: 0 });
      sim.tick(at(minute + 1));
    }
    // Told of degraded, then of the worse error; the back and forth after that is nothing new.
    expect(sim.received.map((entry) => entry.state)).toEqual(["degraded", "error"]);
    sim.tick(at(60));
    expect(sim.received).toHaveLength(2);
    sim.tick(at(61));
    expect(sim.received.map((entry) => entry.state)).toEqual(["degraded", "error", "error"]);
    expect(sim.rows.filter((row) => row.status === "queued")).toHaveLength(0);
  });

  it("a summary that ended connected does not make the next drop 'worse': it waits for the hour", () => {
    const sim = simulate();
    sim.event({ kind: "connection_lost", at: at(0), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(0));
    sim.event({ kind: "connection_restored", at: at(1), state: "connected", previousState: "degraded" });
    sim.tick(at(1));
    sim.event({ kind: "connection_lost", at: at(2), state: "degraded", previousState: "connected", count: 1 });
    sim.event({ kind: "connection_restored", at: at(3), state: "connected", previousState: "degraded" });
    sim.tick(at(60));
    expect(sim.received.at(-1)).toMatchObject({ kind: "connection_lost", state: "connected", at: at(60) });
    sim.event({ kind: "connection_lost", at: at(61), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(61));
    expect(sim.received).toHaveLength(3);
    sim.tick(at(120));
    expect(sim.received.at(-1)).toMatchObject({ kind: "connection_lost", state: "degraded", at: at(120) });
  });

  it("a state no worse than one told within the hour waits; after the hour the rank no longer matters", () => {
    const sim = simulate();
    sim.event({ kind: "connection_lost", at: at(0), state: "needs_reauth", previousState: "connected", count: 1 });
    sim.tick(at(0));
    sim.event({ kind: "connection_restored", at: at(1), state: "connected", previousState: "needs_reauth" });
    sim.tick(at(1));
    sim.event({ kind: "connection_lost", at: at(2), state: "degraded", previousState: "connected", count: 1 });
    sim.tick(at(2));
    // error ranks below needs_reauth, which the target already heard of this hour.
    expect(sim.event({ kind: "connection_lost", at: at(3), state: "error", previousState: "degraded", count: 0 })).toBe("merge");
    sim.tick(at(3));
    expect(sim.received.map((entry) => entry.kind)).toEqual(["connection_lost", "connection_restored"]);
    sim.tick(at(60));
    expect(sim.received.at(-1)).toMatchObject({ kind: "connection_lost", state: "error", at: at(60) });
  });

  it("a recovery after a loss the target was told of goes out at once and counts the drops of the last hour", () => {
    const sim = simulate();
    sim.event({ kind: "connection_lost", at: at(0), state: "needs_reauth", count: 1 });
    sim.tick(at(0));
    expect(sim.event({ kind: "connection_restored", at: at(90), state: "connected" })).toBe("insert");
    sim.tick(at(90));
    expect(sim.received.at(-1)).toMatchObject({ kind: "connection_restored", at: at(90) });
  });

  it("a recovery nobody needs (no loss told) sends nothing", () => {
    const sim = simulate();
    expect(sim.event({ kind: "connection_restored", at: at(0), state: "connected" })).toBe("skip");
  });

  it("dead leads within the hour fold into one alert that counts them", () => {
    const sim = simulate();
    sim.event({ kind: "lead_dead", at: at(0), detail: { count: 1 } });
    sim.tick(at(0));
    sim.event({ kind: "lead_dead", at: at(5), detail: { count: 2 } });
    sim.event({ kind: "lead_dead", at: at(10), detail: { count: 1 } });
    sim.tick(at(30));
    expect(sim.received).toHaveLength(1);
    sim.tick(at(60));
    expect(sim.received.map((entry) => entry.detail.count)).toEqual([1, 3]);
  });

  it("one episode (the same dedupe key) is told once, a new one again", () => {
    const sim = simulate();
    expect(sim.event({ kind: "refresh_token_expiring", at: at(0), dedupeKey: "2026-12-05" })).toBe("insert");
    sim.tick(at(0));
    expect(sim.event({ kind: "refresh_token_expiring", at: at(120), dedupeKey: "2026-12-05" })).toBe("skip");
    expect(sim.event({ kind: "refresh_token_expiring", at: at(120), dedupeKey: "2026-12-09" })).toBe("insert");
  });
});

describe("the webhook address policy", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "fc00::abcd",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
    "2002:c0a8:101::1",
    "not-an-ip",
  ])("refuses %s", (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("allows %s", (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});
