import type { ConnectionState } from "@/lib/db/schema";

/**
 * Which happenings alert, and the noise rules, pure (no I/O, no clock of its own). lib/db/alert-deliveries.ts asks
 * `planAlert` inside the write transaction that records the happening, once per channel target, with what that
 * target was already told; the answer is one of: a new delivery (now, or when the kind's hour is over), a fold into
 * the delivery of that kind still waiting, or nothing.
 *
 * The rules: at most one alert per kind and target per hour; a kind that fires again while its alert waits is
 * folded into it (the alert then says how often); a recovery goes out at once whenever the target was told of the
 * loss, and says how often the connection dropped in the last hour; a drop and recovery the target was never told
 * of (its loss alert still waited for the hour) folds into that waiting alert, which then summarises the flapping
 * and the state at sending time instead of one message per flap.
 *
 * A worse state is never held by the hour: the broken states rank degraded < error < needs_reauth < revoked (each
 * asks more of the admin: wait, fix the account, authorize again, reinstall), and a loss whose state ranks above
 * every state this target was told of in the last hour goes out at once, as a new alert or by bringing the waiting
 * one forward (it then carries the new state). A state no worse than one already told follows the hour rule, so a
 * connection flapping between the same two states tells the worse one once and then summarises the back and forth
 * in one alert when the hour is over.
 */

