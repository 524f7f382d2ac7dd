// The connection-state machine (lib/amocrm/connection-state.ts): every state × event, the schedule, the shared
// predicates, and random event sequences (fast-check) that must never reach an impossible state.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  impossibilities,
  keepaliveSkipReason,
  snapshotOf,
  transition,
  whyNoRefresh,
  whyTokenUnusable,
  type ConnectionEvent,
  type ConnectionSnapshot,
  type ConnectionState,
} from "@/lib/amocrm/connection-state";
import { ALL_ERROR_CODES } from "@/lib/error-codes";

const NOW = new Date("2026-11-27T09:00:00Z");
const later = (ms: number) => new Date(NOW.getTime() + ms);

/** No row at all: nothing configured. */
const none = snapshotOf(undefined);
const configured: ConnectionSnapshot = { ...none, state: "configured", hasCredentials: true };
const connected: ConnectionSnapshot = { ...configured, state: "connected", hasAccessToken: true, hasRefreshToken: true, accountHost: "acoustic.amocrm.ru" };

/** One reachable snapshot per state (plus a long-lived connection), as the rows the app stores. */
const SNAPSHOTS = {
  not_configured: none,
  configured,
  connected,
  degraded: { ...connected, state: "degraded", failureCount: 1, nextRetryAt: later(30_000), lastErrorCode: "provider_error" },
  needs_reauth: { ...connected, state: "needs_reauth", failureCount: 1, lastErrorCode: "token_revoked" },
  revoked: { ...configured, state: "revoked", lastErrorCode: "revoked" },
  error: { ...connected, state: "error", failureCount: 1, nextRetryAt: later(30_000), lastErrorCode: "account_blocked" },
  long_lived: { ...none, state: "connected", mode: "long_lived", hasAccessToken: true },
} satisfies Record<string, ConnectionSnapshot>;

const EVENTS = {
  credentials_saved: { type: "credentials_saved" },
  credentials_changed: { type: "credentials_changed" },
  consented: { type: "consented" },
  long_lived_token_saved: { type: "long_lived_token_saved" },
  refreshed: { type: "refreshed" },
  transient_failure: { type: "transient_failure", code: "provider_error" },
  blocked: { type: "blocked", code: "account_blocked" },
  permanent_failure: { type: "permanent_failure", code: "token_revoked" },
  long_lived_token_expired: { type: "long_lived_token_expired" },
  revoked_by_hook: { type: "revoked_by_hook" },
  hook_not_confirmed: { type: "hook_not_confirmed", reason: "token_accepted" },
  disconnected: { type: "disconnected", forgetCredentials: false },
  disconnected_forgetting: { type: "disconnected", forgetCredentials: true },
  authorization_failed: { type: "authorization_failed", code: "state_expired" },
  account_moved: { type: "account_moved", previousHost: "acoustic.amocrm.ru", accountHost: "acoustic2.amocrm.ru" },
} satisfies Record<string, ConnectionEvent>;

