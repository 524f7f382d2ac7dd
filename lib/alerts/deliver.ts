import "server-only";
import { getAlertSettings, getWebhookTarget } from "@/lib/db/alert-settings";
import type { AlertChannel } from "@/lib/db/alert-deliveries";
import { getEnv } from "@/lib/env";
import * as email from "./channels/email";
import * as telegram from "./channels/telegram";
import * as webhook from "./channels/webhook";
import type { SendResult } from "./channels/webhook";
import type { AlertMessage } from "./message";

/**
 * The hard deadline of one send, every step included (DNS, connect, TLS, the answer): a receiver that hangs or
 * trickles its answer a byte at a time holds only its own delivery, and for this long at most. The channels' own
 * socket timeouts only notice silence.
 */
export const SEND_TIMEOUT_MS = 10_000;

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function sendThrough(channel: AlertChannel, target: string, message: AlertMessage, signal: AbortSignal): Promise<SendResult> {
  const env = getEnv();
  switch (channel) {
    case "webhook": {
      const hook = await getWebhookTarget();
      if (!hook) return { ok: false, code: "not_configured" };
      return webhook.send(message, { url: hook.url, secret: hook.secret, allowPrivate: env.alertWebhookAllowPrivate, signal });
    }
    case "telegram":
      return telegram.send(message, { chatId: target, signal });
    case "email": {
      const settings = await getAlertSettings();
      return email.send(message, { recipients: settings.emailRecipients, signal });
    }
  }
}

/** Sends one rendered alert to one channel target (a Telegram chat id; "" for the webhook and email). */
export async function sendToTarget(channel: AlertChannel, target: string, message: AlertMessage, { timeoutMs = SEND_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<SendResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut: SendResult = { ok: false, code: "timeout", seconds: Math.max(1, Math.round(timeoutMs / 1000)) };
  // The channels stop their own requests on the signal; the race also ends the steps that cannot be aborted (a DNS
  // lookup, nodemailer's SMTP conversation, whose socket its own timeouts then close).
  return Promise.race([sendThrough(channel, target, message, signal), whenAborted(signal).then(() => timedOut)]);
}
