// npm run bench: speed, weight and memory of amoCRM Connect as ratios against baselines measured in the same run,
// against a production build and the fake amoCRM, on 127.0.0.1 only. Writes bench/results.json, prints one line per
// measure and "targets met: n/10". Exits non-zero when a correctness check fails (more than one refresh, a non-2xx
// answer under load, a callback that does not connect, a 429 from the fake or a lead lost or doubled in delivery) or
// a measure cannot run; never because something is slow.
//
//   tsx --conditions=react-server bench/run.ts [--rebuild] [--load-seconds N] [--markdown] [--server-node-options FLAGS]
//
// No top-level await: package.json has no "type": "module", so tsx may load this as CommonJS.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createBenchEnv, ADMIN_EMAIL } from "./environment";
import { BenchError, Checks, onCleanup, runCleanups, sleep } from "./harness";
import { measureStatusLoad, peakRssMb, sampleRss } from "./load";
import { measurePageWeight } from "./page-weight";
import { ROOT } from "./processes";
import { evaluateTargets, markdownTable, summaryLines, type Measures, type Results } from "./report";
import { build, signIn, staleBuildReason, startServer } from "./server";
import { MIN_REPETITIONS } from "./stats";

interface Options {
  rebuild: boolean;
  loadSeconds: number;
  markdown: boolean;
  /** NODE_OPTIONS for `next start` only, e.g. "--max-old-space-size=128", to compare a deployment setting. */
  serverNodeOptions: string | null;
}

/** What `npm start` puts into NODE_OPTIONS (keep in step with package.json's start script). */
const PRODUCTION_NODE_OPTIONS = "--max-old-space-size=160";

const USAGE =
  "usage: tsx --conditions=react-server bench/run.ts [--rebuild] [--load-seconds N (1-60, default 10)] [--markdown] [--server-node-options FLAGS]";

function parseOptions(args: string[]): Options {
  // By default the server runs with the heap cap `npm start` gives it (package.json), so the memory measured is the
  // memory an operator gets; `--server-node-options ""` is not accepted, pass other flags to compare.
  const options: Options = { rebuild: false, loadSeconds: 10, markdown: false, serverNodeOptions: PRODUCTION_NODE_OPTIONS };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--rebuild") options.rebuild = true;
    else if (arg === "--markdown") options.markdown = true;
    else if (arg === "--load-seconds") {
      const seconds = Number(args[++i]);
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60) throw new BenchError(USAGE);
      options.loadSeconds = seconds;
    } else if (arg === "--server-node-options") {
      const flags = args[++i];
      if (flags === undefined || !/^(--[a-z0-9-]+(=[A-Za-z0-9._-]+)?\s*)+$/.test(flags.trim())) throw new BenchError(USAGE);
      options.serverNodeOptions = flags.trim();
    } else throw new BenchError(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

const SETTINGS = {
  callbacks: 100,
  callbackWarmup: 10,
  hotPathWindows: 9,
  hotPathWindowMs: 300,
  refreshConcurrency: 100,
  repetitions: MIN_REPETITIONS,
  loadConnections: 10,
  loadWarmupSeconds: 3,
  memorySamples: 5,
  deliveryLeads: 1000,
} as const;

// The bench server's per-key intake limit: far above what the load can send, so the load never meets a 429.
const LEADS_RATE_PER_MINUTE = "100000";

const loadAverage = () => os.loadavg().map((load) => Number(load.toFixed(2)));

function machine(): Omit<Results["machine"], "loadAverageAtEnd"> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    loadAverageAtStart: loadAverage(),
  };
}

