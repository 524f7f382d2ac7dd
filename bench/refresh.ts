// Measure 5, refresh single flight: 100 concurrent getAccessToken() calls on an expired token make exactly one
// provider refresh, in one process and across two processes sharing the database; wall time against one refresh.
// Imports app modules: load after createBenchEnv().
import { getAccessToken } from "@/lib/amocrm/tokens";
import { expireStoredAccessToken, refreshCalls, storedGeneration } from "./app";
import type { BenchEnv } from "./environment";
import { BenchError, sleep, withQuietInfo, type Checks } from "./harness";
import { startNodeChild, type LineChild } from "./processes";
import { pairedRatios, summarize, type Summary } from "./stats";

export interface RefreshResult {
  concurrency: number;
  inProcess: { single: Summary; burst: Summary; ratio: Summary; refreshesPerBurst: number[] };
  twoProcesses: { single: Summary; burst: Summary; ratio: Summary; refreshesPerBurst: number[] };
}

// amoHttp allows 7 requests per second per account; at one refresh per step, this pause keeps it from ever waiting.
const PAUSE_BETWEEN_REFRESHES_MS = 200;
const CHILD_TIMEOUT_MS = 30_000;

interface Step {
  ms: number;
  refreshes: number;
  generationsOk: boolean;
}

/** Expires the stored token, runs `body`, and counts the refreshes amoCRM saw meanwhile. */
async function step(env: BenchEnv, body: () => Promise<number[]>): Promise<Step> {
  expireStoredAccessToken();
  const expected = (await storedGeneration()) + 1;
  const before = refreshCalls(env.fake);
  const startedAt = performance.now();
  const generations = await body();
  const ms = performance.now() - startedAt;
  const refreshes = refreshCalls(env.fake) - before;
  await sleep(PAUSE_BETWEEN_REFRESHES_MS);
  return { ms, refreshes, generationsOk: generations.length > 0 && generations.every((generation) => generation === expected) };
}

async function inProcessBurst(count: number): Promise<number[]> {
  const tokens = await Promise.all(Array.from({ length: count }, () => getAccessToken()));
  return [...new Set(tokens.map((token) => token.generation))];
}

function parseReply(line: string): number[] {
  const reply = JSON.parse(line) as { ok?: boolean; generations?: unknown; error?: unknown };
  if (reply.ok !== true || !Array.isArray(reply.generations)) throw new BenchError(`refresh child failed: ${String(reply.error ?? line)}`);
  return reply.generations.map(Number);
}

async function childBurst(children: LineChild[], count: number): Promise<number[]> {
  for (const child of children) child.send(`go ${count}`);
  const replies = await Promise.all(children.map((child) => child.nextLine(CHILD_TIMEOUT_MS)));
  return [...new Set(replies.flatMap(parseReply))];
}

export async function measureRefresh({
  env,
  concurrency,
  repetitions,
  checks,
}: {
  env: BenchEnv;
  concurrency: number;
  repetitions: number;
  checks: Checks;
}): Promise<RefreshResult> {
  const inProcess = { single: [] as Step[], burst: [] as Step[] };
  await withQuietInfo(async () => {
    // Warm-up: one refresh, not counted.
    await step(env, async () => [(await getAccessToken()).generation]);
    for (let rep = 0; rep < repetitions; rep++) {
      inProcess.single.push(await step(env, async () => [(await getAccessToken()).generation]));
      inProcess.burst.push(await step(env, () => inProcessBurst(concurrency)));
    }
  });

  // Two more processes on the same database file, each making `concurrency` calls at once. The baseline is one
  // refresh in one of those processes, through the same pipe.
  const children = [startNodeChild("bench/refresh-child.ts", env.vars), startNodeChild("bench/refresh-child.ts", env.vars)];
  const twoProcesses = { single: [] as Step[], burst: [] as Step[] };
  try {
    for (const child of children) {
      const ready = await child.nextLine(CHILD_TIMEOUT_MS);
      if (!ready.includes('"ready":true')) throw new BenchError(`refresh child did not start: ${ready}`);
    }
    const [first] = children;
    if (!first) throw new BenchError("no refresh child");
    for (let rep = 0; rep < repetitions; rep++) {
      twoProcesses.single.push(await step(env, () => childBurst([first], 1)));
      twoProcesses.burst.push(await step(env, () => childBurst(children, concurrency)));
    }
    for (const child of children) child.send("exit");
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }

  const exactlyOne = (steps: Step[]) => steps.every((s) => s.refreshes === 1 && s.generationsOk);
  const counts = (steps: Step[]) => steps.map((s) => s.refreshes);
  checks.check(
    `refresh: ${concurrency} concurrent calls in one process make exactly one refresh`,
    exactlyOne(inProcess.burst) && exactlyOne(inProcess.single),
    `refreshes per burst: ${counts(inProcess.burst).join(", ")}`,
  );
  checks.check(
    `refresh: ${concurrency} concurrent calls in each of two processes make exactly one refresh`,
    exactlyOne(twoProcesses.burst) && exactlyOne(twoProcesses.single),
    `refreshes per burst: ${counts(twoProcesses.burst).join(", ")}`,
  );

  const ms = (steps: Step[]) => steps.map((s) => s.ms);
  return {
    concurrency,
    inProcess: {
      single: summarize(ms(inProcess.single)),
      burst: summarize(ms(inProcess.burst)),
      ratio: summarize(pairedRatios(ms(inProcess.burst), ms(inProcess.single))),
      refreshesPerBurst: counts(inProcess.burst),
    },
    twoProcesses: {
      single: summarize(ms(twoProcesses.single)),
      burst: summarize(ms(twoProcesses.burst)),
      ratio: summarize(pairedRatios(ms(twoProcesses.burst), ms(twoProcesses.single))),
      refreshesPerBurst: counts(twoProcesses.burst),
    },
  };
}
