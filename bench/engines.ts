// npm run bench:engines: PostgreSQL beside SQLite. On each engine, a production server's intake (POST
// /api/v1/leads) and status (GET /api/amocrm/status) req/s as ratios against GET /api/health on the same server;
// then, on PostgreSQL, the delivery of N leads posted to one server against the same leads posted to two servers
// sharing the database. Writes bench/engines-results.json. Exits non-zero when a lead is lost, doubled or refused.
//
//   tsx --conditions=react-server bench/engines.ts [--seconds N] [--repetitions N] [--leads N]
//
// The defaults match npm run bench; `--seconds 1 --repetitions 1 --leads 100` is a smoke run. Imports no app code:
// every app-side step runs in a child (bench/engines-setup.ts) or a server, since lib/db picks its engine on load.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { startFakeAmo, type FakeAmo } from "../tests/fake-amocrm/server";
import { startTestPostgres, type TestPostgres } from "../tests/postgres-server";
import { BenchError, Checks, freeLoopbackPort, onCleanup, runCleanups, sleep } from "./harness";
import { autocannon, measureAgainstHealth, measureStatusLoad, type PairedLoadResult, type StatusLoadResult } from "./load";
import { ROOT } from "./processes";
import { build, signIn, staleBuildReason, startServer, type RunningServer } from "./server";
import { formatRatio, MIN_REPETITIONS } from "./stats";

const run = promisify(execFile);
const CLIENT_ID = "2912780f-a1e4-4d5d-a069-ee01422d8bef";
const ADMIN_EMAIL = "bench-admin@example.com";

interface Options {
  seconds: number;
  repetitions: number;
  leads: number;
}

function parseOptions(args: string[]): Options {
  const options: Options = { seconds: 10, repetitions: MIN_REPETITIONS, leads: 1000 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!Number.isInteger(value) || value < 1) throw new BenchError(`bad value for ${args[i]}`);
    if (args[i] === "--seconds") options.seconds = value;
    else if (args[i] === "--repetitions") options.repetitions = value;
    else if (args[i] === "--leads") options.leads = value;
    else throw new BenchError(`unknown argument ${args[i]}`);
  }
  return options;
}

interface World {
  dir: string;
  postgres: TestPostgres;
  fake: FakeAmo;
  appUrl: string;
  clientSecret: string;
  adminPassword: string;
  baseVars: Record<string, string>;
}

async function createWorld(dir: string): Promise<World> {
  const appUrl = `http://127.0.0.1:${await freeLoopbackPort()}`;
  const clientSecret = randomBytes(48).toString("hex").slice(0, 64);
  const fake = await startFakeAmo({ port: 0, host: "127.0.0.1", quiet: true, clientId: CLIENT_ID, clientSecret, redirectUri: `${appUrl}/api/amocrm/callback` });
  onCleanup(() => fake.close());
  const postgres = await startTestPostgres();
  onCleanup(() => postgres.stop());
  const adminPassword = `bench-${randomBytes(12).toString("hex")}`;
  const baseVars = {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    APP_URL: appUrl,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_SECRET: randomBytes(32).toString("base64"),
    AUTH_TRUST_HOST: "true",
    AMOCRM_API_ORIGIN: fake.url,
    LEADS_RATE_PER_MINUTE: "100000",
  };
  return { dir, postgres, fake, appUrl, clientSecret, adminPassword, baseVars };
}

/** A migrated, connected database for one measure; returns its variables and a site key. */
async function prepareDatabase(world: World, databaseUrl: string): Promise<{ vars: Record<string, string>; siteKey: string }> {
  const vars = { ...world.baseVars, DATABASE_URL: databaseUrl };
  const { code } = world.fake.controls.issueCode();
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "bench/engines-setup.ts", code, CLIENT_ID, world.clientSecret, ADMIN_EMAIL, world.adminPassword, `${world.appUrl}/api/amocrm/callback`],
    { cwd: ROOT, env: { ...process.env, ...vars } },
  );
  const { siteKey } = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { siteKey: string };
  return { vars, siteKey };
}

async function startServers(world: World, vars: Record<string, string>, count: number, label: string): Promise<RunningServer[]> {
  const servers: RunningServer[] = [];
  for (let n = 0; n < count; n += 1) {
    servers.push(await startServer({ port: await freeLoopbackPort(), env: vars, logFile: path.join(world.dir, `${label}-${n}.log`) }));
  }
  return servers;
}

interface EngineLoad {
  intake: PairedLoadResult;
  status: StatusLoadResult;
}

async function measureEngine(world: World, databaseUrl: string, label: string, options: Options, checks: Checks): Promise<EngineLoad> {
  const { vars, siteKey } = await prepareDatabase(world, databaseUrl);
  const [server] = await startServers(world, vars, 1, label);
  if (!server) throw new BenchError("no server");
  try {
    const cookie = await signIn({ url: server.url, email: ADMIN_EMAIL, password: world.adminPassword });
    const common = { url: server.url, connections: 10, seconds: options.seconds, warmupSeconds: Math.min(3, options.seconds), repetitions: options.repetitions, checks };
    const status = await measureStatusLoad({ ...common, cookie });
    const intake = await measureAgainstHealth({
      ...common,
      name: `intake under load (${label})`,
      subject: (seconds) =>
        autocannon({
          url: `${server.url}/api/v1/leads`,
          connections: 10,
          seconds,
          method: "POST",
          body: JSON.stringify({ name: "Bench Lead", phone: "+998 90 123 45 67", source: "bench" }),
          headers: { authorization: `Bearer ${siteKey}`, "content-type": "application/json" },
        }),
    });
    return { intake, status };
  } finally {
    await server.stop();
  }
}

