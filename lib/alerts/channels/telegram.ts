import "server-only";
import { getEnv } from "@/lib/env";
import type { AlertMessage } from "../message";
import type { SendResult } from "./webhook";

/**
 * The Telegram channel through the Bot API (TELEGRAM_API_ORIGIN, https://api.telegram.org unless a test points it at
 * the fake): sendMessage per bound chat, getMe for the bot's name in the deep link, getUpdates for the binding. The
 * token lives in the request path only: no error, log line or page built here ever carries a URL.
 */

const CALL_TIMEOUT_MS = 10_000;

interface TelegramAnswer<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export type TelegramResult<T> = { ok: true; value: T } | Extract<SendResult, { ok: false }>;

async function call<T>(method: string, body: Record<string, unknown>, { timeoutMs = CALL_TIMEOUT_MS, signal }: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<TelegramResult<T>> {
  const env = getEnv();
  if (!env.telegramBotToken) return { ok: false, code: "telegram_not_configured" };
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(`${env.telegramApiOrigin}/bot${env.telegramBotToken}/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch {
    if (timeout.aborted || signal?.aborted) return { ok: false, code: "timeout", seconds: Math.round(timeoutMs / 1000) };
    return { ok: false, code: "network_error", host: new URL(env.telegramApiOrigin).hostname };
  }
  let answer: TelegramAnswer<T> = { ok: false };
  try {
    answer = (await response.json()) as TelegramAnswer<T>;
  } catch {
    // Not JSON (a proxy's page): judged by the status alone.
  }
  if (response.ok && answer.ok) return { ok: true, value: answer.result as T };
  const status = answer.error_code ?? response.status;
  switch (status) {
    case 401:
    case 404:
      // Telegram answers 404 to a token it does not know, 401 to one it revoked.
      return { ok: false, code: "telegram_unauthorized", status };
    case 403:
      return { ok: false, code: "telegram_forbidden", status };
    case 400:
      return { ok: false, code: "telegram_bad_request", status };
    case 429: {
      const seconds = Math.max(1, Number(answer.parameters?.retry_after ?? response.headers.get("retry-after") ?? 1) || 1);
      return { ok: false, code: "telegram_rate_limited", status, seconds, retryAfterSeconds: seconds };
    }
    default:
      return { ok: false, code: "http_status", status };
  }
}

export async function send(message: AlertMessage, { chatId, signal }: { chatId: string; signal?: AbortSignal }): Promise<SendResult> {
  const result = await call("sendMessage", { chat_id: chatId, text: message.text, link_preview_options: { is_disabled: true } }, { signal });
  return result.ok ? { ok: true } : result;
}

/** Plain text to a chat (the binding's confirmation). */
export async function sendText(chatId: string, text: string): Promise<SendResult> {
  const result = await call("sendMessage", { chat_id: chatId, text });
  return result.ok ? { ok: true } : result;
}

// The bot's username never changes for a token: asked once per process and token.
const cache = globalThis as unknown as { amocrmTelegramBot?: { token: string; username: string } };

export async function getBotUsername(): Promise<TelegramResult<string>> {
  const token = getEnv().telegramBotToken;
  if (cache.amocrmTelegramBot && cache.amocrmTelegramBot.token === token) return { ok: true, value: cache.amocrmTelegramBot.username };
  const result = await call<{ username?: string }>("getMe", {});
  if (!result.ok) return result;
  const username = result.value.username ?? "";
  if (token) cache.amocrmTelegramBot = { token, username };
  return { ok: true, value: username };
}

export interface TelegramUpdate {
  update_id: number;
  message?: {
    text?: string;
    chat: { id: number | string; type?: string; title?: string; username?: string; first_name?: string; last_name?: string };
  };
}

/** Long-polls for updates from `offset` on, waiting up to `timeoutSeconds` for one. */
export async function getUpdates({ offset, timeoutSeconds, signal }: { offset: number; timeoutSeconds: number; signal?: AbortSignal }): Promise<TelegramResult<TelegramUpdate[]>> {
  return call<TelegramUpdate[]>("getUpdates", { offset, timeout: timeoutSeconds, allowed_updates: ["message"] }, { timeoutMs: (timeoutSeconds + 10) * 1000, signal });
}
