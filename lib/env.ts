import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { isCountryCode, type CountryCode } from "@/lib/leads/phone";

/**
 * The only reader of process.env. Parsed once, lazily: `next build` imports this module without any secret set,
 * and the values are checked when the server starts (instrumentation.ts) or on first use.
 */

const GENERATE_KEY = `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`;

const base64Key = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => decodeKey(value) !== null, {
      message: `${name}: must be base64 of exactly 32 random bytes. Generate one with: ${GENERATE_KEY}`,
    });

const optionalUrl = (name: string, what: string) =>
  z
    .string()
    .trim()
    .transform((value) => value.replace(/\/+$/, ""))
    .refine((value) => /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(value) && URL.canParse(value), {
      message: `${name}: must be ${what}, for example https://admin.example.com`,
    })
    .optional();

const TRUSTED_PROXY_HOPS_MESSAGE =
  "TRUSTED_PROXY_HOPS: must be a whole number from 0 to 10: how many reverse proxies in front of the server append the client's address to X-Forwarded-For (0 when clients connect to it directly)";

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const schema = z.object({
  // Unset is development (`npm run dev`, the admin scripts); `next start` sets production. Anything else (staging, a
  // typo) is refused rather than read as development, which would generate keys and relax the CSP on a real server.
  NODE_ENV: z.preprocess(
    blankToUndefined,
    z
      .enum(["development", "production", "test"], {
        error: (issue) =>
          `NODE_ENV: must be production for a server (or development, or test for the test runners), not ${JSON.stringify(String(issue.input).slice(0, 40))}`,
      })
      .default("development"),
  ),
  PORT: z.coerce.number().int().min(1).max(65535).catch(3001),
  APP_URL: z.preprocess(blankToUndefined, optionalUrl("APP_URL", "an http(s) origin with no trailing slash")),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((value) => /^file:.+/.test(value) || isPostgresUrl(value), {
        message: "DATABASE_URL: must be file: followed by a path (file:./data/app.db) or a postgres:// URL (postgres://user:password@host:5432/db)",
      })
      .default("file:./data/app.db"),
  ),
  ENCRYPTION_KEY: z.preprocess(blankToUndefined, base64Key("ENCRYPTION_KEY").optional()),
  ENCRYPTION_KEYS_PREVIOUS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((value) => value.split(",").map((part) => part.trim()).filter(Boolean))
      .refine((keys) => keys.every((key) => decodeKey(key) !== null), {
        message: "ENCRYPTION_KEYS_PREVIOUS: every comma-separated entry must be base64 of exactly 32 bytes",
      })
      .default([]),
  ),
  AUTH_SECRET: z.preprocess(
    blankToUndefined,
    z
      .string()
      .min(32, `AUTH_SECRET: must be at least 32 characters. Generate one with: ${GENERATE_KEY}`)
      .optional(),
  ),
  ADMIN_EMAIL: z.preprocess(
    blankToUndefined,
    z.string().trim().toLowerCase().pipe(z.email("ADMIN_EMAIL: must be an email address")).optional(),
  ),
  ADMIN_PASSWORD: z.preprocess(
    blankToUndefined,
    z.string().min(8, "ADMIN_PASSWORD: must be at least 8 characters").optional(),
  ),
  AMOCRM_OAUTH_URL: z.preprocess(blankToUndefined, optionalUrl("AMOCRM_OAUTH_URL", "an http(s) URL")),
  AMOCRM_API_ORIGIN: z.preprocess(
    blankToUndefined,
    optionalUrl("AMOCRM_API_ORIGIN", "an http(s) origin").refine((value) => value === undefined || new URL(value).pathname === "/", {
      message: "AMOCRM_API_ORIGIN: must be an origin only (scheme, host, port), for example http://127.0.0.1:4010",
    }),
  ),
  AMOCRM_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(86_000).catch(900),
  AMOCRM_KEEPALIVE_DAYS: z.coerce.number().min(0.001).max(80).catch(7),
  LEADS_DEFAULT_COUNTRY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .toUpperCase()
      .refine(isCountryCode, "LEADS_DEFAULT_COUNTRY: must be a supported two-letter country code such as UZ, KZ, RU, KG or TJ")
      .default("UZ"),
  ),
  LEADS_RATE_PER_MINUTE: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: "LEADS_RATE_PER_MINUTE: must be a whole number from 1 to 100000" }).int().min(1).max(100_000).default(120),
  ),
  LEADS_RETENTION_DAYS: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: "LEADS_RETENTION_DAYS: must be a whole number of days from 1 to 3650" }).int().min(1).max(3650).default(30),
  ),
  TRUSTED_PROXY_HOPS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: TRUSTED_PROXY_HOPS_MESSAGE })
      .int(TRUSTED_PROXY_HOPS_MESSAGE)
      .min(0, TRUSTED_PROXY_HOPS_MESSAGE)
      .max(10, TRUSTED_PROXY_HOPS_MESSAGE)
      .default(0),
  ),
  APP_TIME_ZONE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((zone) => isTimeZone(zone), "APP_TIME_ZONE: must be an IANA time zone such as Asia/Tashkent")
      .default("Asia/Tashkent"),
  ),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "TELEGRAM_BOT_TOKEN: must be the token @BotFather gave, digits, a colon and letters (123456:ABC-…)")
      .optional(),
  ),
  TELEGRAM_API_ORIGIN: z.preprocess(
    blankToUndefined,
    optionalUrl("TELEGRAM_API_ORIGIN", "an http(s) origin").default("https://api.telegram.org"),
  ),
  SMTP_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((value) => URL.canParse(value) && ["smtp:", "smtps:"].includes(new URL(value).protocol) && new URL(value).hostname !== "", {
        // The value itself is never echoed: it carries the SMTP password.
        message: "SMTP_URL: must be smtp://user:pass@host:port or smtps://user:pass@host:port (percent-encode special characters)",
      })
      .optional(),
  ),
  ALERT_EMAIL_FROM: z.preprocess(
    blankToUndefined,
    z.string().trim().pipe(z.email("ALERT_EMAIL_FROM: must be an email address, for example alerts@example.uz")).optional(),
  ),
  ALERT_WEBHOOK_ALLOW_PRIVATE: z.preprocess(blankToUndefined, z.enum(["0", "1"], "ALERT_WEBHOOK_ALLOW_PRIVATE: must be 1 or 0").default("0")),
});

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface Env {
  isProduction: boolean;
  /** Only development relaxes anything (generated secrets, the dev server's CSP). */
  isDevelopment: boolean;
  port: number;
  appUrl: string;
  appOrigin: string;
  redirectUri: string;
  disconnectHookUrl: string;
  /** The SQLite file; empty with PostgreSQL. */
  databasePath: string;
  /** Which engine DATABASE_URL names, and how to reach it. The PostgreSQL URL holds a password: never log it. */
  database: { engine: "sqlite"; path: string } | { engine: "postgres"; url: string };
  dataDir: string;
  /** The current key first, then the previous ones (decryption only). */
  encryptionKeys: [EncryptionKey, ...EncryptionKey[]];
  authSecret: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  amocrmOauthUrl: string | undefined;
  amocrmApiOrigin: string | undefined;
  refreshMarginSeconds: number;
  keepaliveDays: number;
  timeZone: string;
  leadsDefaultCountry: CountryCode;
  leadsRatePerMinute: number;
  leadsRetentionDays: number;
  /** How many reverse proxies in front of the server append to X-Forwarded-For (lib/http/client-address.ts). */
  trustedProxyHops: number;
  /** The Telegram bot alerts are sent through; unset turns the Telegram channel off. */
  telegramBotToken: string | undefined;
  telegramApiOrigin: string;
  /** smtp(s)://user:pass@host:port; unset turns the email channel off. */
  smtpUrl: string | undefined;
  alertEmailFrom: string | undefined;
  /** Webhook URLs may resolve to loopback, private or link-local addresses (development, or ALERT_WEBHOOK_ALLOW_PRIVATE=1). */
  alertWebhookAllowPrivate: boolean;
  /** One line per value generated for development, to be printed once at start. */
  warnings: string[];
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join("\n")}`);
    this.name = "EnvError";
  }
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Parses an environment; exported for tests. Development values are generated into the database's folder. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((issue) => issue.message));
  }
  const raw = parsed.data;
  const isProduction = raw.NODE_ENV === "production";
  const isDevelopment = raw.NODE_ENV === "development";
  const problems: string[] = [];
  if (isProduction) {
    if (!raw.APP_URL) problems.push("APP_URL: required in production; the public origin, for example https://admin.example.com");
    else if (!isHttpsOrLocalTrial(raw.APP_URL)) {
      problems.push(
        "APP_URL: must be https in production (session cookies are Secure and HSTS is sent only over https), for example https://admin.example.com; http is allowed only for a local trial on localhost, 127.0.0.1 or [::1]",
      );
    }
  }
  // Secrets are generated into data/ only for development: a test run or a production server names its own.
  if (!isDevelopment) {
    if (!raw.ENCRYPTION_KEY) problems.push(`ENCRYPTION_KEY: required in ${raw.NODE_ENV}. Generate one with: ${GENERATE_KEY}`);
    if (!raw.AUTH_SECRET) problems.push(`AUTH_SECRET: required in ${raw.NODE_ENV}. Generate one with: ${GENERATE_KEY}`);
  }
  if (problems.length > 0) throw new EnvError(problems);

  const postgres = isPostgresUrl(raw.DATABASE_URL);
  const databasePath = postgres ? "" : path.resolve(raw.DATABASE_URL.slice("file:".length));
  // With PostgreSQL, development secrets still go to ./data (production sets them in the environment).
  const dataDir = postgres ? path.resolve("data") : path.dirname(databasePath);
  const warnings: string[] = [];
  const encryptionKey =
    raw.ENCRYPTION_KEY ?? readOrCreateDevSecret(dataDir, "encryption.key", "ENCRYPTION_KEY", warnings);
  const authSecret = raw.AUTH_SECRET ?? readOrCreateDevSecret(dataDir, "auth-secret.key", "AUTH_SECRET", warnings);
  const appUrl = raw.APP_URL ?? `http://localhost:${raw.PORT}`;

  return {
    isProduction,
    isDevelopment,
    port: raw.PORT,
    appUrl,
    appOrigin: new URL(appUrl).origin,
    redirectUri: `${appUrl}/api/amocrm/callback`,
    disconnectHookUrl: `${appUrl}/api/amocrm/disconnect-hook`,
    databasePath,
    database: postgres ? { engine: "postgres", url: raw.DATABASE_URL } : { engine: "sqlite", path: databasePath },
    dataDir,
    encryptionKeys: [toKey(encryptionKey), ...raw.ENCRYPTION_KEYS_PREVIOUS.map(toKey)],
    authSecret,
    adminEmail: raw.ADMIN_EMAIL,
    adminPassword: raw.ADMIN_PASSWORD,
    amocrmOauthUrl: raw.AMOCRM_OAUTH_URL,
    amocrmApiOrigin: raw.AMOCRM_API_ORIGIN,
    refreshMarginSeconds: raw.AMOCRM_REFRESH_MARGIN_SECONDS,
    keepaliveDays: raw.AMOCRM_KEEPALIVE_DAYS,
    timeZone: raw.APP_TIME_ZONE,
    leadsDefaultCountry: raw.LEADS_DEFAULT_COUNTRY as CountryCode,
    leadsRatePerMinute: raw.LEADS_RATE_PER_MINUTE,
    leadsRetentionDays: raw.LEADS_RETENTION_DAYS,
    trustedProxyHops: raw.TRUSTED_PROXY_HOPS,
    telegramBotToken: raw.TELEGRAM_BOT_TOKEN,
    telegramApiOrigin: raw.TELEGRAM_API_ORIGIN,
    smtpUrl: raw.SMTP_URL,
    alertEmailFrom: raw.ALERT_EMAIL_FROM,
    alertWebhookAllowPrivate: raw.NODE_ENV === "development" || raw.ALERT_WEBHOOK_ALLOW_PRIVATE === "1",
    warnings,
  };
}