export const ALERT_KINDS = [
  "connection_lost",
  "connection_restored",
  "refresh_token_expiring",
  "lead_dead",
  "leads_held",
  "channel_failing",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/** What the test button sends; never queued, never throttled. */
export type AlertMessageKind = AlertKind | "test";

export const THROTTLE_MS = 60 * 60_000;
/** A refresh token that dies within this long is announced (once per expiry date). */
export const REFRESH_TOKEN_WARNING_MS = 7 * 24 * 60 * 60_000;
/** Leads held longer than this are announced (once per hold). */
export const HELD_ALERT_AFTER_MS = 15 * 60_000;
/** A channel that failed this many times in a row is "failing" (on /status, and an alert through the others). */
export const CHANNEL_FAILING_AFTER = 3;

const LOST_STATES: readonly ConnectionState[] = ["degraded", "needs_reauth", "revoked", "error"];

/** How bad a broken state is: what it asks of the admin (see the module comment). 0 for any other state. */
const SEVERITY: Partial<Record<string, number>> = { degraded: 1, error: 2, needs_reauth: 3, revoked: 4 };
const severityOf = (state: string | null | undefined) => (state ? (SEVERITY[state] ?? 0) : 0);

export interface AlertEvent {
  kind: AlertKind;
  at: Date;
  state?: string | null;
  previousState?: string | null;
  /** Safe facts for the message: counts, dates, a channel name, an error code. */
  detail?: Record<string, string | number>;
  /** One episode, told once: the same key of the same kind is never announced twice. */
  dedupeKey?: string | null;
  /** How many happenings this event is (a drop counts 1; a move between two broken states 0). */
  count?: number;
}

/** A connection state change as an alert event, or null when it is none of the alerting ones. */
export function connectionAlertFor(previous: ConnectionState | undefined, next: ConnectionState, at: Date): AlertEvent | null {
  if (!previous || previous === next) return null;
  if (previous === "connected" && LOST_STATES.includes(next)) {
    return { kind: "connection_lost", at, state: next, previousState: previous, count: 1 };
  }
  // From one broken state to a worse one (degraded, then amoCRM refused the token): the admin must hear that the
  // fix changed, but it is not another drop.
  if (LOST_STATES.includes(previous) && LOST_STATES.includes(next)) {
    return { kind: "connection_lost", at, state: next, previousState: previous, count: 0 };
  }
  if (LOST_STATES.includes(previous) && next === "connected") {
    return { kind: "connection_restored", at, state: next, previousState: previous, count: 1 };
  }
  return null;
}

/** A past or waiting delivery of one target, as the planner needs it. */
export interface PlannedRow {
  id: number;
  kind: string;
  status: "queued" | "sending" | "sent" | "dead" | "cancelled";
  occurrences: number;
  lastAt: Date;
  nextAttemptAt: Date;
  sentAt: Date | null;
  dedupeKey: string | null;
  detail: Record<string, string | number>;
  /** The connection state the delivery carries (told, for one no longer waiting). */
  state?: string | null;
}

export interface TargetHistory {
  /** This target's deliveries of the event's kind (and of connection_lost for a recovery) from the last hours, newest first, cancelled ones left out. */
  rows: readonly PlannedRow[];
  /** Whether a delivery of this kind with the event's dedupe key was ever made for the target. */
  dedupeSeen: boolean;
}

export type AlertPlan =
  | { action: "insert"; nextAttemptAt: Date; occurrences: number; detail: Record<string, string | number> }
  | { action: "merge"; id: number; occurrences: number; detail: Record<string, string | number>; state?: string | null; nextAttemptAt?: Date }
  | { action: "skip" };

/** When the target was last told of a delivery that is no longer waiting. */
function toldAt(row: PlannedRow): Date {
  return row.sentAt ?? row.nextAttemptAt;
}

/**
 * Whether a loss in `state` ranks above every broken state the target was told of in the last hour. A summary that
 * ended `connected` tells no broken state: the next drop after it follows the hour rule like any other.
 */
function isWorseThanTold(state: string | null | undefined, rows: readonly PlannedRow[], now: Date): boolean {
  const told = rows.filter((row) => row.status !== "queued" && severityOf(row.state) > 0 && now.getTime() - toldAt(row).getTime() < THROTTLE_MS);
  return told.length > 0 && told.every((row) => severityOf(state) > severityOf(row.state));
}

/** The decision for one target; see the module comment for the rules. */
export function planAlert(event: AlertEvent, history: TargetHistory): AlertPlan {
  const count = event.count ?? 1;
  const detail = event.detail ?? {};
  const now = event.at;
  if (event.dedupeKey && history.dedupeSeen) return { action: "skip" };

  if (event.kind === "connection_restored") {
    const lost = history.rows.filter((row) => row.kind === "connection_lost");
    const waiting = lost.find((row) => row.status === "queued");
    // The target never heard of this drop: its waiting alert becomes the summary, sent when its hour is over.
    if (waiting) return { action: "merge", id: waiting.id, occurrences: waiting.occurrences, detail: waiting.detail, state: event.state };
    const latest = history.rows.find((row) => row.kind === "connection_lost" || row.kind === "connection_restored");
    if (!latest || latest.kind !== "connection_lost") return { action: "skip" };
    const drops = lost
      .filter((row) => now.getTime() - row.lastAt.getTime() <= THROTTLE_MS)
      .reduce((sum, row) => sum + row.occurrences, 0);
    return { action: "insert", nextAttemptAt: now, occurrences: 1, detail: { ...detail, drops: Math.max(drops, 1) } };
  }

  const same = history.rows.filter((row) => row.kind === event.kind);
  const waiting = same.find((row) => row.status === "queued");
  const worse = event.kind === "connection_lost" && isWorseThanTold(event.state, same, now);
  if (waiting) {
    const merged = event.kind === "lead_dead" ? { ...detail, count: Number(waiting.detail.count ?? 0) + Number(detail.count ?? 1) } : { ...waiting.detail, ...detail };
    return { action: "merge", id: waiting.id, occurrences: waiting.occurrences + count, detail: merged, state: event.state, ...(worse ? { nextAttemptAt: now } : {}) };
  }
  const told = same.find((row) => row.status !== "queued");
  const notBefore = told && !worse ? toldAt(told).getTime() + THROTTLE_MS : now.getTime();
  return { action: "insert", nextAttemptAt: new Date(Math.max(now.getTime(), notBefore)), occurrences: count, detail };
}

/** Backoff of a failed alert delivery: 5 s doubling, at most 15 minutes; given up after MAX_ALERT_ATTEMPTS. */
export const MAX_ALERT_ATTEMPTS = 10;
export function alertRetryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  const backoff = Math.min(15 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
}
