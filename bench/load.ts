// Measures 3, 6 and 7: a route under autocannon load (GET /api/amocrm/status with an admin session, POST
// /api/v1/leads with a site key) against GET /api/health on the same running server, and the next-server process's
// resident memory idle and after those loads.
import { spawn } from "node:child_process";
import path from "node:path";
import { z } from "zod";
import { assertLoopback, BenchError, onCleanup, sleep, type Checks } from "./harness";
import { readMemoryKb, ROOT, stopProcess } from "./processes";
import { pairedRatios, summarize, type Summary } from "./stats";

const AUTOCANNON = path.join(ROOT, "node_modules/autocannon/autocannon.js");

// The parts of autocannon's --json output this bench reads.
const autocannonSchema = z.object({
  requests: z.object({ average: z.number(), total: z.number() }),
  latency: z.object({ p50: z.number(), p99: z.number() }),
  errors: z.number(),
  timeouts: z.number(),
  non2xx: z.number(),
});

export interface LoadRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** One autocannon run in its own process (so its work is not on this event loop), JSON on stdout. */
export async function autocannon({
  url,
  connections,
  seconds,
  headers = {},
  method = "GET",
  body,
}: {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: "GET" | "POST";
  /** Sent with every request. */
  body?: string;
}): Promise<LoadRun> {
  assertLoopback(url);
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  const requestArgs = ["-m", method, ...(body === undefined ? [] : ["-b", body]), ...headerArgs];
  const child = spawn(process.execPath, [AUTOCANNON, "-c", String(connections), "-d", String(seconds), "-j", "-n", ...requestArgs, url], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  onCleanup(() => stopProcess(child));
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
  const timeout = setTimeout(() => void stopProcess(child), (seconds + 30) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
  clearTimeout(timeout);
  if (code !== 0) throw new BenchError(`autocannon exited with ${code}: ${stderr.trim().slice(-500)}`);
  const json = stdout.slice(stdout.indexOf("{"));
  const parsed = autocannonSchema.parse(JSON.parse(json));
  return {
    requestsPerSecond: parsed.requests.average,
    p50Ms: parsed.latency.p50,
    p99Ms: parsed.latency.p99,
    total: parsed.requests.total,
    non2xx: parsed.non2xx,
    errors: parsed.errors + parsed.timeouts,
  };
}

export interface LoadFigures {
  requestsPerSecond: Summary;
  p99Ms: Summary;
  p50Ms: Summary;
}

export interface PairedLoadResult {
  connections: number;
  seconds: number;
  /** The route under test. */
  subject: LoadFigures;
  health: LoadFigures;
  /** subject / health req/s, per pair. */
  ratio: Summary;
}

/**
 * Warm-up runs (not counted), then `repetitions` pairs of runs, `subject` and health interleaved and their order
 * alternating, so slow drift on a shared machine hits both alike. Every answer must be 2xx.
 */
export async function measureAgainstHealth({
  name,
  url,
  subject,
  connections,
  seconds,
  warmupSeconds,
  repetitions,
  checks,
}: {
  name: string;
  url: string;
  /** One autocannon run of the route under test, `seconds` long. */
  subject: (seconds: number) => Promise<LoadRun>;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  repetitions: number;
  checks: Checks;
}): Promise<PairedLoadResult> {
  const health = (runSeconds: number) => autocannon({ url: `${url}/api/health`, connections, seconds: runSeconds });
  await subject(warmupSeconds);
  await health(warmupSeconds);

  const subjectRuns: LoadRun[] = [];
  const healthRuns: LoadRun[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    if (rep % 2 === 0) {
      subjectRuns.push(await subject(seconds));
      healthRuns.push(await health(seconds));
    } else {
      healthRuns.push(await health(seconds));
      subjectRuns.push(await subject(seconds));
    }
  }
  const bad = [...subjectRuns, ...healthRuns].reduce((sum, run) => sum + run.non2xx + run.errors, 0);
  checks.check(`${name}: every answer is 2xx, no errors or timeouts`, bad === 0, `${bad} bad answers`);
  const empty = [...subjectRuns, ...healthRuns].some((run) => run.total === 0);
  checks.check(`${name}: every run completed requests`, !empty);

  const figures = (runs: LoadRun[]): LoadFigures => ({
    requestsPerSecond: summarize(runs.map((run) => run.requestsPerSecond)),
    p99Ms: summarize(runs.map((run) => run.p99Ms)),
    p50Ms: summarize(runs.map((run) => run.p50Ms)),
  });
  return {
    connections,
    seconds,
    subject: figures(subjectRuns),
    health: figures(healthRuns),
    ratio: summarize(
      pairedRatios(
        subjectRuns.map((run) => run.requestsPerSecond),
        healthRuns.map((run) => run.requestsPerSecond),
      ),
    ),
  };
}

export interface StatusLoadResult {
  connections: number;
  seconds: number;
  status: LoadFigures;
  health: LoadFigures;
  ratio: Summary;
}

/** GET /api/amocrm/status with the admin's session cookie against GET /api/health. */
export async function measureStatusLoad({
  url,
  cookie,
  connections,
  seconds,
  warmupSeconds,
  repetitions,
  checks,
}: {
  url: string;
  cookie: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  repetitions: number;
  checks: Checks;
}): Promise<StatusLoadResult> {
  const status = (runSeconds: number) => autocannon({ url: `${url}/api/amocrm/status`, connections, seconds: runSeconds, headers: { cookie } });
  const { subject, ...rest } = await measureAgainstHealth({ name: "status under load", url, subject: status, connections, seconds, warmupSeconds, repetitions, checks });
  return { ...rest, status: subject };
}

/** `samples` readings of VmRSS (MB), `intervalMs` apart. */
export async function sampleRss(pid: number, samples: number, intervalMs: number): Promise<Summary> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(intervalMs);
    const kb = readMemoryKb(pid);
    if (kb === null) throw new BenchError(`cannot read /proc/${pid}/status: is next-server still running?`);
    values.push(kb / 1024);
  }
  return summarize(values);
}

export function peakRssMb(pid: number): number | null {
  const kb = readMemoryKb(pid, "VmHWM");
  return kb === null ? null : kb / 1024;
}