interface DeliveryFigures {
  servers: number;
  leads: number;
  seconds: number;
  rateLimitedAtFake: number;
}

/** Posts `leads` leads round-robin to the servers and times until every one is sent; each must reach the fake once. */
async function measureDelivery(world: World, servers: number, options: Options, checks: Checks): Promise<DeliveryFigures> {
  const databaseUrl = await world.postgres.createDatabase(`delivery_${servers}`);
  const { vars, siteKey } = await prepareDatabase(world, databaseUrl);
  world.fake.controls.resetLeads();
  const limitedBefore = world.fake.controls.snapshot().calls.rateLimited;
  const running = await startServers(world, vars, servers, `delivery-${servers}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const startedAt = performance.now();
    let next = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < options.leads) {
          const n = next++;
          const server = running[n % running.length]!;
          const response = await fetch(`${server.url}/api/v1/leads`, {
            method: "POST",
            headers: { authorization: `Bearer ${siteKey}`, "content-type": "application/json" },
            body: JSON.stringify({ name: `Lead ${n}`, phone: "+998 90 123 45 67", message: `message ${n}`, source: "bench" }),
          });
          await response.arrayBuffer();
          if (response.status !== 202) refused += 1;
        }
      }),
    );
    checks.check(`delivery (${servers} servers): every lead accepted`, refused === 0, `${refused} refused`);
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const { rows } = await pool.query<{ sent: string }>("SELECT count(*) AS sent FROM leads WHERE status = 'sent'");
      if (Number(rows[0]?.sent) >= options.leads) break;
      if (Date.now() > deadline) throw new BenchError(`delivery (${servers} servers): not every lead was sent within 10 minutes`);
      await sleep(50);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const received = world.fake.controls.leads().leads.flatMap((lead) => lead.request_ids);
    checks.check(`delivery (${servers} servers): every lead created at the fake exactly once`, received.length === options.leads && new Set(received).size === options.leads, `${received.length} created, ${new Set(received).size} distinct`);
    const rateLimitedAtFake = (world.fake.controls.snapshot().calls.rateLimited) - limitedBefore;
    // The servers share amoCRM's 7 calls per second through the database: however many deliver, amoCRM sees one client.
    checks.check(`delivery (${servers} servers): no call over amoCRM's rate limit (429) at the fake`, rateLimitedAtFake === 0, `${rateLimitedAtFake} answered 429`);
    return { servers, leads: options.leads, seconds, rateLimitedAtFake };
  } finally {
    await pool.end();
    await Promise.all(running.map((server) => server.stop()));
  }
}

async function main(options: Options): Promise<number> {
  const checks = new Checks();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amocrm-bench-engines-"));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const reason = staleBuildReason();
  if (reason) {
    console.log(`bench: next build (${reason}) …`);
    await build(path.join(dir, "build.log"));
  }
  const world = await createWorld(dir);

  console.log("bench: SQLite server (intake, status) …");
  const sqlite = await measureEngine(world, `file:${path.join(dir, "app.db")}`, "sqlite", options, checks);
  console.log("bench: PostgreSQL server (intake, status) …");
  const postgres = await measureEngine(world, await world.postgres.createDatabase("load"), "postgres", options, checks);
  console.log(`bench: delivery of ${options.leads} leads on PostgreSQL, one server then two …`);
  const one = await measureDelivery(world, 1, options, checks);
  const two = await measureDelivery(world, 2, options, checks);

  const results = { date: new Date().toISOString(), options, cores: os.cpus().length, loadAverage: os.loadavg(), sqlite, postgres, delivery: { one, two, speedup: one.seconds / two.seconds }, checks: checks.results };
  fs.writeFileSync(path.join(ROOT, "bench", "engines-results.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`intake / health   SQLite ${formatRatio(sqlite.intake.ratio)}   PostgreSQL ${formatRatio(postgres.intake.ratio)}`);
  console.log(`status / health   SQLite ${formatRatio(sqlite.status.ratio)}   PostgreSQL ${formatRatio(postgres.status.ratio)}`);
  console.log(
    `delivery of ${options.leads} leads on PostgreSQL: one server ${one.seconds.toFixed(1)} s, two servers ${two.seconds.toFixed(1)} s ` +
      `(${(one.seconds / two.seconds).toFixed(2)}× faster; 429s at the fake: ${one.rateLimitedAtFake} and ${two.rateLimitedAtFake})`,
  );
  if (checks.failed.length > 0) console.error(`bench: FAILED: ${checks.failed.map((check) => check.name).join("; ")}`);
  return checks.failed.length === 0 ? 0 : 1;
}

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
main(options).then(
  (code) => void runCleanups().finally(() => process.exit(code)),
  (error: unknown) => {
    console.error(`bench: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    void runCleanups().finally(() => process.exit(1));
  },
);
