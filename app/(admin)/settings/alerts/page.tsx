import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { EMAIL_RECIPIENTS_MAX, getAlertSettings } from "@/lib/db/alert-settings";
import { listTelegramChats } from "@/lib/db/telegram-chats";
import { getEnv } from "@/lib/env";
import { LOCALE_NAMES } from "@/lib/i18n/locales";
import { resolveLocale } from "@/lib/i18n/request";
import { RecipientsForm, TelegramLink, TestAlertButton, UnbindChatForm, WebhookForm } from "./alert-forms";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("alerts");
  return { title: t("title") };
}

/** /settings/alerts: the webhook, Telegram and email channels, each with its own "Send test alert". */
export default async function AlertSettingsPage() {
  await requireAdmin();
  const [t, tCommon, format, settings, chats, locale] = await Promise.all([
    getTranslations("alerts"),
    getTranslations("common"),
    getFormatter(),
    getAlertSettings(),
    listTelegramChats(),
    resolveLocale(),
  ]);
  const env = getEnv();
  const test = { send: t("sendTest"), sending: t("sendingTest") };
  const copy = { copy: tCommon("copy"), copied: tCommon("copied") };
  const telegramOn = Boolean(env.telegramBotToken);
  const emailOn = Boolean(env.smtpUrl && env.alertEmailFrom);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{t("title")}</h1>
        <p className="mt-1 max-w-prose text-sm text-slate-600">{t("intro", { language: LOCALE_NAMES[locale] })}</p>
      </div>

      <Card title={t("webhook.title")}>
        <div className="space-y-4">
          <p className="text-sm text-slate-700">{t("webhook.description")}</p>
          <p className="text-sm text-slate-900 [overflow-wrap:anywhere]" data-testid="webhook-current">
            {settings.webhookUrl ? t("webhook.current", { url: settings.webhookUrl }) : t("webhook.none")}
          </p>
          <WebhookForm
            hasWebhook={Boolean(settings.webhookUrl)}
            text={{
              title: t("webhook.title"),
              url: t("webhook.url"),
              urlHint: t("webhook.urlHint"),
              save: t("webhook.save"),
              saving: t("webhook.saving"),
              remove: t("webhook.remove"),
              savedTitle: t("webhook.savedTitle"),
              secretBody: t("webhook.secretBody"),
              secretLabel: t("webhook.secretLabel"),
              hide: t("webhook.hide"),
              removed: t("webhook.removed"),
              ...copy,
            }}
          />
          <p className="text-xs text-slate-600">{t("webhook.signature")}</p>
          {settings.webhookUrl && <TestAlertButton channel="webhook" text={test} />}
        </div>
      </Card>

      <Card title={t("telegram.title")}>
        <div className="space-y-4">
          <p className="text-sm text-slate-700">{t("telegram.description")}</p>
          {!telegramOn ? (
            <p className="text-sm text-slate-900">{t("telegram.notConfigured")}</p>
          ) : (
            <>
              <TelegramLink text={{ create: t("telegram.createLink"), label: t("telegram.linkLabel"), waiting: t("telegram.waiting"), ...copy }} />
              <section aria-labelledby="telegram-chats-title">
                <h3 id="telegram-chats-title" className="text-base font-semibold text-slate-900">
                  {t("telegram.chats")}
                </h3>
                {chats.length === 0 ? (
                  <p className="mt-1 text-sm text-slate-600">{t("telegram.noChats")}</p>
                ) : (
                  <ul className="mt-2 space-y-2" aria-label={t("telegram.chats")}>
                    {chats.map((chat) => {
                      const nameId = `telegram-chat-${chat.chatId}`;
                      return (
                        <li key={chat.chatId} className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 p-3">
                          <div>
                            <span id={nameId} className="font-medium text-slate-900">
                              {chat.label}
                            </span>
                            <span className="ml-2 text-sm text-slate-600">{t("telegram.boundOn", { date: format.dateTime(chat.boundAt, "moment") })}</span>
                          </div>
                          <UnbindChatForm chatId={chat.chatId} describedBy={nameId} text={{ unbind: t("telegram.unbind") }} />
                        </li>
                      );
                    })}
                  </ul>
                )}
              </section>
              {chats.length > 0 && <TestAlertButton channel="telegram" text={test} />}
            </>
          )}
        </div>
      </Card>

      <Card title={t("email.title")}>
        <div className="space-y-4">
          <p className="text-sm text-slate-700">{t("email.description")}</p>
          {!emailOn ? (
            <p className="text-sm text-slate-900">{t("email.notConfigured")}</p>
          ) : (
            <>
              <p className="text-sm text-slate-700">{t("email.from", { from: env.alertEmailFrom ?? "" })}</p>
              <RecipientsForm
                initial={settings.emailRecipients.join("\n")}
                text={{ title: t("email.title"), recipients: t("email.recipients"), hint: t("email.recipientsHint", { max: EMAIL_RECIPIENTS_MAX }), save: t("email.save"), saved: t("email.saved") }}
              />
              {settings.emailRecipients.length > 0 && <TestAlertButton channel="email" text={test} />}
            </>
          )}
        </div>
      </Card>
    </div>
  );
}
