// Measure 2, token hot path: getAccessToken() with a valid stored token, operations per second, against a bare
// better-sqlite3 prepared-statement read of the same `connections` row on the same handle, in this process.
// Imports app modules: load after createBenchEnv().
import { getAccessToken } from "@/lib/amocrm/tokens";
import { getSqlite } from "@/lib/db/client";
import type { FakeAmo } from "../tests/fake-amocrm/server";
import { refreshCalls, storedGeneration } from "./app";
import type { Checks } from "./harness";
import { pairedRatios, summarize, type Summary } from "./stats";

export interface HotPathResult {
  getAccessToken: Summary;
  bareRead: Summary;
  ratio: Summary;
  windowMs: number;
}

// Time is read once per batch, so the clock costs the same (almost nothing) on both sides.
const BATCH = 256;

async function opsPerSecond(windowMs: number, op: () => unknown): Promise<number> {
  let ops = 0;
  const startedAt = performance.now();
  let elapsed = 0;
  while (elapsed < windowMs) {
    for (let i = 0; i < BATCH; i++) await op();
    ops += BATCH;
    elapsed = performance.now() - startedAt;
  }
  return (ops / elapsed) * 1000;
}

function opsPerSecondSync(windowMs: number, op: () => unknown): number {
  let ops = 0;
  const startedAt = performance.now();
  let elapsed = 0;
  while (elapsed < windowMs) {
    for (let i = 0; i < BATCH; i++) op();
    ops += BATCH;
    elapsed = performance.now() - startedAt;
  }
  return (ops / elapsed) * 1000;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Interleaved windows (the order alternates), so drift on a shared machine hits both sides alike. */
export async function measureTokenHotPath({
  fake,
  repetitions,
  windowMs,
  checks,
}: {
  fake: FakeAmo;
  repetitions: number;
  windowMs: number;
  checks: Checks;
}): Promise<HotPathResult> {
  const bare = getSqlite().prepare("SELECT * FROM connections WHERE id = ?");
  const bareRead = () => bare.get(1);
  const generation = await storedGeneration();
  const callsBefore = refreshCalls(fake);
  let wrongGeneration = 0;
  const hotPath = async () => {
    const token = await getAccessToken();
    if (token.generation !== generation) wrongGeneration += 1;
  };

  // Warm-up: JIT, statement caches, the env and the key.
  opsPerSecondSync(windowMs / 2, bareRead);
  await opsPerSecond(windowMs / 2, hotPath);

  const tokenOps: number[] = [];
  const bareOps: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    // A window never yields to the event loop (a resolved await is a microtask); let timers and sockets run
    // between windows, or the fake's keep-alive sockets time out unnoticed and the next refresh hits a closed one.
    await yieldToEventLoop();
    if (rep % 2 === 0) {
      bareOps.push(opsPerSecondSync(windowMs, bareRead));
      tokenOps.push(await opsPerSecond(windowMs, hotPath));
    } else {
      tokenOps.push(await opsPerSecond(windowMs, hotPath));
      bareOps.push(opsPerSecondSync(windowMs, bareRead));
    }
  }
  await yieldToEventLoop();
  checks.check("token hot path: a valid token is never refreshed", refreshCalls(fake) === callsBefore && wrongGeneration === 0);
  return {
    getAccessToken: summarize(tokenOps),
    bareRead: summarize(bareOps),
    ratio: summarize(pairedRatios(tokenOps, bareOps)),
    windowMs,
  };
}
