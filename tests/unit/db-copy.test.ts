// `npm run db:copy`: a SQLite installation moved into PostgreSQL, every row, secrets still encrypted and readable
// with the same key, row counts verified, and a target that already holds data refused.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestPostgres, type TestPostgres } from "../postgres-server";
import { setupTempEnv } from "./helpers/test-env";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

let postgres: TestPostgres;
let sqliteUrl: string;
let target: string;
const utm = { source: null, medium: null, campaign: null, content: null, term: null };

beforeAll(async () => {
  postgres = await startTestPostgres();
  target = await postgres.createDatabase("copy_target");
  const { databasePath } = setupTempEnv();
  sqliteUrl = `file:${databasePath}`;
  vi.resetModules();
  // An installation with an admin, a session, a connection holding secrets, leads and events.
  const { createAdmin } = await import("@/lib/db/admins");
  const { createAdminSession } = await import("@/lib/db/admin-sessions");
  const { updateConnection } = await import("@/lib/db/connection");
  const { acceptLead } = await import("@/lib/db/leads");
  const { createApiKey } = await import("@/lib/db/api-keys");
  const admin = await createAdmin({ email: "a@example.com", passwordHash: "hash" });
  await createAdminSession({ adminId: admin.id });
  await updateConnection(() => ({
    fields: { platform: "amocrm.ru", clientId: "client-id", updatedAt: new Date("2026-12-01T10:00:00.123Z"), lastCheckOk: true },
    secrets: { clientSecret: "the-client-secret", accessToken: "the-access-token", refreshToken: "the-refresh-token" },
    bumpGeneration: true,
    event: { type: "configured", actor: "admin", actorEmail: "a@example.com", at: new Date() },
  }));
  const { apiKey } = await createApiKey({ name: "site", createdBy: "a@example.com" });
  for (let index = 0; index < 600; index += 1) {
    await acceptLead({
      id: `lead-${index}`,
      apiKeyId: apiKey.id,
      lead: { name: `Person ${index}`, phone: "+998901234567", email: null, message: "hello", source: "form", pageUrl: null, utm },
      idempotency: index % 2 ? { key: `key-${index}`, requestHash: "h" } : null,
      answer: () => ({ status: 202, body: "{}" }),
      now: new Date(Date.UTC(2026, 11, 1) + index),
    });
  }
  // Alerts: a webhook with its sealed secret, a bound Telegram chat, a queued delivery and a channel's health.
  const { saveWebhook } = await import("@/lib/db/alert-settings");
  const { bindTelegramChat } = await import("@/lib/db/telegram-chats");
  const { enqueueAlertEvent } = await import("@/lib/db/alert-deliveries");
  const { recordChannelFailure } = await import("@/lib/db/alert-channel-health");
  await saveWebhook({ url: "https://hooks.example.com/alerts", secret: "the-webhook-secret", locale: "en", updatedBy: "a@example.com" });
  await bindTelegramChat({ chatId: "-100200", label: "Ops" });
  expect(await enqueueAlertEvent({ kind: "lead_dead", at: new Date("2026-12-01T11:00:00.000Z"), count: 1, detail: { count: 1 } })).toBe(1);
  await recordChannelFailure({ channel: "email", code: "smtp_refused", now: new Date("2026-12-01T11:00:00.000Z") });
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
}, 120_000);

afterAll(async () => {
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  await postgres?.stop();
});

function copy(to: string) {
  return run(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/db-copy.ts", "--from", sqliteUrl, "--to", to], { cwd: ROOT, env: process.env });
}

describe("db:copy", () => {
  it("copies every table with verified counts, and the app on PostgreSQL reads the same data and secrets", async () => {
    const { stdout } = await copy(target);
    expect(stdout).toMatch(/^leads\s+600$/m);
    expect(stdout).toMatch(/^idempotency_keys\s+300$/m);
    expect(stdout).toMatch(/^admins\s+1$/m);
    expect(stdout).toMatch(/^alert_settings\s+1$/m);
    expect(stdout).toMatch(/^telegram_chats\s+1$/m);
    expect(stdout).toMatch(/^alert_deliveries\s+1$/m);
    expect(stdout).toMatch(/^alert_channel_health\s+1$/m);
    expect(stdout).not.toContain("the-webhook-secret");
    expect(stdout).toMatch(/every count matches the source/);
    expect(stdout).not.toContain("test-only-password");

    process.env.DATABASE_URL = target;
    vi.resetModules();
    const { getEngine } = await import("@/lib/db/client");
    const { findAdminByEmail, createAdmin } = await import("@/lib/db/admins");
    const { getConnection, readSecrets } = await import("@/lib/db/connection");
    const { findLead, openLeadData, countLeadsByStatus } = await import("@/lib/db/leads");
    expect(getEngine()).toBe("postgres");
    expect(await findAdminByEmail("a@example.com")).toMatchObject({ email: "a@example.com", passwordHash: "hash" });
    const connection = await getConnection();
    expect(connection).toMatchObject({ clientId: "client-id", generation: 1, lastCheckOk: true, updatedAt: new Date("2026-12-01T10:00:00.123Z") });
    expect(connection?.accessTokenEnc).not.toContain("the-access-token");
    expect(readSecrets(connection!)).toEqual({ clientSecret: "the-client-secret", accessToken: "the-access-token", refreshToken: "the-refresh-token" });
    expect(openLeadData((await findLead("lead-7"))!)?.name).toBe("Person 7");
    expect((await countLeadsByStatus()).queued).toBe(600);
    // Generated ids continue after the copied ones.
    expect((await createAdmin({ email: "b@example.com", passwordHash: "h" })).id).toBe(2);
    // The alerts came along: the webhook secret opens with the same key, and a new delivery gets the next id.
    const { getWebhookTarget } = await import("@/lib/db/alert-settings");
    const { listTelegramChats } = await import("@/lib/db/telegram-chats");
    const { listAlertDeliveries } = await import("@/lib/db/alert-deliveries");
    const { listChannelHealth } = await import("@/lib/db/alert-channel-health");
    expect(await getWebhookTarget()).toEqual({ url: "https://hooks.example.com/alerts", secret: "the-webhook-secret" });
    expect((await listTelegramChats()).map((chat) => chat.chatId)).toEqual(["-100200"]);
    expect(await listChannelHealth()).toMatchObject([{ channel: "email", consecutiveFailures: 1, lastErrorCode: "smtp_refused" }]);
    const { writeTransaction } = await import("@/lib/db/transaction");
    const { alertDeliveries } = await import("@/lib/db/tables");
    const at = new Date("2026-12-01T12:00:00.000Z");
    await writeTransaction((tx) => tx.insert(alertDeliveries).values({ channel: "webhook", kind: "lead_dead", firstAt: at, lastAt: at, nextAttemptAt: at, createdAt: at }));
    expect((await listAlertDeliveries()).map((row) => [row.id, row.kind, row.detail])).toEqual([
      [2, "lead_dead", {}],
      [1, "lead_dead", { count: 1 }],
    ]);
  }, 120_000);

  it("refuses a target that already holds data, and says which table", async () => {
    await expect(copy(target)).rejects.toMatchObject({ stderr: expect.stringMatching(/target is not empty: table \w+ has \d+ row/) });
  }, 60_000);
});