/** postgres:// or postgresql:// with a host and the database's name (`postgres://x` alone names no database). */
function isPostgresUrl(value: string): boolean {
  if (!/^postgres(ql)?:\/\/.+/.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.hostname !== "" && /^\/[^/]+$/.test(url.pathname);
}

/**
 * The engine DATABASE_URL names, without validating anything else: lib/db picks its tables when it loads, which
 * `next build` does with no configuration at all. getEnv() still checks the whole URL before anything connects.
 */
export function databaseEngine(): "sqlite" | "postgres" {
  return isPostgresUrl(process.env.DATABASE_URL?.trim() ?? "") ? "postgres" : "sqlite";
}

// A local trial of a production build: the only hosts where plain http is allowed in production (the start-up warns).
const LOCAL_TRIAL_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

function isHttpsOrLocalTrial(appUrl: string): boolean {
  const url = new URL(appUrl);
  return url.protocol === "https:" || LOCAL_TRIAL_HOSTS.has(url.hostname);
}

function decodeKey(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(value)) return null;
  const key = Buffer.from(value, "base64");
  return key.length === 32 ? key : null;
}

function toKey(value: string): EncryptionKey {
  const key = decodeKey(value);
  if (!key) throw new EnvError(["ENCRYPTION_KEY: must be base64 of exactly 32 random bytes"]);
  // The id names the key without revealing it: a short tag of a keyed hash, stored beside each ciphertext.
  const id = createHmac("sha256", key).update("amocrm-connect key id").digest("base64url").slice(0, 8);
  return { id, key };
}

/** Development only: a secret generated once into the data folder (mode 0600) so restarts keep sessions and data. */
function readOrCreateDevSecret(dataDir: string, fileName: string, name: string, warnings: string[]): string {
  const file = path.join(dataDir, fileName);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const value = randomBytes(32).toString("base64");
    try {
      fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
    } catch {
      // Another process created it between our read and write: theirs wins.
      return fs.readFileSync(file, "utf8").trim();
    }
    warnings.push(`${name} is not set: generated one for development into ${path.relative(process.cwd(), file) || file}`);
    return value;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
