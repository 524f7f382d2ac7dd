import "server-only";
import { recordChannelFailure, recordChannelSuccess } from "@/lib/db/alert-channel-health";
import type { AlertChannel } from "@/lib/db/alert-deliveries";
import { getAlertSettings } from "@/lib/db/alert-settings";
import { listTelegramChats } from "@/lib/db/telegram-chats";
import { getEnv } from "@/lib/env";
import type { Locale } from "@/lib/i18n/locales";
import type { SendResult } from "./channels/webhook";
import { sendToTarget } from "./deliver";
import { failureDetail, renderAlert, type AlertFailure } from "./message";

/**
 * "Send test alert": sent at once (not queued) so the admin reads the outcome on the page, the exact reason
 * included when it failed. Telegram sends to every bound chat and reports the first failure.
 */
export async function sendTestAlert({ channel, now = new Date() }: { channel: AlertChannel; now?: Date }): Promise<{ ok: true } | { ok: false; failure: AlertFailure }> {
  const env = getEnv();
  const settings = await getAlertSettings(now);
  const message = renderAlert({ kind: "test", state: null, previousState: null, occurrences: 1, detail: {}, firstAt: now, lastAt: now }, settings.locale as Locale);
  let targets: string[] = [""];
  if (channel === "webhook" && !settings.webhookUrl) return { ok: false, failure: { code: "not_configured" } };
  if (channel === "telegram") {
    if (!env.telegramBotToken) return { ok: false, failure: { code: "telegram_not_configured" } };
    targets = (await listTelegramChats()).map((chat) => chat.chatId);
    if (targets.length === 0) return { ok: false, failure: { code: "telegram_no_chats" } };
  }
  if (channel === "email") {
    if (!env.smtpUrl || !env.alertEmailFrom) return { ok: false, failure: { code: "email_not_configured" } };
    if (settings.emailRecipients.length === 0) return { ok: false, failure: { code: "email_no_recipients" } };
  }
  let failed: Extract<SendResult, { ok: false }> | null = null;
  for (const target of targets) {
    const result = await sendToTarget(channel, target, message);
    if (!result.ok) failed ??= result;
  }
  if (!failed) {
    await recordChannelSuccess({ channel, now });
    return { ok: true };
  }
  await recordChannelFailure({ channel, code: failed.code, detail: failureDetail(failed), now });
  return { ok: false, failure: { code: failed.code, host: failed.host, address: failed.address, status: failed.status, seconds: failed.seconds } };
}
