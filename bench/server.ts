// The production server under test: `next build` when the build is missing or older than the sources, then
// `node_modules/.bin/next start` on 127.0.0.1 with the bench's environment, and an admin session through Auth.js.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BenchError, onCleanup, sleep, waitFor } from "./harness";
import { findProcessByCommand, ROOT, stopProcess } from "./processes";

// What `next build` compiles: a change to any of these makes the build stale.
const SOURCE_DIRS = ["app", "components", "lib", "messages", "public"];
const SOURCE_FILES = [
  "next.config.ts",
  "proxy.ts",
  "auth.ts",
  "instrumentation.ts",
  "global.d.ts",
  "tsconfig.json",
  "postcss.config.mjs",
  "package.json",
  "package-lock.json",
];
const BUILD_ID = path.join(ROOT, ".next", "BUILD_ID");
// The environment before the bench set the app's variables: `next build` needs none of them.
const BUILD_ENV: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function newestMtime(entry: string, depth = 0): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  if (depth > 12) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name), depth + 1));
  return newest;
}

/** Why a build is needed, or null when .next/BUILD_ID is newer than every source file. */
export function staleBuildReason(): string | null {
  if (!fs.existsSync(BUILD_ID)) return ".next/BUILD_ID is missing";
  const builtAt = fs.statSync(BUILD_ID).mtimeMs;
  const sources = [...SOURCE_DIRS, ...SOURCE_FILES].map((name) => path.join(ROOT, name));
  const changed = sources.find((source) => newestMtime(source) > builtAt);
  return changed ? `${path.relative(ROOT, changed)} changed after the last build` : null;
}

function runBuild(logFile: string): Promise<number | null> {
  const log = fs.openSync(logFile, "w");
  const child = spawn(path.join(ROOT, "node_modules/.bin/next"), ["build"], {
    cwd: ROOT,
    env: BUILD_ENV,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  onCleanup(() => stopProcess(child));
  return new Promise((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
}

const BUILD_LOCKED = "Another next build process is already running";
const BUILD_LOCK_WAIT_MS = 5000;
const BUILD_LOCK_ATTEMPTS = 24;

/**
 * `next build`, its output kept in `logFile` and shown only when it fails. Someone else's build of this checkout
 * holds Next's lock for a while: wait for it (up to two minutes) rather than fail.
 */
export async function build(logFile: string): Promise<number> {
  const startedAt = performance.now();
  for (let attempt = 1; ; attempt++) {
    const code = await runBuild(logFile);
    if (code === 0) return (performance.now() - startedAt) / 1000;
    const output = fs.readFileSync(logFile, "utf8");
    if (output.includes(BUILD_LOCKED) && attempt < BUILD_LOCK_ATTEMPTS) {
      if (attempt === 1) console.log("bench: another next build is running; waiting for it …");
      await sleep(BUILD_LOCK_WAIT_MS);
      continue;
    }
    const tail = output.split("\n").slice(-30).join("\n");
    throw new BenchError(`next build failed (exit ${code}):\n${tail}`);
  }
}

export interface RunningServer {
  url: string;
  /** The next-server process (whose memory is measured). */
  pid: number;
  stop(): Promise<void>;
}

function logTail(logFile: string): string {
  try {
    return fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "";
  }
}

/**
 * `next start -p <port> -H 127.0.0.1` in its own process group, output to `logFile`; resolves once GET /api/health
 * answers 200. The env has the bench's variables (lib/env reads them at start).
 */
export async function startServer({
  port,
  env,
  logFile,
}: {
  port: number;
  env: Record<string, string>;
  logFile: string;
}): Promise<RunningServer> {
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, "a");
  const child = spawn(path.join(ROOT, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
    detached: true,
  });
  fs.closeSync(log);
  const stop = () => stopProcess(child, { group: true });
  onCleanup(stop);
  const rootPid = child.pid;
  if (rootPid === undefined) throw new BenchError("next start did not start");

  let lastStatus = "no answer";
  await waitFor(
    "GET /api/health to answer 200",
    async () => {
      if (child.exitCode !== null) throw new BenchError(`next start exited with ${child.exitCode}:\n${logTail(logFile)}`);
      try {
        const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
        lastStatus = String(response.status);
        await response.arrayBuffer();
        return response.status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    60_000,
    200,
  ).catch((error: unknown) => {
    throw new BenchError(`${error instanceof Error ? error.message : String(error)} (last answer: ${lastStatus}); server log:\n${logTail(logFile)}`);
  });

  // `next start` names its process "next-server (v…)"; it may be the spawned process itself or a child of it.
  const pid = findProcessByCommand(rootPid, "next-server") ?? rootPid;
  return { url, pid, stop };
}

/**
 * The response's cookies as a browser keeps them: by name, the last Set-Cookie wins. (The proxy and the Auth.js
 * route each set a CSRF cookie on /api/auth/csrf; sending both would fail the check.)
 */
function cookieJar(response: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";")[0] ?? "";
    const equals = pair.indexOf("=");
    if (equals > 0) jar.set(pair.slice(0, equals).trim(), pair.slice(equals + 1));
  }
  return jar;
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

/**
 * Signs in as the admin through Auth.js's own endpoints (GET /api/auth/csrf, POST /api/auth/callback/credentials,
 * form-encoded) and returns the Cookie header carrying the session.
 */
export async function signIn({ url, email, password }: { url: string; email: string; password: string }): Promise<string> {
  const csrfResponse = await fetch(`${url}/api/auth/csrf`, { signal: AbortSignal.timeout(10_000) });
  if (csrfResponse.status !== 200) throw new BenchError(`sign-in: GET /api/auth/csrf answered ${csrfResponse.status}`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken?: unknown };
  if (typeof csrfToken !== "string") throw new BenchError("sign-in: no csrfToken in /api/auth/csrf");
  const csrfCookies = cookieJar(csrfResponse);

  const response = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(csrfCookies), origin: url },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${url}/status` }),
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  await response.arrayBuffer();
  // A long session may be split into authjs.session-token.0, .1, ...
  const session = new Map([...cookieJar(response)].filter(([name]) => name.startsWith("authjs.session-token")));
  if (session.size === 0) {
    throw new BenchError(`sign-in: no session cookie (status ${response.status}, location ${response.headers.get("location") ?? "-"})`);
  }
  return cookieHeader(session);
}
