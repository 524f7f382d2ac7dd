import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

/**
 * Browser tests against a production build (`next build` first), served by `next start` with a throw-away
 * database, next to the project's fake amoCRM. Values are put into process.env once, in the runner, so the
 * worker processes (which load this file again) inherit the same ones.
 */
function once(name: string, make: () => string): string {
  process.env[name] ??= make();
  return process.env[name];
}

// E2E_PORT_OFFSET moves all three ports, so two checkouts on one machine can run the suite side by side.
const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
const APP_PORT = 3101 + PORT_OFFSET;
const SETUP_APP_PORT = 3102 + PORT_OFFSET;
const FAKE_PORT = 4110 + PORT_OFFSET;
// A thousand apart, so no offset a checkout uses (0, 100, 120, ...) moves one onto another's: at 100 apart, the fake
// Telegram at offset 100 took the SMTP sink's port of offset 0.
const FAKE_TELEGRAM_PORT = 5610 + PORT_OFFSET;
const SMTP_SINK_PORT = 6610 + PORT_OFFSET;
const SMTP_SINK_CONTROL_PORT = 7610 + PORT_OFFSET;
const runDir = once("E2E_RUN_DIR", () => {
  const dir = path.resolve("tests/.artifacts", `run-${Date.now()}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
});
const randomKey = () => randomBytes(32).toString("base64");

export const e2e = {
  appUrl: `http://127.0.0.1:${APP_PORT}`,
  setupAppUrl: `http://127.0.0.1:${SETUP_APP_PORT}`,
  fakeUrl: `http://127.0.0.1:${FAKE_PORT}`,
  fakeTelegramUrl: `http://127.0.0.1:${FAKE_TELEGRAM_PORT}`,
  smtpSinkControlUrl: `http://127.0.0.1:${SMTP_SINK_CONTROL_PORT}`,
  /** The SMTP password of this run only, for the leak scan to search for. */
  smtpPassword: once("E2E_SMTP_PASSWORD", () => `smtp-${randomBytes(18).toString("hex")}`),
  /** A bot token of this run only, for the leak scan to search for. */
  telegramBotToken: once("E2E_TELEGRAM_BOT_TOKEN", () => `${600000000 + Math.floor(Math.random() * 99999999)}:AA${randomBytes(24).toString("base64url")}`),
  runDir,
  serverLog: path.join(runDir, "server.log"),
  setupServerLog: path.join(runDir, "setup-server.log"),
  // The second server runs in production with its output on a pipe: it writes the setup link here (its data folder).
  setupLinkFile: path.join(runDir, "setup-link.txt"),
  databasePath: path.join(runDir, "app.db"),
  setupDatabasePath: path.join(runDir, "setup.db"),
  adminEmail: "admin@example.com",
  adminPassword: once("E2E_ADMIN_PASSWORD", () => `pw-${randomBytes(12).toString("hex")}`),
  authSecret: once("E2E_AUTH_SECRET", () => randomBytes(32).toString("base64url")),
  encryptionKey: once("E2E_ENCRYPTION_KEY", randomKey),
  clientId: "2912780f-a1e4-4d5d-a069-ee01422d8bef",
  clientSecret: once("E2E_CLIENT_SECRET", () => randomBytes(48).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 64).padEnd(64, "x")),
};

const LEAK_SCAN = /leak-scan\.spec\.ts$/;

const serverEnv = {
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  ENCRYPTION_KEY: e2e.encryptionKey,
  AUTH_SECRET: e2e.authSecret,
  AMOCRM_OAUTH_URL: `${e2e.fakeUrl}/oauth`,
  AMOCRM_API_ORIGIN: e2e.fakeUrl,
  // Alerts: the fake Telegram, and webhooks to this machine's test receivers (loopback is refused otherwise).
  TELEGRAM_BOT_TOKEN: e2e.telegramBotToken,
  TELEGRAM_API_ORIGIN: e2e.fakeTelegramUrl,
  ALERT_WEBHOOK_ALLOW_PRIVATE: "1",
  SMTP_URL: `smtp://alerts:${e2e.smtpPassword}@127.0.0.1:${SMTP_SINK_PORT}`,
  ALERT_EMAIL_FROM: "alerts@example.uz",
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: path.join(runDir, "results"),
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: e2e.appUrl,
    trace: "retain-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // Everything but the leak scan, in file order, one worker.
    { name: "main", testIgnore: LEAK_SCAN },
    // Searches what every other test made the server say, so it must run after all of them: a dependency says so
    // whatever the files are called, and a failed main project skips it instead of scanning a partial run.
    { name: "leak-scan", testMatch: LEAK_SCAN, dependencies: ["main"] },
  ],
  webServer: [
    {
      command: "node_modules/.bin/tsx tests/fake-amocrm/cli.ts",
      url: `${e2e.fakeUrl}/__control/health`,
      reuseExistingServer: false,
      env: {
        FAKE_AMOCRM_PORT: String(FAKE_PORT),
        FAKE_AMOCRM_HOST: "127.0.0.1",
        FAKE_AMOCRM_CLIENT_ID: e2e.clientId,
        FAKE_AMOCRM_CLIENT_SECRET: e2e.clientSecret,
        FAKE_AMOCRM_REDIRECT_URI: `${e2e.appUrl}/api/amocrm/callback`,
        FAKE_AMOCRM_QUIET: "1",
      },
    },
    {
      command: "node_modules/.bin/tsx tests/fake-telegram/cli.ts",
      url: `${e2e.fakeTelegramUrl}/__control/health`,
      reuseExistingServer: false,
      env: { FAKE_TELEGRAM_PORT: String(FAKE_TELEGRAM_PORT), FAKE_TELEGRAM_HOST: "127.0.0.1", FAKE_TELEGRAM_TOKEN: e2e.telegramBotToken, FAKE_TELEGRAM_QUIET: "1" },
    },
    {
      command: "node_modules/.bin/tsx tests/smtp-sink/cli.ts",
      url: `${e2e.smtpSinkControlUrl}/__control/health`,
      reuseExistingServer: false,
      env: { SMTP_SINK_PORT: String(SMTP_SINK_PORT), SMTP_SINK_CONTROL_PORT: String(SMTP_SINK_CONTROL_PORT), SMTP_SINK_USER: "alerts", SMTP_SINK_PASSWORD: e2e.smtpPassword },
    },
    {
      command: `node tests/e2e/serve.mjs ${APP_PORT} ${e2e.serverLog}`,
      url: `${e2e.appUrl}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...serverEnv,
        APP_URL: e2e.appUrl,
        DATABASE_URL: `file:${e2e.databasePath}`,
        // The hostile-body test sends over a thousand posts with one key; the limit itself is proven on the
        // second server.
        LEADS_RATE_PER_MINUTE: "100000",
        ADMIN_EMAIL: e2e.adminEmail,
        ADMIN_PASSWORD: e2e.adminPassword,
      },
    },
    {
      // A second server with no admin yet, for the one-time setup link.
      command: `node tests/e2e/serve.mjs ${SETUP_APP_PORT} ${e2e.setupServerLog}`,
      url: `${e2e.setupAppUrl}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...serverEnv,
        APP_URL: e2e.setupAppUrl,
        DATABASE_URL: `file:${e2e.setupDatabasePath}`,
        LEADS_RATE_PER_MINUTE: "3",
      },
    },
  ],
});
