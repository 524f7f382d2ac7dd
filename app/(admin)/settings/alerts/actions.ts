"use server";

import { randomBytes } from "node:crypto";
import { revalidatePath } from "next/cache";
import { getFormatter, getTranslations } from "next-intl/server";
import { z } from "zod";
import type { FieldErrors } from "@/components/ui/field";
import { describeAlertFailure } from "@/lib/alerts/message";
import { checkWebhookUrl, WEBHOOK_URL_MAX } from "@/lib/alerts/channels/webhook";
import { createBindingLink } from "@/lib/alerts/telegram-binding";
import { sendTestAlert } from "@/lib/alerts/test-alert";
import { requireAdmin } from "@/lib/auth/session";
import { cancelQueuedAlerts } from "@/lib/db/alert-deliveries";
import { EMAIL_RECIPIENTS_MAX, saveEmailRecipients, saveWebhook } from "@/lib/db/alert-settings";
import { unbindTelegramChat } from "@/lib/db/telegram-chats";
import { getEnv } from "@/lib/env";
import { resolveLocale } from "@/lib/i18n/request";

const ALERTS_HREF = "/settings/alerts";

export type WebhookState = {
  status?: "saved" | "removed" | "invalid";
  fieldErrors?: FieldErrors<"webhookUrl">;
  values?: { webhookUrl: string };
  /** The signing secret, in this one answer only: shown once, stored sealed, never shown again. */
  secret?: string;
};

/** Saves the webhook URL after resolving its host (no SSRF), with a new signing secret shown once. */
export async function saveWebhookAction(_prev: WebhookState, formData: FormData): Promise<WebhookState> {
  const admin = await requireAdmin();
  const locale = await resolveLocale();
  const t = await getTranslations("alerts");
  const raw = formData.get("webhookUrl");
  const url = typeof raw === "string" ? raw.trim() : "";
  const invalid = (message: string): WebhookState => ({ status: "invalid", fieldErrors: { webhookUrl: [message] }, values: { webhookUrl: url.slice(0, WEBHOOK_URL_MAX) } });
  if (url === "") return invalid(t("webhook.errors.urlRequired"));
  if (url.length > WEBHOOK_URL_MAX) return invalid(t("webhook.errors.urlTooLong", { max: WEBHOOK_URL_MAX }));
  const checked = await checkWebhookUrl(url, { allowPrivate: getEnv().alertWebhookAllowPrivate });
  if (!checked.ok) return invalid(describeAlertFailure(checked, locale));
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  await saveWebhook({ url: new URL(url).href, secret, locale, updatedBy: admin.email });
  revalidatePath(ALERTS_HREF);
  return { status: "saved", secret };
}

export async function removeWebhookAction(): Promise<WebhookState> {
  const admin = await requireAdmin();
  await saveWebhook({ url: null, secret: null, locale: await resolveLocale(), updatedBy: admin.email });
  await cancelQueuedAlerts({ channel: "webhook" });
  revalidatePath(ALERTS_HREF);
  return { status: "removed" };
}

export type EmailState = { status?: "saved" | "invalid"; fieldErrors?: FieldErrors<"recipients">; values?: { recipients: string } };

const emailSchema = z.string().trim().toLowerCase().pipe(z.email());

export async function saveRecipientsAction(_prev: EmailState, formData: FormData): Promise<EmailState> {
  const admin = await requireAdmin();
  const t = await getTranslations("alerts");
  const raw = formData.get("recipients");
  const text = typeof raw === "string" ? raw.slice(0, 10_000) : "";
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const invalid = (message: string): EmailState => ({ status: "invalid", fieldErrors: { recipients: [message] }, values: { recipients: text } });
  if (parts.length > EMAIL_RECIPIENTS_MAX) return invalid(t("email.errors.tooMany", { max: EMAIL_RECIPIENTS_MAX }));
  const recipients: string[] = [];
  for (const part of parts) {
    const parsed = emailSchema.safeParse(part);
    if (!parsed.success) return invalid(t("email.errors.invalid", { address: part.slice(0, 200) }));
    if (!recipients.includes(parsed.data)) recipients.push(parsed.data);
  }
  await saveEmailRecipients({ recipients, locale: await resolveLocale(), updatedBy: admin.email });
  if (recipients.length === 0) await cancelQueuedAlerts({ channel: "email" });
  revalidatePath(ALERTS_HREF);
  return { status: "saved", values: { recipients: recipients.join("\n") } };
}

export type TestState = { status?: "sent" | "failed"; message?: string };

const channelSchema = z.enum(["webhook", "telegram", "email"]);

export async function sendTestAlertAction(_prev: TestState, formData: FormData): Promise<TestState> {
  await requireAdmin();
  const t = await getTranslations("alerts");
  const parsed = channelSchema.safeParse(formData.get("channel"));
  if (!parsed.success) return { status: "failed", message: t("testFailed", { reason: describeAlertFailure({ code: "not_configured" }, await resolveLocale()) }) };
  const result = await sendTestAlert({ channel: parsed.data });
  revalidatePath("/status");
  if (result.ok) return { status: "sent", message: t("testSent") };
  return { status: "failed", message: t("testFailed", { reason: describeAlertFailure(result.failure, await resolveLocale()) }) };
}

export type TelegramLinkState = { status?: "created" | "failed"; link?: string; message?: string };

export async function createTelegramLinkAction(): Promise<TelegramLinkState> {
  const admin = await requireAdmin();
  const locale = await resolveLocale();
  const result = await createBindingLink({ locale, updatedBy: admin.email });
  if (!result.ok) {
    const t = await getTranslations("alerts");
    return { status: "failed", message: t("telegram.botUnavailable", { reason: describeAlertFailure(result, locale) }) };
  }
  const [t, format] = await Promise.all([getTranslations("alerts"), getFormatter()]);
  return { status: "created", link: result.value.link, message: t("telegram.linkIntro", { time: format.dateTime(result.value.expiresAt, "moment") }) };
}

export type UnbindState = { status?: "unbound" | "failed" };

export async function unbindTelegramChatAction(_prev: UnbindState, formData: FormData): Promise<UnbindState> {
  await requireAdmin();
  const chatId = formData.get("chatId");
  if (typeof chatId !== "string" || !/^-?\d{1,20}$/.test(chatId)) return { status: "failed" };
  const removed = await unbindTelegramChat({ chatId });
  revalidatePath(ALERTS_HREF);
  return { status: removed ? "unbound" : "failed" };
}