type Row = Record<keyof typeof EVENTS, ConnectionState | "-">;
const S = (s: ConnectionState) => s;
// "-": the event does not apply in that state (nothing stored, nothing done).
// prettier-ignore
const TABLE: Record<keyof typeof SNAPSHOTS, Row> = {
  //                credentials_saved     credentials_changed    consented            long_lived_token_saved refreshed           transient_failure   blocked          permanent_failure       long_lived_token_expired revoked_by_hook    disconnected             disconnected_forgetting  authorization_failed
  not_configured: { credentials_saved: S("configured"), credentials_changed: S("configured"), consented: "-", long_lived_token_saved: S("connected"), refreshed: "-", transient_failure: "-", blocked: "-", permanent_failure: "-", long_lived_token_expired: "-", revoked_by_hook: "-", hook_not_confirmed: "-", disconnected: S("not_configured"), disconnected_forgetting: S("not_configured"), authorization_failed: S("not_configured"), account_moved: "-" },
  configured: { credentials_saved: S("configured"), credentials_changed: S("configured"), consented: S("connected"), long_lived_token_saved: S("connected"), refreshed: "-", transient_failure: "-", blocked: "-", permanent_failure: "-", long_lived_token_expired: "-", revoked_by_hook: S("revoked"), hook_not_confirmed: "-", disconnected: S("configured"), disconnected_forgetting: S("not_configured"), authorization_failed: S("configured"), account_moved: "-" },
  connected: { credentials_saved: S("connected"), credentials_changed: S("needs_reauth"), consented: S("connected"), long_lived_token_saved: S("connected"), refreshed: S("connected"), transient_failure: S("degraded"), blocked: S("error"), permanent_failure: S("needs_reauth"), long_lived_token_expired: "-", revoked_by_hook: S("revoked"), hook_not_confirmed: S("connected"), disconnected: S("configured"), disconnected_forgetting: S("not_configured"), authorization_failed: S("connected"), account_moved: S("connected") },
  degraded: { credentials_saved: S("degraded"), credentials_changed: S("needs_reauth"), consented: S("connected"), long_lived_token_saved: S("connected"), refreshed: S("connected"), transient_failure: S("degraded"), blocked: S("error"), permanent_failure: S("needs_reauth"), long_lived_token_expired: "-", revoked_by_hook: S("revoked"), hook_not_confirmed: S("degraded"), disconnected: S("configured"), disconnected_forgetting: S("not_configured"), authorization_failed: S("degraded"), account_moved: S("degraded") },
  needs_reauth: { credentials_saved: S("needs_reauth"), credentials_changed: S("needs_reauth"), consented: S("connected"), long_lived_token_saved: S("connected"), refreshed: "-", transient_failure: "-", blocked: "-", permanent_failure: "-", long_lived_token_expired: "-", revoked_by_hook: S("revoked"), hook_not_confirmed: S("needs_reauth"), disconnected: S("configured"), disconnected_forgetting: S("not_configured"), authorization_failed: S("needs_reauth"), account_moved: "-" },
  revoked: { credentials_saved: S("revoked"), credentials_changed: S("revoked"), consented: S("connected"), long_lived_token_saved: S("connected"), refreshed: "-", transient_failure: "-", blocked: "-", permanent_failure: "-", long_lived_token_expired: "-", revoked_by_hook: "-", hook_not_confirmed: "-", disconnected: S("revoked"), disconnected_forgetting: S("not_configured"), authorization_failed: S("revoked"), account_moved: "-" },
  error: { credentials_saved: S("error"), credentials_changed: S("needs_reauth"), consented: S("connected"), long_lived_token_saved: S("connected"), refreshed: S("connected"), transient_failure: S("degraded"), blocked: S("error"), permanent_failure: S("needs_reauth"), long_lived_token_expired: "-", revoked_by_hook: S("revoked"), hook_not_confirmed: S("error"), disconnected: S("configured"), disconnected_forgetting: S("not_configured"), authorization_failed: S("error"), account_moved: S("error") },
  long_lived: { credentials_saved: S("connected"), credentials_changed: S("needs_reauth"), consented: S("connected"), long_lived_token_saved: S("connected"), refreshed: "-", transient_failure: "-", blocked: "-", permanent_failure: "-", long_lived_token_expired: S("error"), revoked_by_hook: S("revoked"), hook_not_confirmed: S("connected"), disconnected: S("not_configured"), disconnected_forgetting: S("not_configured"), authorization_failed: S("connected"), account_moved: "-" },
};

describe("the transition table", () => {
  for (const [from, snapshot] of Object.entries(SNAPSHOTS) as Array<[keyof typeof SNAPSHOTS, ConnectionSnapshot]>) {
    for (const [name, event] of Object.entries(EVENTS) as Array<[keyof typeof EVENTS, ConnectionEvent]>) {
      const expected = TABLE[from][name];
      it(`${from} × ${name} → ${expected === "-" ? "ignored" : expected}`, () => {
        // The long-lived row has no OAuth keys: give it some so the hook applies; a disconnect without keys leaves
        // nothing configured.
        const start = from === "long_lived" && name !== "disconnected" ? { ...snapshot, hasCredentials: true } : snapshot;
        const result = transition(start, event, NOW);
        if (expected === "-") {
          expect(result).toEqual({ changed: false, next: start, effects: [] });
        } else {
          expect(result.changed).toBe(true);
          expect(result.next.state).toBe(expected);
          expect(impossibilities(result.next)).toEqual([]);
        }
      });
    }
  }
});

