import "server-only";
import nodemailer from "nodemailer";
import { getEnv } from "@/lib/env";
import type { AlertMessage } from "../message";
import type { SendResult } from "./webhook";

/**
 * The email channel: one message per alert to every recipient on the page, plain text and HTML, through the SMTP
 * server of SMTP_URL (nodemailer). nodemailer's own logger stays off, and its errors are reduced to a code and the
 * SMTP status here, so the password in SMTP_URL reaches no log line, page or error message.
 */

const TIMEOUT_MS = 15_000;

function transportOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    logger: false,
    debug: false,
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function emailHtml(message: AlertMessage): string {
  return [
    "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#0f172a\">",
    `<h1 style="font-size:18px">${escapeHtml(message.title)}</h1>`,
    `<p>${escapeHtml(message.happened)}</p>`,
    `<p>${escapeHtml(message.leads)}</p>`,
    `<p><strong>${escapeHtml(message.action)}</strong></p>`,
    `<p><a href="${escapeHtml(message.url)}">${escapeHtml(message.url)}</a></p>`,
    "</body></html>",
  ].join("\n");
}

export async function send(message: AlertMessage, { recipients, signal }: { recipients: string[]; signal?: AbortSignal }): Promise<SendResult> {
  const env = getEnv();
  if (!env.smtpUrl || !env.alertEmailFrom) return { ok: false, code: "email_not_configured" };
  if (recipients.length === 0) return { ok: false, code: "email_no_recipients" };
  // nodemailer takes no abort signal: the sender's race (lib/alerts/deliver.ts) ends a send that outlives the
  // deadline, and this transport's own timeouts then close its socket.
  if (signal?.aborted) return { ok: false, code: "timeout", seconds: Math.round(TIMEOUT_MS / 1000) };
  const options = transportOptions(env.smtpUrl);
  const transport = nodemailer.createTransport(options);
  try {
    await transport.sendMail({
      from: env.alertEmailFrom,
      to: recipients,
      subject: `[amoCRM Connect] ${message.title}`,
      text: message.text,
      html: emailHtml(message),
    });
    return { ok: true };
  } catch (error) {
    const failure = error as { code?: string; responseCode?: number };
    if (failure.code === "EAUTH") return { ok: false, code: "smtp_auth_failed", ...(failure.responseCode ? { status: failure.responseCode } : {}) };
    if (failure.responseCode) return { ok: false, code: "smtp_refused", status: failure.responseCode };
    return { ok: false, code: "smtp_connection_failed", host: options.host };
  } finally {
    transport.close();
  }
}
