import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

const key = Buffer.alloc(32, 7).toString("base64");
const tempDb = () => `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "env-")), "app.db")}`;

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseEnv(env);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
}

describe("development defaults", () => {
  it("runs with no env at all: port 3001, localhost URL, generated secrets kept in the data folder with mode 0600", () => {
    const databaseUrl = tempDb();
    const env = parseEnv({ NODE_ENV: "development", DATABASE_URL: databaseUrl });
    expect(env.port).toBe(3001);
    expect(env.appUrl).toBe("http://localhost:3001");
    expect(env.redirectUri).toBe("http://localhost:3001/api/amocrm/callback");
    expect(env.warnings).toHaveLength(2);
    const keyFile = path.join(env.dataDir, "encryption.key");
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64")).toHaveLength(32);

    const again = parseEnv({ NODE_ENV: "development", DATABASE_URL: databaseUrl });
    expect(again.warnings).toHaveLength(0);
    expect(again.authSecret).toBe(env.authSecret);
    expect(again.encryptionKeys[0].id).toBe(env.encryptionKeys[0].id);
  });

  it("defaults the database to ./data/app.db", () => {
    const env = parseEnv({ NODE_ENV: "test", ENCRYPTION_KEY: key, AUTH_SECRET: "x".repeat(40) });
    expect(env.databasePath).toBe(path.resolve("data/app.db"));
  });

  it("builds the Redirect URI from APP_URL without a trailing slash", () => {
    const env = parseEnv({ APP_URL: "https://admin.example.com/", ENCRYPTION_KEY: key, AUTH_SECRET: "x".repeat(40), DATABASE_URL: tempDb() });
    expect(env.redirectUri).toBe("https://admin.example.com/api/amocrm/callback");
    expect(env.appOrigin).toBe("https://admin.example.com");
  });
});

describe("production", () => {
  const good = { NODE_ENV: "production", APP_URL: "https://admin.example.com", ENCRYPTION_KEY: key, AUTH_SECRET: "s".repeat(44) };

  it("accepts a complete configuration", () => {
    expect(problemsOf({ ...good, DATABASE_URL: tempDb() })).toEqual([]);
  });

  it("names every missing required variable on its own line, with how to make one", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems).toHaveLength(3);
    expect(problems.find((line) => line.startsWith("APP_URL:"))).toBeTruthy();
    expect(problems.find((line) => line.startsWith("ENCRYPTION_KEY:"))).toContain("randomBytes(32)");
    expect(problems.find((line) => line.startsWith("AUTH_SECRET:"))).toBeTruthy();
  });

  it("refuses a 16-byte encryption key", () => {
    const problems = problemsOf({ ...good, ENCRYPTION_KEY: Buffer.alloc(16, 1).toString("base64") });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ENCRYPTION_KEY: must be base64 of exactly 32/);
  });

  it("refuses malformed URLs, origins, previous keys and database URLs", () => {
    expect(problemsOf({ ...good, APP_URL: "admin.example.com" })[0]).toMatch(/^APP_URL:/);
    expect(problemsOf({ ...good, AMOCRM_API_ORIGIN: "http://127.0.0.1:4010/path" })[0]).toMatch(/^AMOCRM_API_ORIGIN:/);
    expect(problemsOf({ ...good, ENCRYPTION_KEYS_PREVIOUS: `${key},short` })[0]).toMatch(/^ENCRYPTION_KEYS_PREVIOUS:/);
    expect(problemsOf({ ...good, DATABASE_URL: "postgres://x" })[0]).toMatch(/^DATABASE_URL:/);
  });

  it("gives every key an id that does not reveal it, current key first", () => {
    const previous = Buffer.alloc(32, 9).toString("base64");
    const env = parseEnv({ ...good, DATABASE_URL: tempDb(), ENCRYPTION_KEYS_PREVIOUS: previous });
    expect(env.encryptionKeys.map((k) => k.key.toString("base64"))).toEqual([key, previous]);
    expect(env.encryptionKeys[0].id).not.toBe(env.encryptionKeys[1]?.id);
    expect(key).not.toContain(env.encryptionKeys[0].id);
  });
});

