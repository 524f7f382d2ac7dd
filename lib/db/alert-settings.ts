import "server-only";
import { eq } from "drizzle-orm";
import { isLocale, type Locale } from "@/lib/i18n/locales";
import { firstRow, getDb, type Db, type Tx } from "./client";
import { openSecret, sealSecret } from "./secret-columns";
import { alertSettings } from "./tables";
import { writeStatement } from "./transaction";

/** Where alerts go (/settings/alerts): one row. The webhook secret is sealed; only whether one is saved leaves here. */

const SETTINGS_ID = 1;
export const EMAIL_RECIPIENTS_MAX = 20;
const slot = { table: "alert_settings" as const, column: "webhook_secret_enc" as const, rowId: SETTINGS_ID };

export interface AlertSettings {
  locale: Locale;
  webhookUrl: string | null;
  hasWebhookSecret: boolean;
  emailRecipients: string[];
  telegramCodePending: boolean;
  telegramCodeExpiresAt: Date | null;
  telegramUpdateOffset: number;
  updatedAt: Date | null;
}

function parseList(value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}

async function settingsRow(db: Db | Tx) {
  return firstRow(await db.select().from(alertSettings).where(eq(alertSettings.id, SETTINGS_ID)));
}

export async function readAlertSettings(db: Db | Tx = getDb(), now = new Date()): Promise<AlertSettings> {
  const row = await settingsRow(db);
  return {
    locale: isLocale(row?.locale) ? row.locale : "uz",
    webhookUrl: row?.webhookUrl ?? null,
    hasWebhookSecret: Boolean(row?.webhookSecretEnc),
    emailRecipients: row ? parseList(row.emailRecipients) : [],
    telegramCodePending: Boolean(row?.telegramCodeHash && row.telegramCodeExpiresAt && row.telegramCodeExpiresAt.getTime() > now.getTime()),
    telegramCodeExpiresAt: row?.telegramCodeExpiresAt ?? null,
    telegramUpdateOffset: row?.telegramUpdateOffset ?? 0,
    updatedAt: row?.updatedAt ?? null,
  };
}

export async function getAlertSettings(now = new Date()): Promise<AlertSettings> {
  return readAlertSettings(getDb(), now);
}

/** The webhook's URL and signing secret, for the sender only; null when none is set. */
export async function getWebhookTarget(): Promise<{ url: string; secret: string } | null> {
  const row = await settingsRow(getDb());
  if (!row?.webhookUrl || !row.webhookSecretEnc) return null;
  return { url: row.webhookUrl, secret: openSecret(slot, row.webhookSecretEnc) };
}

type SettingsPatch = Partial<Omit<typeof alertSettings.$inferInsert, "id" | "webhookSecretEnc">> & { webhookSecret?: string | null };

async function upsert(patch: SettingsPatch, now: Date): Promise<void> {
  const { webhookSecret, ...fields } = patch;
  const values: Partial<typeof alertSettings.$inferInsert> = { ...fields, updatedAt: now };
  if (webhookSecret !== undefined) values.webhookSecretEnc = webhookSecret === null ? null : sealSecret(slot, webhookSecret);
  await writeStatement((db) => db.insert(alertSettings).values({ id: SETTINGS_ID, ...values, updatedAt: now }).onConflictDoUpdate({ target: alertSettings.id, set: values }));
}

/** A new webhook URL with a new signing secret (shown once by the caller); null URL turns the webhook off. */
export async function saveWebhook({ url, secret, locale, updatedBy, now = new Date() }: { url: string | null; secret: string | null; locale: Locale; updatedBy: string; now?: Date }): Promise<void> {
  await upsert({ webhookUrl: url, webhookSecret: secret, locale, updatedBy }, now);
}

export async function saveEmailRecipients({ recipients, locale, updatedBy, now = new Date() }: { recipients: string[]; locale: Locale; updatedBy: string; now?: Date }): Promise<void> {
  await upsert({ emailRecipients: JSON.stringify(recipients), locale, updatedBy }, now);
}

/** Stores the hash of a new one-time Telegram code (replacing any pending one). */
export async function saveTelegramCode({ codeHash, expiresAt, locale, updatedBy, now = new Date() }: { codeHash: string; expiresAt: Date; locale: Locale; updatedBy: string; now?: Date }): Promise<void> {
  await upsert({ telegramCodeHash: codeHash, telegramCodeExpiresAt: expiresAt, locale, updatedBy }, now);
}

/** The pending code's hash, while it is valid. */
export async function getPendingTelegramCodeHash(now = new Date()): Promise<string | null> {
  const row = await settingsRow(getDb());
  if (!row?.telegramCodeHash || !row.telegramCodeExpiresAt || row.telegramCodeExpiresAt.getTime() <= now.getTime()) return null;
  return row.telegramCodeHash;
}

export async function clearTelegramCodeTx(tx: Tx): Promise<void> {
  await tx.update(alertSettings).set({ telegramCodeHash: null, telegramCodeExpiresAt: null }).where(eq(alertSettings.id, SETTINGS_ID));
}

export async function saveTelegramUpdateOffset({ offset }: { offset: number }): Promise<void> {
  await writeStatement((db) => db.update(alertSettings).set({ telegramUpdateOffset: offset }).where(eq(alertSettings.id, SETTINGS_ID)));
}
