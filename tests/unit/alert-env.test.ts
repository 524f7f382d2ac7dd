import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

const key = Buffer.alloc(32, 7).toString("base64");
const base = () => ({
  NODE_ENV: "production",
  APP_URL: "https://admin.example.uz",
  ENCRYPTION_KEY: key,
  AUTH_SECRET: "x".repeat(40),
  DATABASE_URL: `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "alert-env-")), "app.db")}`,
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseEnv(env);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
}

describe("alert configuration", () => {
  it("refuses private webhook addresses in production unless ALERT_WEBHOOK_ALLOW_PRIVATE=1, allows them in development", () => {
    expect(parseEnv(base()).alertWebhookAllowPrivate).toBe(false);
    expect(parseEnv({ ...base(), ALERT_WEBHOOK_ALLOW_PRIVATE: "1" }).alertWebhookAllowPrivate).toBe(true);
    expect(parseEnv({ ...base(), NODE_ENV: "development" }).alertWebhookAllowPrivate).toBe(true);
    expect(problemsOf({ ...base(), ALERT_WEBHOOK_ALLOW_PRIVATE: "yes" })).toEqual(["ALERT_WEBHOOK_ALLOW_PRIVATE: must be 1 or 0"]);
  });

  it("channels are off until configured, and the Telegram origin defaults to api.telegram.org", () => {
    const env = parseEnv(base());
    expect(env).toMatchObject({ telegramBotToken: undefined, telegramApiOrigin: "https://api.telegram.org", smtpUrl: undefined, alertEmailFrom: undefined });
  });

  it("a malformed bot token or SMTP URL names the variable and never echoes the value", () => {
    const problems = problemsOf({ ...base(), TELEGRAM_BOT_TOKEN: "secret-but-wrong", SMTP_URL: "http://user:hunter2-secret@mail.example.uz" });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^TELEGRAM_BOT_TOKEN: /);
    expect(problems[1]).toMatch(/^SMTP_URL: /);
    expect(problems.join("\n")).not.toContain("secret-but-wrong");
    expect(problems.join("\n")).not.toContain("hunter2-secret");
  });
});