describe("NODE_ENV and APP_URL (issue 14 item 9)", () => {
  const good = { NODE_ENV: "production", APP_URL: "https://admin.example.com", ENCRYPTION_KEY: key, AUTH_SECRET: "s".repeat(44) };

  it("refuses an unknown NODE_ENV instead of reading it as development", () => {
    for (const nodeEnv of ["staging", "prod", "Production"]) {
      const problems = problemsOf({ ...good, NODE_ENV: nodeEnv, DATABASE_URL: tempDb() });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^NODE_ENV: must be production/);
    }
  });

  it("generates secrets only in development: a test run names its own, and nothing is written into data/", () => {
    const databaseUrl = tempDb();
    const problems = problemsOf({ NODE_ENV: "test", DATABASE_URL: databaseUrl });
    expect(problems.map((line) => line.split(":")[0])).toEqual(["ENCRYPTION_KEY", "AUTH_SECRET"]);
    expect(fs.existsSync(path.dirname(databaseUrl.slice("file:".length)) + "/encryption.key")).toBe(false);
    expect(parseEnv({ NODE_ENV: "test", DATABASE_URL: databaseUrl, ENCRYPTION_KEY: key, AUTH_SECRET: "x".repeat(40) }).isDevelopment).toBe(false);
    expect(parseEnv({ DATABASE_URL: databaseUrl }).isDevelopment).toBe(true);
  });

  it("requires an https APP_URL in production", () => {
    for (const appUrl of ["http://admin.example.com", "http://203.0.113.7:3001", "http://127.0.0.2:3001", "http://admin.localhost"]) {
      const problems = problemsOf({ ...good, APP_URL: appUrl, DATABASE_URL: tempDb() });
      expect([appUrl, problems]).toEqual([appUrl, [expect.stringMatching(/^APP_URL: must be https in production/)]]);
    }
  });

  it("allows http on localhost, 127.0.0.1 and [::1] in production: a local trial", () => {
    for (const appUrl of ["http://localhost:3001", "http://127.0.0.1:3101", "http://[::1]:3001"]) {
      expect([appUrl, problemsOf({ ...good, APP_URL: appUrl, DATABASE_URL: tempDb() })]).toEqual([appUrl, []]);
    }
  });
});

describe("production start", () => {
  it("exits non-zero naming ENCRYPTION_KEY when it is missing or 16 bytes", () => {
    for (const encryptionKey of [undefined, Buffer.alloc(16, 1).toString("base64")]) {
      const result = spawnSync(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", "-e", "import('./lib/startup.ts').then((m) => (m.startServer ?? m.default.startServer)())"],
        {
          env: {
            PATH: process.env.PATH,
            NODE_ENV: "production",
            APP_URL: "https://admin.example.com",
            AUTH_SECRET: "s".repeat(44),
            DATABASE_URL: tempDb(),
            ...(encryptionKey ? { ENCRYPTION_KEY: encryptionKey } : {}),
          },
          encoding: "utf8",
          timeout: 30_000,
        },
      );
      expect(result.status, result.stderr).not.toBe(0);
      expect(result.stderr).toMatch(/\[config\] ENCRYPTION_KEY: /);
    }
  });

  it("exits non-zero naming NODE_ENV when it is not a known one, and APP_URL when production has plain http", () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ NODE_ENV: "staging", APP_URL: "https://admin.example.com" }, /\[config\] NODE_ENV: /],
      [{ NODE_ENV: "production", APP_URL: "http://admin.example.com" }, /\[config\] APP_URL: must be https/],
    ];
    for (const [variables, line] of cases) {
      const result = spawnSync(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", "-e", "import('./lib/startup.ts').then((m) => (m.startServer ?? m.default.startServer)())"],
        {
          // NODE_ENV is typed as the three known values; this test sends an unknown one on purpose.
          env: { PATH: process.env.PATH, ...variables, ENCRYPTION_KEY: key, AUTH_SECRET: "s".repeat(44), DATABASE_URL: tempDb() } as unknown as NodeJS.ProcessEnv,
          encoding: "utf8",
          timeout: 30_000,
        },
      );
      expect(result.status, result.stderr).not.toBe(0);
      expect(result.stderr).toMatch(line);
    }
  });
});

/** A production environment with nothing optional set. */
const productionBase = () => ({
  NODE_ENV: "production",
  APP_URL: "https://admin.example.uz",
  ENCRYPTION_KEY: key,
  AUTH_SECRET: "x".repeat(40),
  DATABASE_URL: tempDb(),
});

describe("alert configuration", () => {
  it("refuses private webhook addresses in production unless ALERT_WEBHOOK_ALLOW_PRIVATE=1, allows them in development", () => {
    expect(parseEnv(productionBase()).alertWebhookAllowPrivate).toBe(false);
    expect(parseEnv({ ...productionBase(), ALERT_WEBHOOK_ALLOW_PRIVATE: "1" }).alertWebhookAllowPrivate).toBe(true);
    expect(parseEnv({ ...productionBase(), NODE_ENV: "development" }).alertWebhookAllowPrivate).toBe(true);
    expect(problemsOf({ ...productionBase(), ALERT_WEBHOOK_ALLOW_PRIVATE: "yes" })).toEqual(["ALERT_WEBHOOK_ALLOW_PRIVATE: must be 1 or 0"]);
  });

  it("channels are off until configured, and the Telegram origin defaults to api.telegram.org", () => {
    const env = parseEnv(productionBase());
    expect(env).toMatchObject({ telegramBotToken: undefined, telegramApiOrigin: "https://api.telegram.org", smtpUrl: undefined, alertEmailFrom: undefined });
  });

  it("a malformed bot token or SMTP URL names the variable and never echoes the value", () => {
    const problems = problemsOf({ ...productionBase(), TELEGRAM_BOT_TOKEN: "secret-but-wrong", SMTP_URL: "http://user:hunter2-secret@mail.example.uz" });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^TELEGRAM_BOT_TOKEN: /);
    expect(problems[1]).toMatch(/^SMTP_URL: /);
    expect(problems.join("\n")).not.toContain("secret-but-wrong");
    expect(problems.join("\n")).not.toContain("hunter2-secret");
  });
});
