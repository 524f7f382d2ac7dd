// Single flight within a process and across processes sharing the SQLite file, crash recovery, and the cron script.
// Other processes are real Node processes: `node --import tsx --conditions=react-server <script>`.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  ACCOUNT_ID,
  DAY_MS,
  codeOf,
  connectThroughFake,
  eventTypes,
  expireLease,
  leaseOwner,
  readConnection,
  refreshCalls,
  setStoredExpiry,
  useFakeAmoSuite,
} from "./helpers/amo-test-env";

const ROOT = path.resolve(__dirname, "../..");
const CHILD = "tests/unit/helpers/token-child.ts";

const amo = useFakeAmoSuite();

interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startNode(script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  let buffered = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    lines.push(...parts.filter(Boolean));
  });
  child.stderr.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { process: child, lines, exited };
}

function lastJson(child: Child): Record<string, unknown> {
  return JSON.parse(child.lines.at(-1) ?? "{}") as Record<string, unknown>;
}

const hash = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 16);

describe("single flight", () => {
  // 51 calls at 7 per 1.1 s take at least 8 s; a busy machine needs room beyond the suite's 20 s default.
  it("50 concurrent amoFetch calls on an expired token make exactly one refresh, and all succeed", { timeout: 90_000 }, async () => {
    const { amoFetch } = await import("@/lib/amocrm/client");
    await connectThroughFake(amo.fake);
    amo.fake.controls.expireAccessTokens();
    await setStoredExpiry(new Date(Date.now() - 1000));

    const schema = z.object({ id: z.number() });
    const results = await Promise.all(Array.from({ length: 50 }, () => amoFetch("/api/v4/account", { schema })));
    expect(results.every((result) => result.data.id === ACCOUNT_ID)).toBe(true);
    expect(refreshCalls(amo.fake)).toBe(1);
    expect((await eventTypes()).filter((type) => type === "token_refreshed")).toHaveLength(1);
  });

  it("6 concurrent calls all refused with 401 share one refresh too", async () => {
    const { amoFetch } = await import("@/lib/amocrm/client");
    await connectThroughFake(amo.fake);
    amo.fake.controls.expireAccessTokens();
    const results = await Promise.all(Array.from({ length: 6 }, () => amoFetch("/api/v4/account")));
    expect(results.map((result) => result.status)).toEqual(Array(6).fill(200));
    expect(refreshCalls(amo.fake)).toBe(1);
  });

  it("two processes on the same database both needing a refresh make exactly one, and end with the same token", async () => {
    await connectThroughFake(amo.fake);
    amo.fake.controls.expireAccessTokens();
    await setStoredExpiry(new Date(Date.now() - 1000));
    // Slow answers make the two refreshes overlap for sure.
    amo.fake.controls.configure({ responseDelayMs: 300 });

    const children = [startNode(CHILD, ["race"]), startNode(CHILD, ["race"])];
    await vi.waitFor(() => expect(children.every((child) => child.lines.includes("ready"))).toBe(true), { timeout: 15_000, interval: 20 });
    for (const child of children) child.process.stdin.write("go\n");
    const exits = await Promise.all(children.map((child) => child.exited));

    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    const [first, second] = children.map(lastJson);
    expect(first).toMatchObject({ ok: true, accountId: ACCOUNT_ID });
    expect(second).toMatchObject({ ok: true, accountId: ACCOUNT_ID });
    expect(first?.tokenHash).toBe(second?.tokenHash);
    expect(refreshCalls(amo.fake)).toBe(1);

    const { getAccessToken } = await import("@/lib/amocrm/tokens");
    expect(hash((await getAccessToken()).accessToken)).toBe(first?.tokenHash);
    expect(await readConnection()).toMatchObject({ refreshIntentAt: null, state: "connected" });
    expect(await leaseOwner("amocrm-refresh")).toBeNull();
  });
});

