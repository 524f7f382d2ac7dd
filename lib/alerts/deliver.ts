import "server-only";
import { getAlertSettings, getWebhookTarget } from "@/lib/db/alert-settings";
import type { AlertChannel } from "@/lib/db/alert-deliveries";
import { getEnv } from "@/lib/env";
import * as email from "./channels/email";
import * as telegram from "./channels/telegram";
import * as webhook from "./channels/webhook";
import type { SendResult } from "./channels/webhook";
import type { AlertMessage } from "./message";

/** Sends one rendered alert to one channel target (a Telegram chat id; "" for the webhook and email). */
export async function sendToTarget(channel: AlertChannel, target: string, message: AlertMessage): Promise<SendResult> {
  const env = getEnv();
  switch (channel) {
    case "webhook": {
      const hook = await getWebhookTarget();
      if (!hook) return { ok: false, code: "not_configured" };
      return webhook.send(message, { url: hook.url, secret: hook.secret, allowPrivate: env.alertWebhookAllowPrivate });
    }
    case "telegram":
      return telegram.send(message, { chatId: target });
    case "email": {
      const settings = await getAlertSettings();
      return email.send(message, { recipients: settings.emailRecipients });
    }
  }
}
