import "server-only";
import { createHmac } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { AlertFailure, AlertMessage } from "../message";
import { isBlockedAddress } from "./address-policy";

/**
 * The webhook channel: one signed JSON POST per alert. The host is resolved before saving and again at every send,
 * and the request connects to the very address that was checked (no second lookup a rebinding DNS could answer
 * differently); a redirect is an answer, never followed. Headers: X-Amocrm-Connect-Timestamp (Unix seconds) and
 * X-Amocrm-Connect-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>.
 */

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_URL_MAX = 2000;

export type SendResult = { ok: true } | ({ ok: false; retryAfterSeconds?: number } & AlertFailure);

export type AddressCheck = { ok: true; address: LookupAddress } | ({ ok: false } & AlertFailure);

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

/** Parses and resolves a webhook URL; every address it resolves to must be allowed (unless private ones are). */
export async function checkWebhookUrl(raw: string, { allowPrivate }: { allowPrivate: boolean }): Promise<AddressCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: "webhook_url_invalid" };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || !url.hostname) {
    return { ok: false, code: "webhook_url_invalid" };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch {
    return { ok: false, code: "dns_failed", host };
  }
  if (addresses.length === 0) return { ok: false, code: "dns_failed", host };
  const blocked = addresses.find((entry) => isBlockedAddress(entry.address));
  if (blocked && !allowPrivate) return { ok: false, code: "webhook_private_address", host, address: blocked.address };
  return { ok: true, address: addresses[0]! };
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function webhookBody(message: AlertMessage): string {
  return JSON.stringify({
    event: message.event,
    state: message.state,
    previousState: message.previousState,
    message: message.text,
    at: message.at.toISOString(),
    dashboardUrl: message.url,
  });
}

/** Sends one alert; the answer says exactly why it failed when it did. */
export async function send(
  message: AlertMessage,
  {
    url,
    secret,
    allowPrivate,
    now = new Date(),
    timeoutMs = WEBHOOK_TIMEOUT_MS,
    signal,
  }: { url: string; secret: string; allowPrivate: boolean; now?: Date; timeoutMs?: number; signal?: AbortSignal },
): Promise<SendResult> {
  const checked = await checkWebhookUrl(url, { allowPrivate });
  if (!checked.ok) return checked;
  const pinned = checked.address;
  const body = webhookBody(message);
  const timestamp = Math.floor(now.getTime() / 1000);
  const target = new URL(url);
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = target.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    const request = client.request(
      target,
      {
        method: "POST",
        lookup,
        // The sender's hard deadline (lib/alerts/deliver.ts): the idle timeout below misses a trickling answer.
        signal,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          "User-Agent": "amocrm-connect-alerts",
          "X-Amocrm-Connect-Timestamp": String(timestamp),
          "X-Amocrm-Connect-Signature": signWebhook(secret, timestamp, body),
        },
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ ok: true });
        else if (status >= 300 && status < 400) resolve({ ok: false, code: "redirect", status });
        else {
          const retryAfter = Number(response.headers["retry-after"]);
          resolve({ ok: false, code: "http_status", status, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) });
        }
      },
    );
    request.setTimeout(timeoutMs, () => {
      request.destroy();
      resolve({ ok: false, code: "timeout", seconds: Math.round(timeoutMs / 1000) });
    });
    request.on("error", () => {
      if (signal?.aborted) resolve({ ok: false, code: "timeout", seconds: Math.round(timeoutMs / 1000) });
      else resolve({ ok: false, code: "network_error", host: target.hostname });
    });
    request.end(body);
  });
}
