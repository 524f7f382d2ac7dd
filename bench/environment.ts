// The run's throw-away world: a temp dir for the database and logs, the fake amoCRM on 127.0.0.1, and the
// environment the app reads (lib/env.ts) in this process, its child processes and `next start`. It must be in place
// before any app module is imported. Imports no app code.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startFakeAmo, type FakeAmo } from "../tests/fake-amocrm/server";
import { FakeHandlingTimer } from "./fake-timing";
import { assertLoopback, freeLoopbackPort, onCleanup } from "./harness";

export const CLIENT_ID = "2912780f-a1e4-4d5d-a069-ee01422d8bef";
export const ADMIN_EMAIL = "bench-admin@example.com";

export interface BenchEnv {
  dir: string;
  appUrl: string;
  appPort: number;
  adminPassword: string;
  clientSecret: string;
  fake: FakeAmo;
  fakeTimer: FakeHandlingTimer;
  /** The variables the app reads; also given to `next start` and child processes. */
  vars: Record<string, string>;
  serverLog: string;
}

const base64Key = () => randomBytes(32).toString("base64");

/** 64 characters of [A-Za-z0-9], the usual Client Secret shape. */
function clientSecret(): string {
  return randomBytes(96).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 64).padEnd(64, "x");
}

/** `dir` is the run's temp dir (removed by the caller's clean-up); the database and the server log go there. */
export async function createBenchEnv(dir: string): Promise<BenchEnv> {
  const appPort = await freeLoopbackPort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const secret = clientSecret();
  const fake = await startFakeAmo({
    port: 0,
    host: "127.0.0.1",
    quiet: true,
    clientId: CLIENT_ID,
    clientSecret: secret,
    redirectUri: `${appUrl}/api/amocrm/callback`,
  });
  onCleanup(() => fake.close());
  assertLoopback(fake.url);
  const fakeTimer = new FakeHandlingTimer(fake.port);
  onCleanup(() => fakeTimer.close());

  const adminPassword = `bench-${randomBytes(12).toString("hex")}`;
  const vars: Record<string, string> = {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    APP_URL: appUrl,
    PORT: String(appPort),
    DATABASE_URL: `file:${path.join(dir, "app.db")}`,
    ENCRYPTION_KEY: base64Key(),
    AUTH_SECRET: base64Key(),
    ADMIN_EMAIL,
    ADMIN_PASSWORD: adminPassword,
    AMOCRM_OAUTH_URL: `${fake.url}/oauth`,
    AMOCRM_API_ORIGIN: fake.url,
    AMOCRM_REFRESH_MARGIN_SECONDS: "900",
    AMOCRM_KEEPALIVE_DAYS: "7",
  };
  Object.assign(process.env, vars);
  return { dir, appUrl, appPort, adminPassword, clientSecret: secret, fake, fakeTimer, vars, serverLog: path.join(dir, "server.log") };
}