describe("a process killed between amoCRM's answer and the commit", () => {
  async function crashChild(): Promise<{ generation: number; intentAt: Date }> {
    await connectThroughFake(amo.fake);
    await setStoredExpiry(new Date(Date.now() - 1000));
    const generation = (await readConnection()).generation;
    const child = startNode(CHILD, ["crash"]);
    expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(refreshCalls(amo.fake)).toBe(1);

    const row = await readConnection();
    // amoCRM rotated the pair, but the new one was never stored: intent and lease stay behind.
    expect(row.generation).toBe(generation);
    expect(row.refreshIntentGeneration).toBe(generation);
    const { leaseProcessId } = JSON.parse(child.lines[0] ?? "{}") as { leaseProcessId?: string };
    expect(leaseProcessId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await leaseOwner("amocrm-refresh")).toMatch(new RegExp(`^${leaseProcessId}:`));
    return { generation, intentAt: row.refreshIntentAt ?? new Date() };
  }

  it("is recovered at the next start with the stored refresh token", async () => {
    const { generation, intentAt } = await crashChild();
    const { resolveDanglingRefresh } = await import("@/lib/amocrm/tokens");
    const { tryAcquireLease } = await import("@/lib/db/lease");
    // Until it expires, the dead holder's lease is not taken: nothing tells a dead holder from a slow one.
    expect(await tryAcquireLease("amocrm-refresh")).toBeNull();
    // The dead holder no longer renews it: once its TTL has passed (moved here instead of waited for), it is taken over.
    await expireLease("amocrm-refresh");
    const startedAt = Date.now();
    const result = await resolveDanglingRefresh({ now: new Date(intentAt.getTime() + 61_000) });
    expect(result.outcome).toBe("recovered");
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(await readConnection()).toMatchObject({
      generation: generation + 1,
      state: "connected",
      refreshIntentAt: null,
    });
    expect(await leaseOwner("amocrm-refresh")).toBeNull();
    expect(refreshCalls(amo.fake)).toBe(2);

    const { amoFetch } = await import("@/lib/amocrm/client");
    expect((await amoFetch("/api/v4/account")).status).toBe(200);
  });

  it("or marked needs_reauth with the reason when amoCRM no longer accepts it", async () => {
    const { intentAt } = await crashChild();
    await expireLease("amocrm-refresh");
    amo.fake.controls.revokeTokens();
    const { getAccessToken, resolveDanglingRefresh } = await import("@/lib/amocrm/tokens");
    expect(await resolveDanglingRefresh({ now: new Date(intentAt.getTime() + 61_000) })).toEqual({ outcome: "failed", code: "token_revoked" });
    const row = await readConnection();
    expect(row).toMatchObject({ state: "needs_reauth", lastErrorCode: "token_revoked" });
    expect(JSON.parse(row.lastErrorDetail ?? "{}")).toMatchObject({ reason: "interrupted" });
    expect(await codeOf(getAccessToken())).toBe("needs_reauth");
    expect(refreshCalls(amo.fake)).toBe(2);
  });
});

describe("npm run amocrm:refresh (scripts/amocrm-refresh.ts)", () => {
  const SCRIPT = "scripts/amocrm-refresh.ts";

  it("prints one line without secrets: not due, then refreshed once due", async () => {
    await connectThroughFake(amo.fake);
    const notDue = startNode(SCRIPT, []);
    expect((await notDue.exited).code).toBe(0);
    expect(notDue.lines).toHaveLength(1);
    expect(notDue.lines[0]).toMatch(/^amocrm:refresh ok: not due, next keep-alive refresh at \d{4}-/);

    const { getSqlite } = await import("@/lib/db/client");
    getSqlite().prepare("UPDATE connections SET last_refresh_at = ? WHERE id = 1").run(Date.now() - 8 * DAY_MS);
    const due = startNode(SCRIPT, []);
    expect((await due.exited).code).toBe(0);
    expect(due.lines).toHaveLength(1);
    expect(due.lines[0]).toMatch(/^amocrm:refresh ok: tokens refreshed, access token valid until \d{4}-/);
    expect(refreshCalls(amo.fake)).toBe(1);

    const issued = amo.fake.controls.snapshot().issued;
    for (const secret of [...issued.accessTokens, ...issued.refreshTokens, issued.clientSecret]) {
      expect(due.lines.join("\n")).not.toContain(secret.slice(0, 12));
    }
  });

  it("exits non-zero when the connection needs re-authorization", async () => {
    await connectThroughFake(amo.fake);
    const { getSqlite } = await import("@/lib/db/client");
    getSqlite().exec("UPDATE connections SET state = 'needs_reauth' WHERE id = 1");
    const run = startNode(SCRIPT, []);
    expect((await run.exited).code).toBe(1);
    expect(run.lines).toEqual(["amocrm:refresh failed: the connection is needs_reauth; an admin must authorize again on /connect"]);
    expect(refreshCalls(amo.fake)).toBe(0);
  });
});