function readVersion(packageJson: string): string {
  try {
    return (JSON.parse(fs.readFileSync(packageJson, "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function readBuildId(): string | null {
  try {
    return fs.readFileSync(path.join(ROOT, ".next", "BUILD_ID"), "utf8").trim();
  } catch {
    return null;
  }
}

let interrupted = false;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function main(options: Options): Promise<number> {
  const startedAt = Date.now();
  const checks = new Checks();
  const errors: Results["errors"] = [];
  const measures: Measures = {};
  const machineAtStart = machine();

  // Runs one measure; a failure is recorded (and fails the run) but lets the independent measures go on.
  async function attempt<T>(measure: string, body: () => Promise<T> | T): Promise<T | undefined> {
    try {
      return await body();
    } catch (error) {
      errors.push({ measure, message: message(error) });
      console.error(`bench: ${measure} failed: ${message(error)}`);
      return undefined;
    }
  }

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "amocrm-bench-"));
  onCleanup(() => fs.rmSync(runDir, { recursive: true, force: true }));

  // 1. The production build, first: it takes both cores, so nothing is timed while it runs.
  const reason = options.rebuild ? "--rebuild was given" : staleBuildReason();
  let buildSeconds: number | null = null;
  if (reason) {
    console.log(`bench: next build (${reason}) …`);
    buildSeconds = await build(path.join(runDir, "build.log"));
  } else console.log("bench: reusing the production build in .next (newer than every source file)");
  measures.pageWeight = await attempt("page weight", () => measurePageWeight());

  // 2. The environment, then (only then) the app modules.
  const env = await createBenchEnv(runDir);
  const app = await import("./app");
  const admin = await app.prepareApp(env);

  console.log(`bench: callbacks in process (${SETTINGS.callbacks}) …`);
  const { measureCallbackInProcess, measureCallbackOverHttp } = await import("./callback");
  const inProcess = await attempt("callback overhead", () =>
    measureCallbackInProcess({ env, admin, count: SETTINGS.callbacks, warmup: SETTINGS.callbackWarmup, checks }),
  );
  if (inProcess) measures.callback = { inProcess };

  console.log("bench: token hot path …");
  const { measureTokenHotPath } = await import("./token-hot-path");
  measures.tokenHotPath = await attempt("token hot path", () =>
    measureTokenHotPath({ fake: env.fake, repetitions: SETTINGS.hotPathWindows, windowMs: SETTINGS.hotPathWindowMs, checks }),
  );

  console.log("bench: refresh single flight (1 and 2 processes) …");
  const { measureRefresh } = await import("./refresh");
  measures.refresh = await attempt("refresh single flight", () =>
    measureRefresh({ env, concurrency: SETTINGS.refreshConcurrency, repetitions: SETTINGS.repetitions, checks }),
  );

  // 3. next start on the same database: the connection made above is what /api/amocrm/status reports. The bench
  // holds the lead worker's lease first, so the server's worker delivers nothing until the delivery measure.
  const leadsBench = await import("./leads");
  const workerLease = await attempt("lead worker lease", () => leadsBench.holdDeliveryWorker());
  const intakeKey = await attempt("site key", () => leadsBench.createSiteKey("bench intake load"));
  const deliveryKey = await attempt("site key", () => leadsBench.createSiteKey("bench delivery"));
  console.log("bench: next start …");
  const server = await attempt("next start", async () => {
    // On a shared checkout someone else's `next build` may have replaced .next meanwhile: wait for it and rebuild.
    if (!fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
      console.log("bench: .next/BUILD_ID disappeared during the run; building again …");
      await build(path.join(runDir, "build-again.log"));
    }
    const nodeOptions: Record<string, string> = options.serverNodeOptions ? { NODE_OPTIONS: options.serverNodeOptions } : {};
    return startServer({ port: env.appPort, env: { ...env.vars, LEADS_RATE_PER_MINUTE, ...nodeOptions }, logFile: env.serverLog });
  });
  if (server) {
    await sleep(2000);
    const idleMb = await attempt("memory (idle)", () => sampleRss(server.pid, SETTINGS.memorySamples, 200));
    let statusOk: boolean | undefined;
    const cookie = await attempt("sign-in", () => signIn({ url: server.url, email: ADMIN_EMAIL, password: env.adminPassword }));
    if (cookie) {
      statusOk = await attempt("status check", async () => {
        const response = await fetch(`${server.url}/api/amocrm/status`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
        const body = (await response.json()) as { state?: unknown };
        const connected = response.status === 200 && body.state === "connected";
        return checks.check("status: GET /api/amocrm/status answers 200 with the connected account", connected, `${response.status} ${String(body.state)}`);
      });

      console.log(`bench: callbacks over HTTP (${SETTINGS.callbacks}) …`);
      const overHttp = await attempt("callback over HTTP", () =>
        measureCallbackOverHttp({ env, admin, cookie, count: SETTINGS.callbacks, warmup: SETTINGS.callbackWarmup, checks }),
      );
      if (measures.callback && overHttp) measures.callback.overHttp = overHttp;

      if (statusOk) {
        const minutes = ((SETTINGS.repetitions * 2 * options.loadSeconds + 2 * SETTINGS.loadWarmupSeconds) / 60).toFixed(1);
        console.log(`bench: load, ${SETTINGS.repetitions} × (status, health) × ${options.loadSeconds} s (~${minutes} min) …`);
        measures.statusLoad = await attempt("status under load", () =>
          measureStatusLoad({
            url: server.url,
            cookie,
            connections: SETTINGS.loadConnections,
            seconds: options.loadSeconds,
            warmupSeconds: SETTINGS.loadWarmupSeconds,
            repetitions: SETTINGS.repetitions,
            checks,
          }),
        );
      }
    }
    const afterLoadMb = measures.statusLoad
      ? await attempt("memory (after load)", () => sampleRss(server.pid, SETTINGS.memorySamples, 200))
      : undefined;

    let afterIntakeMb;
    if (intakeKey) {
      const minutes = ((SETTINGS.repetitions * 2 * options.loadSeconds + 2 * SETTINGS.loadWarmupSeconds) / 60).toFixed(1);
      console.log(`bench: intake load, ${SETTINGS.repetitions} × (POST /api/v1/leads, health) × ${options.loadSeconds} s (~${minutes} min) …`);
      measures.intakeLoad = await attempt("intake under load", () =>
        leadsBench.measureIntakeLoad({
          url: server.url,
          siteKey: intakeKey,
          connections: SETTINGS.loadConnections,
          seconds: options.loadSeconds,
          warmupSeconds: SETTINGS.loadWarmupSeconds,
          repetitions: SETTINGS.repetitions,
          checks,
        }),
      );
      if (measures.intakeLoad) afterIntakeMb = await attempt("memory (after intake load)", () => sampleRss(server.pid, SETTINGS.memorySamples, 200));
      leadsBench.discardLeadsOfKey(intakeKey.id);
    }
    if (idleMb && afterLoadMb) {
      measures.memory = {
        idleMb,
        afterLoadMb,
        ratio: afterLoadMb.median / idleMb.median,
        afterIntakeMb: afterIntakeMb ?? null,
        peakMb: peakRssMb(server.pid),
      };
    }

    // Delivery needs the connection the status check proved.
    if (deliveryKey && workerLease && statusOk) {
      console.log(`bench: delivery of ${SETTINGS.deliveryLeads} leads to the fake amoCRM at 7 requests per second …`);
      measures.delivery = await attempt("lead delivery", () =>
        leadsBench.measureDelivery({ url: server.url, fake: env.fake, siteKey: deliveryKey, lease: workerLease, count: SETTINGS.deliveryLeads, checks }),
      );
    }
    await server.stop();
  }

  // Ctrl-C: the clean-up already runs; a half-measured run writes no results.
  if (interrupted) return 130;
  const targets = evaluateTargets(measures);
  const results: Results = {
    schemaVersion: 1,
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt) / 1000),
    machine: { ...machineAtStart, loadAverageAtEnd: loadAverage() },
    node: process.version,
    next: readVersion(path.join(ROOT, "node_modules/next/package.json")),
    build: { built: reason !== null, reason, seconds: buildSeconds === null ? null : Math.round(buildSeconds), buildId: readBuildId() },
    settings: { ...SETTINGS, loadSeconds: options.loadSeconds },
    serverNodeOptions: options.serverNodeOptions,
    measures,
    errors,
    checks: checks.results,
    targets,
    targetsMet: targets.filter((target) => target.met === true).length,
    targetsTotal: targets.length,
    ok: errors.length === 0 && checks.failed.length === 0,
  };
  const resultsFile = path.join(ROOT, "bench", "results.json");
  fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

  if (options.markdown) console.log(`\n${markdownTable(results)}\n`);
  const load = (values: number[]) => values.join(" ");
  console.log(
    `\nbench: ${machineAtStart.cpuModel} × ${machineAtStart.cores}, node ${process.version}, ${results.durationSeconds} s, ` +
      `load average ${load(results.machine.loadAverageAtStart)} → ${load(results.machine.loadAverageAtEnd)}` +
      `${options.serverNodeOptions ? `, next start with NODE_OPTIONS=${options.serverNodeOptions}` : ""}; results in bench/results.json`,
  );
  if (!results.ok) {
    const problems = [...errors.map((error) => `${error.measure}: ${error.message.split("\n")[0]}`), ...checks.failed.map((check) => check.name)];
    console.error(`bench: FAILED (${problems.length}): ${problems.join("; ")}`);
  }
  // The last line is always the targets line.
  for (const line of summaryLines(results)) console.log(line);
  return results.ok ? 0 : 1;
}

function exitAfterCleanup(code: number): void {
  void runCleanups().finally(() => process.exit(code));
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`bench: ${signal}; stopping the server, the fake and child processes …`);
    exitAfterCleanup(code);
  });
}

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(message(error));
  process.exit(2);
}
main(options).then(exitAfterCleanup, (error: unknown) => {
  console.error(`bench: FAILED: ${error instanceof Error && !(error instanceof BenchError) ? (error.stack ?? error.message) : message(error)}`);
  exitAfterCleanup(1);
});