describe("effects and fields", () => {
  const effectTypes = (snapshot: ConnectionSnapshot, event: ConnectionEvent) => transition(snapshot, event, NOW).effects.map((effect) => (effect.type === "log" ? `log:${effect.entry}` : effect.type));

  it("a consent stores the pair and clears every failure", () => {
    const result = transition(SNAPSHOTS.degraded, EVENTS.consented, NOW);
    expect(effectTypes(SNAPSHOTS.degraded, EVENTS.consented)).toEqual(["store_tokens", "clear_refresh_intent", "log:connected"]);
    expect(result.next).toMatchObject({ failureCount: 0, nextRetryAt: null, lastErrorCode: null, mode: "oauth" });
    expect(result.lastError).toBeNull();
  });

  it("a refresh stores the pair; a failure records it, with the backoff 30 s, 2 min, 10 min, then hourly", () => {
    expect(effectTypes(connected, EVENTS.refreshed)).toEqual(["store_tokens", "clear_refresh_intent", "log:token_refreshed"]);
    let snapshot = connected;
    for (const delay of [30_000, 120_000, 600_000, 3_600_000, 3_600_000]) {
      const result = transition(snapshot, { type: "transient_failure", code: "network_error", detail: { reason: "expiry" } }, NOW);
      expect(result.next.nextRetryAt).toEqual(later(delay));
      expect(result.lastError).toEqual({ code: "network_error", detail: { reason: "expiry" } });
      expect(result.effects.map((effect) => effect.type)).toEqual(["clear_refresh_intent", "log"]);
      snapshot = result.next;
    }
    expect(snapshot.failureCount).toBe(5);
    expect([1, 2, 3, 4, 12].map(backoffDelayMs)).toEqual([30_000, 120_000, 600_000, 3_600_000, 3_600_000]);
  });

  it("a Retry-After longer than the backoff step wins", () => {
    const result = transition(connected, { type: "transient_failure", code: "rate_limited", retryAfterSeconds: 300 }, NOW);
    expect(result.next.nextRetryAt).toEqual(later(300_000));
  });

  it("a block (403, 402, account gone) waits at least 15 minutes, then the longer backoff steps", () => {
    let snapshot = connected;
    for (const delay of [900_000, 900_000, 900_000, 3_600_000]) {
      const result = transition(snapshot, { type: "blocked", code: "ip_not_allowed" }, NOW);
      expect(result.next.nextRetryAt).toEqual(later(delay));
      snapshot = result.next;
    }
    // A transient failure after a block is back on the short steps' scale, by its own count.
    expect(transition(connected, { type: "transient_failure", code: "provider_error" }, NOW).next.nextRetryAt).toEqual(later(30_000));
  });

  it("a moved account changes the host and records it, only while the host is still the old one", () => {
    const result = transition(SNAPSHOTS.degraded, EVENTS.account_moved, NOW);
    expect(result.next).toEqual({ ...SNAPSHOTS.degraded, accountHost: "acoustic2.amocrm.ru" });
    expect(effectTypes(SNAPSHOTS.degraded, EVENTS.account_moved)).toEqual(["log:account_host_changed"]);
    expect(result.lastError).toBeUndefined();
    // Another writer moved it first: nothing to record twice.
    expect(transition(result.next, EVENTS.account_moved, NOW).changed).toBe(false);
    expect(transition(connected, { ...EVENTS.account_moved, accountHost: "acoustic.amocrm.ru" }, NOW).changed).toBe(false);
  });

  it("a permanent failure stops automatic attempts", () => {
    const result = transition(SNAPSHOTS.degraded, EVENTS.permanent_failure, NOW);
    expect(result.next).toMatchObject({ state: "needs_reauth", nextRetryAt: null, failureCount: 2, lastErrorCode: "token_revoked" });
  });

  it("the hook forgets the tokens but keeps the keys; a disconnect forgets the keys only when asked", () => {
    expect(effectTypes(connected, EVENTS.revoked_by_hook)).toEqual(["forget_tokens", "clear_refresh_intent", "log:amocrm_disconnected"]);
    expect(transition(connected, EVENTS.revoked_by_hook, NOW).next).toMatchObject({ hasCredentials: true, hasAccessToken: false, lastErrorCode: "revoked" });
    expect(effectTypes(connected, EVENTS.disconnected)).toEqual(["forget_tokens", "clear_refresh_intent", "log:disconnected"]);
    expect(effectTypes(connected, EVENTS.disconnected_forgetting)).toEqual(["forget_tokens", "forget_credentials", "clear_refresh_intent", "log:disconnected"]);
  });

  it("new keys under a live connection keep the tokens and ask for a new consent", () => {
    const result = transition(connected, EVENTS.credentials_changed, NOW);
    expect(result.next).toMatchObject({ state: "needs_reauth", hasAccessToken: true, hasRefreshToken: true });
    expect(result.lastError).toEqual({ code: "needs_reauth", detail: null });
    expect(result.effects).toEqual([{ type: "log", entry: "credentials_saved" }]);
  });

  it("a long-lived token's expiry is recorded once", () => {
    const expired = transition(SNAPSHOTS.long_lived, EVENTS.long_lived_token_expired, NOW);
    expect(expired.next).toMatchObject({ state: "error", lastErrorCode: "long_lived_token_expired" });
    expect(transition(expired.next, EVENTS.long_lived_token_expired, NOW).changed).toBe(false);
  });
});

