// What every measure shares: correctness checks that fail the run, clean-up that runs even on failure, and
// bounded waits. Nothing here imports app code.
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Correctness checks inside the benchmark (one refresh per burst, 2xx under load, ...). A failed check does not stop
 * the other measures, but the run exits non-zero; slowness never does.
 */
export class Checks {
  readonly results: CheckResult[] = [];

  check(name: string, ok: boolean, detail = ""): boolean {
    this.results.push({ name, ok, detail });
    if (!ok) console.error(`bench: CHECK FAILED: ${name}${detail ? `: ${detail}` : ""}`);
    return ok;
  }

  get failed(): CheckResult[] {
    return this.results.filter((result) => !result.ok);
  }
}

/** Thrown when a measure cannot go on (the server does not start, a sign-in fails); the run exits non-zero. */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BenchError";
  }
}

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Registers clean-up (kill a process, close the fake, delete a temp dir); they run last registered first. */
export function onCleanup(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

let cleaning: Promise<void> | undefined;

/** Runs every registered clean-up once, each bounded to 10 s, whatever the others do. */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop();
      if (!cleanup) continue;
      try {
        await Promise.race([Promise.resolve().then(cleanup), sleep(10_000)]);
      } catch (error) {
        console.error(`bench: clean-up step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}

/** A free TCP port on the loopback interface (the OS picks it; closed again before use). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new BenchError("no free loopback port"))));
    });
  });
}

/** Polls `probe` every `intervalMs` until it returns a value, at most `timeoutMs`; then throws with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new BenchError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Only loopback URLs are allowed: the benchmark never leaves the machine. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1") throw new BenchError(`refusing a non-loopback URL: ${url}`);
}

/** Runs `body` with console.info swallowed: the app logs one line per connection or refresh, noise here. */
export async function withQuietInfo<T>(body: () => Promise<T>): Promise<T> {
  const info = console.info;
  console.info = () => {};
  try {
    return await body();
  } finally {
    console.info = info;
  }
}
