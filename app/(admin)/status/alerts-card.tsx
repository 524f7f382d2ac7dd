import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { CHANNEL_FAILING_AFTER } from "@/lib/alerts/events";
import { describeAlertFailure, type AlertFailureCode } from "@/lib/alerts/message";
import { listChannelHealth } from "@/lib/db/alert-channel-health";
import { getAlertSettings } from "@/lib/db/alert-settings";
import { listTelegramChats } from "@/lib/db/telegram-chats";
import { getEnv } from "@/lib/env";
import { resolveLocale } from "@/lib/i18n/request";

/** The alert channels at a glance: one that keeps failing is named with its reason, so a silent channel is seen. */
export async function AlertsCard() {
  const [t, health, settings, chats, locale] = await Promise.all([getTranslations("alerts"), listChannelHealth(), getAlertSettings(), listTelegramChats(), resolveLocale()]);
  const env = getEnv();
  const configured = {
    webhook: Boolean(settings.webhookUrl),
    telegram: Boolean(env.telegramBotToken) && chats.length > 0,
    email: Boolean(env.smtpUrl && env.alertEmailFrom) && settings.emailRecipients.length > 0,
  };
  const failing = health.filter((entry) => configured[entry.channel] && entry.consecutiveFailures >= CHANNEL_FAILING_AFTER);
  const anyConfigured = Object.values(configured).some(Boolean);
  return (
    <Card title={t("status.title")} actions={<Link href="/settings/alerts" className="text-sm font-medium text-sky-800 underline">{t("status.settingsLink")}</Link>}>
      <div className="space-y-3" data-testid="alerts-card">
        {failing.map((entry) => (
          <Alert key={entry.channel} tone="warning" role={null} testId={`alert-channel-failing-${entry.channel}`}>
            {t("status.failing", {
              channel: t(`channels.${entry.channel}`),
              count: entry.consecutiveFailures,
              reason: describeAlertFailure({ ...entry.lastErrorDetail, code: (entry.lastErrorCode ?? "network_error") as AlertFailureCode }, locale),
            })}
          </Alert>
        ))}
        {failing.length === 0 && <p className="text-sm text-slate-700">{anyConfigured ? t("status.allWell") : t("status.noneSet")}</p>}
      </div>
    </Card>
  );
}
