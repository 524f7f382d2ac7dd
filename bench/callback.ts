// Measure 1, callback overhead: complete authorizations (state, code exchange, account read, encrypted save) against
// the fake amoCRM, minus the fake's own handling time. Imports app modules: load after createBenchEnv().
import { setTimeout as sleep } from "node:timers/promises";
import { completeAuthorization, parseCallbackQuery } from "@/lib/amocrm/callback";
import { waitForCapacity } from "@/lib/amocrm/http";
import { createOauthState } from "@/lib/db/oauth-states";
import type { Admin } from "@/lib/db/schema";
import { switchToFreshAccountHost } from "./app";
import type { BenchEnv } from "./environment";
import { settle } from "./fake-timing";
import { BenchError, withQuietInfo, type Checks } from "./harness";
import { percentile, summarize, type Summary } from "./stats";

/** The code exchange and the account read. */
const CALLS_PER_AUTHORIZATION = 2;
/**
 * The server's limiter lets 7 calls start in any 1.1 s, so callbacks that start this far apart never wait for it (three
 * in one window make six calls). Real authorizations are minutes apart; back to back they would measure the policy.
 */
const HTTP_CALLBACK_SPACING_MS = 400;

interface CallbackSamples {
  /** Per callback: the callback's own time, the fake's handling time, and their difference (the overhead). */
  totalMs: number[];
  fakeMs: number[];
  overheadMs: number[];
}

export interface CallbackResult {
  callbacks: number;
  total: Summary;
  fake: Summary;
  overhead: Summary;
  /** 95th percentile of the overhead. */
  overheadP95: number;
}

function result(samples: CallbackSamples): CallbackResult {
  return {
    callbacks: samples.overheadMs.length,
    total: summarize(samples.totalMs),
    fake: summarize(samples.fakeMs),
    overhead: summarize(samples.overheadMs),
    overheadP95: percentile(samples.overheadMs, 95),
  };
}

/**
 * In process: what lib/amocrm/callback.ts does for GET /api/amocrm/callback once the session is known, timed from
 * parsing the query to the saved connection. The state is created before the clock starts (that is the authorize
 * request's work), the code comes from the fake's issue-code control, exactly as "Allow" makes it.
 */
export async function measureCallbackInProcess({
  env,
  admin,
  count,
  warmup,
  checks,
}: {
  env: BenchEnv;
  admin: Admin;
  count: number;
  warmup: number;
  checks: Checks;
}): Promise<CallbackResult> {
  const { fake, fakeTimer } = env;
  const samples: CallbackSamples = { totalMs: [], fakeMs: [], overheadMs: [] };
  let failures = 0;
  let wrongRequestCounts = 0;
  await withQuietInfo(async () => {
    for (let i = 0; i < warmup + count; i++) {
      switchToFreshAccountHost(fake, `benchcb${i}`);
      const state = await createOauthState({ adminId: admin.id });
      const issued = fake.controls.issueCode({ state });
      const params = new URL(issued.location).searchParams;
      // The rate limiter's wait is policy, not overhead: the clock starts once both calls could leave at once.
      await waitForCapacity(CALLS_PER_AUTHORIZATION);

      fakeTimer.reset();
      const startedAt = performance.now();
      const query = parseCallbackQuery(params);
      const outcome = query ? await completeAuthorization({ query, admin }) : { ok: false as const, code: "invalid_callback" };
      const totalMs = performance.now() - startedAt;
      await settle();
      const handled = fakeTimer.read();

      if (!outcome.ok) {
        failures += 1;
        if (failures === 1) console.error(`bench: callback ${i} failed: ${outcome.code}`);
        continue;
      }
      // The code exchange and the account read: two requests, or the figure is not what it claims.
      if (handled.requests !== CALLS_PER_AUTHORIZATION) wrongRequestCounts += 1;
      if (i < warmup) continue;
      samples.totalMs.push(totalMs);
      samples.fakeMs.push(handled.ms);
      samples.overheadMs.push(totalMs - handled.ms);
    }
  });
  checks.check("callback: every in-process authorization connects", failures === 0, `${failures} of ${warmup + count} failed`);
  checks.check("callback: each authorization makes exactly 2 requests to amoCRM", wrongRequestCounts === 0, `${wrongRequestCounts} did not`);
  if (samples.overheadMs.length < count) throw new BenchError("callback: not enough successful authorizations to measure");
  return result(samples);
}

/**
 * End to end through `next start`: GET /api/amocrm/callback with the admin's session cookie, timed from the request
 * to the 303 answer (session check, Next routing and the proxy included), minus the fake's handling time.
 */
export async function measureCallbackOverHttp({
  env,
  admin,
  cookie,
  count,
  warmup,
  checks,
}: {
  env: BenchEnv;
  admin: Admin;
  cookie: string;
  count: number;
  warmup: number;
  checks: Checks;
}): Promise<CallbackResult> {
  const { fake, fakeTimer, appUrl } = env;
  const samples: CallbackSamples = { totalMs: [], fakeMs: [], overheadMs: [] };
  let failures = 0;
  let wrongRequestCounts = 0;
  let previousStart = -Infinity;
  for (let i = 0; i < warmup + count; i++) {
    switchToFreshAccountHost(fake, `benchhttp${i}`);
    const state = await createOauthState({ adminId: admin.id });
    const location = fake.controls.issueCode({ state }).location;
    if (!location.startsWith(`${appUrl}/api/amocrm/callback?`)) throw new BenchError(`callback: unexpected redirect target ${location}`);
    const spacing = previousStart + HTTP_CALLBACK_SPACING_MS - performance.now();
    if (spacing > 0) await sleep(spacing);

    fakeTimer.reset();
    const startedAt = performance.now();
    previousStart = startedAt;
    const response = await fetch(location, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    await response.arrayBuffer();
    const totalMs = performance.now() - startedAt;
    await settle();
    const handled = fakeTimer.read();

    const connected = response.status === 303 && response.headers.get("location") === `${appUrl}/status?connected=1`;
    if (!connected) {
      failures += 1;
      if (failures === 1) console.error(`bench: callback over HTTP ${i}: ${response.status} → ${response.headers.get("location") ?? "-"}`);
      continue;
    }
    if (handled.requests !== CALLS_PER_AUTHORIZATION) wrongRequestCounts += 1;
    if (i < warmup) continue;
    samples.totalMs.push(totalMs);
    samples.fakeMs.push(handled.ms);
    samples.overheadMs.push(totalMs - handled.ms);
  }
  checks.check("callback over HTTP: every authorization answers 303 to /status?connected=1", failures === 0, `${failures} of ${warmup + count} did not`);
  checks.check("callback over HTTP: each makes exactly 2 requests to amoCRM", wrongRequestCounts === 0, `${wrongRequestCounts} did not`);
  if (samples.overheadMs.length < count) throw new BenchError("callback over HTTP: not enough successful authorizations to measure");
  return result(samples);
}