describe("predicates", () => {
  const row = {
    state: "connected" as ConnectionState,
    accessTokenEnc: "v1.sealed",
    refreshTokenEnc: "v1.sealed",
    accountHost: "acoustic.amocrm.ru",
    mode: "oauth" as const,
  };

  it("a revoked connection is revoked for every caller, whatever columns were emptied with it", () => {
    const revoked = { ...row, state: "revoked" as const, accessTokenEnc: null, refreshTokenEnc: null };
    expect(whyTokenUnusable(revoked)).toBe("revoked");
    expect(whyNoRefresh(revoked)).toBe("revoked");
    expect(keepaliveSkipReason(revoked)).toBe("revoked");
  });

  it("say why a token cannot be used or refreshed", () => {
    expect(whyTokenUnusable(undefined)).toBe("not_connected");
    expect(whyTokenUnusable(row)).toBeNull();
    expect(whyNoRefresh(row)).toBeNull();
    expect(whyTokenUnusable({ ...row, state: "needs_reauth" })).toBe("needs_reauth");
    expect(whyNoRefresh({ ...row, mode: "long_lived", refreshTokenEnc: null })).toBe("long_lived_no_refresh");
    expect(keepaliveSkipReason({ ...row, mode: "long_lived", refreshTokenEnc: null })).toBe("long_lived");
    expect(whyNoRefresh({ ...row, refreshTokenEnc: null })).toBe("not_connected");
  });

  it("snapshotOf reads a missing row as nothing configured", () => {
    expect(none).toMatchObject({ state: "not_configured", hasCredentials: false, hasAccessToken: false, hasRefreshToken: false, failureCount: 0 });
    expect(impossibilities(none)).toEqual([]);
  });
});

describe("random event sequences (fast-check)", () => {
  const codes = fc.constantFrom(...ALL_ERROR_CODES);
  const failure = fc.record({ code: codes, retryAfterSeconds: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined }) });
  const event: fc.Arbitrary<ConnectionEvent> = fc.oneof(
    fc.constantFrom<ConnectionEvent>(
      { type: "credentials_saved" },
      { type: "credentials_changed" },
      { type: "consented" },
      { type: "long_lived_token_saved" },
      { type: "refreshed" },
      { type: "long_lived_token_expired" },
      { type: "revoked_by_hook" },
      { type: "disconnected", forgetCredentials: false },
      { type: "disconnected", forgetCredentials: true },
    ),
    failure.map((f): ConnectionEvent => ({ type: "transient_failure", ...f })),
    failure.map((f): ConnectionEvent => ({ type: "blocked", ...f })),
    failure.map((f): ConnectionEvent => ({ type: "permanent_failure", ...f })),
    codes.map((code): ConnectionEvent => ({ type: "authorization_failed", code })),
    fc.constantFrom("acoustic.amocrm.ru", "acoustic2.amocrm.ru").map((host): ConnectionEvent => ({ type: "account_moved", previousHost: "acoustic.amocrm.ru", accountHost: host })),
  );
  const steps = fc.array(fc.tuple(event, fc.integer({ min: 0, max: 10 * 86_400_000 })), { maxLength: 40 });

  it("never reach an impossible state", () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        let snapshot = none;
        let now = NOW.getTime();
        for (const [next, advanceMs] of sequence) {
          now += advanceMs;
          snapshot = transition(snapshot, next, new Date(now)).next;
          expect(impossibilities(snapshot)).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keep a revoked connection revoked until a new consent (or the whole connection is forgotten)", () => {
    const leavesRevoked = (next: ConnectionEvent) =>
      next.type === "consented" || next.type === "long_lived_token_saved" || (next.type === "disconnected" && next.forgetCredentials);
    fc.assert(
      fc.property(steps, (sequence) => {
        let snapshot: ConnectionSnapshot = SNAPSHOTS.revoked;
        for (const [next] of sequence) {
          const result = transition(snapshot, next, NOW).next;
          if (snapshot.state === "revoked" && !leavesRevoked(next)) expect(result.state).toBe("revoked");
          snapshot = result;
        }
      }),
      { numRuns: 500 },
    );
  });

  it("an ignored event changes nothing at all", () => {
    fc.assert(
      fc.property(steps, event, (sequence, probe) => {
        let snapshot = none;
        for (const [next] of sequence) snapshot = transition(snapshot, next, NOW).next;
        const result = transition(snapshot, probe, NOW);
        if (!result.changed) expect(result).toEqual({ changed: false, next: snapshot, effects: [] });
      }),
      { numRuns: 300 },
    );
  });
});
