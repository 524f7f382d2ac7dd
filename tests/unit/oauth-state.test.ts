import { describe, expect, it } from "vitest";
import { setupTempEnv } from "./helpers/test-env";

setupTempEnv();
const { createAdmin } = await import("@/lib/db/admins");
const { createOauthState, consumeOauthState, setOauthStateOutcome, OAUTH_STATE_TTL_MS, OAUTH_STATE_KEEP_AFTER_EXPIRY_MS } = await import("@/lib/db/oauth-states");
const { getSqlite } = await import("@/lib/db/client");

const alice = await createAdmin({ email: "alice@example.com", passwordHash: "x" });
const bob = await createAdmin({ email: "bob@example.com", passwordHash: "x" });
const t0 = new Date("2026-11-27T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("OAuth state lifecycle", () => {
  it("is 32 random bytes, stored only as a hash", async () => {
    const state = await createOauthState({ adminId: alice.id, now: t0 });
    expect(Buffer.from(state, "base64url")).toHaveLength(32);
    const rows = getSqlite().prepare("select state_hash from oauth_states").all() as Array<{ state_hash: string }>;
    expect(rows.every((row) => row.state_hash !== state && /^[0-9a-f]{64}$/.test(row.state_hash))).toBe(true);
  });

  it("is accepted once, by the admin who created it, within twenty minutes", async () => {
    const state = await createOauthState({ adminId: alice.id, now: t0 });
    expect((await consumeOauthState({ state, adminId: alice.id, now: at(OAUTH_STATE_TTL_MS - 1000) })).ok).toBe(true);
    const again = await consumeOauthState({ state, adminId: alice.id, now: at(1000) });
    expect(again).toEqual({ ok: false, code: "state_used", outcome: null });
  });

  it("remembers how its callback ended, for an honest reload", async () => {
    const state = await createOauthState({ adminId: alice.id, now: t0 });
    const first = await consumeOauthState({ state, adminId: alice.id, now: t0 });
    if (!first.ok) throw new Error("expected the state to be accepted");
    await setOauthStateOutcome({ stateHash: first.stateHash, outcome: "connected" });
    expect(await consumeOauthState({ state, adminId: alice.id, now: t0 })).toEqual({ ok: false, code: "state_used", outcome: "connected" });
  });

  it("expires after twenty minutes", async () => {
    const state = await createOauthState({ adminId: alice.id, now: t0 });
    expect(await consumeOauthState({ state, adminId: alice.id, now: at(OAUTH_STATE_TTL_MS + 1) })).toEqual({ ok: false, code: "state_expired" });
  });

  it("refuses another admin without using it up", async () => {
    const state = await createOauthState({ adminId: alice.id, now: t0 });
    expect(await consumeOauthState({ state, adminId: bob.id, now: t0 })).toEqual({ ok: false, code: "state_other_admin" });
    expect((await consumeOauthState({ state, adminId: alice.id, now: t0 })).ok).toBe(true);
  });

  it("refuses unknown and forged states", async () => {
    expect(await consumeOauthState({ state: "forged", adminId: alice.id, now: t0 })).toEqual({ ok: false, code: "state_invalid" });
    expect(await consumeOauthState({ state: "", adminId: alice.id, now: t0 })).toEqual({ ok: false, code: "state_invalid" });
  });

  it("lets exactly one of two racing callbacks through", async () => {
    const state = await createOauthState({ adminId: alice.id, now: t0 });
    const results = await Promise.all([consumeOauthState({ state, adminId: alice.id, now: t0 }), consumeOauthState({ state, adminId: alice.id, now: t0 })]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });
});

describe("purging (issue 14 item 7)", () => {
  const stateRows = () => (getSqlite().prepare("select count(*) as n from oauth_states").get() as { n: number }).n;

  it("drops used and expired states a day after they expired, and keeps the rest", async () => {
    getSqlite().exec("DELETE FROM oauth_states");
    const used = await createOauthState({ adminId: alice.id, now: t0 });
    expect((await consumeOauthState({ state: used, adminId: alice.id, now: t0 })).ok).toBe(true);
    await createOauthState({ adminId: alice.id, now: t0 });
    const recent = await createOauthState({ adminId: alice.id, now: at(OAUTH_STATE_TTL_MS) });
    expect(stateRows()).toBe(3);

    // A day after the first two expired, making a state purges them; the one still inside its day stays.
    const later = at(OAUTH_STATE_TTL_MS + OAUTH_STATE_KEEP_AFTER_EXPIRY_MS + 1);
    await createOauthState({ adminId: bob.id, now: later });
    expect(stateRows()).toBe(2);
    expect(await consumeOauthState({ state: used, adminId: alice.id, now: later })).toEqual({ ok: false, code: "state_invalid" });
    expect(await consumeOauthState({ state: recent, adminId: alice.id, now: later })).toEqual({ ok: false, code: "state_expired" });
  });
});
