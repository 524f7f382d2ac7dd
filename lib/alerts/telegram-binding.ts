import "server-only";
import { pause } from "@/lib/wakeable-pause";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { getPendingTelegramCodeHash, saveTelegramCode, saveTelegramUpdateOffset, getAlertSettings } from "@/lib/db/alert-settings";
import { tryAcquireLease, type Lease } from "@/lib/db/lease";
import { bindTelegramChat } from "@/lib/db/telegram-chats";
import { getEnv } from "@/lib/env";
import type { Locale } from "@/lib/i18n/locales";
import { getBotUsername, getUpdates, sendText, type TelegramResult, type TelegramUpdate } from "./channels/telegram";
import { renderAlert } from "./message";

/**
 * Binding a Telegram chat without a public URL: the page shows https://t.me/<bot>?start=<one-time code>; the admin
 * presses Start, Telegram holds "/start <code>" for the bot, and this poller (getUpdates, long-polling with an
 * offset, under the `telegram-poller` lease) finds it and binds that chat. It polls only while a code is pending;
 * a 429 waits the retry_after Telegram asks for. Only the code's SHA-256 is stored, and a code binds once.
 */

export const BINDING_CODE_TTL_MS = 15 * 60_000;
const LONG_POLL_SECONDS = 10;
const IDLE_MS = 2_000;

const hash = (code: string) => createHash("sha256").update(code).digest("hex");

export async function createBindingLink({ locale, updatedBy, now = new Date() }: { locale: Locale; updatedBy: string; now?: Date }): Promise<TelegramResult<{ link: string; expiresAt: Date }>> {
  const bot = await getBotUsername();
  if (!bot.ok) return bot;
  // Telegram's start parameter allows [A-Za-z0-9_-] up to 64 characters.
  const code = randomBytes(18).toString("base64url");
  const expiresAt = new Date(now.getTime() + BINDING_CODE_TTL_MS);
  await saveTelegramCode({ codeHash: hash(code), expiresAt, locale, updatedBy, now });
  wakePoller();
  return { ok: true, value: { link: `https://t.me/${bot.value}?start=${code}`, expiresAt } };
}

function chatLabel(chat: NonNullable<TelegramUpdate["message"]>["chat"]): string {
  const name = chat.title ?? [chat.first_name, chat.last_name].filter(Boolean).join(" ");
  return (name || (chat.username ? `@${chat.username}` : String(chat.id))).slice(0, 200);
}

/** Looks at a batch of updates: a "/start <pending code>" binds its chat. Returns the next offset. */
export async function handleUpdates(updates: readonly TelegramUpdate[], offset: number, now = new Date()): Promise<{ offset: number; bound: string[] }> {
  const bound: string[] = [];
  let next = offset;
  for (const update of updates) {
    next = Math.max(next, update.update_id + 1);
    const match = /^\/start(?:@\w+)?\s+([A-Za-z0-9_-]{1,64})\s*$/.exec(update.message?.text ?? "");
    const chat = update.message?.chat;
    if (!match?.[1] || !chat) continue;
    const pending = await getPendingTelegramCodeHash(now);
    if (!pending) continue;
    const given = Buffer.from(hash(match[1]), "hex");
    if (!timingSafeEqual(given, Buffer.from(pending, "hex"))) continue;
    const chatId = String(chat.id);
    await bindTelegramChat({ chatId, label: chatLabel(chat), now });
    bound.push(chatId);
    const { locale } = await getAlertSettings(now);
    // The admin sees at once that the chat is bound: a test alert to that chat alone.
    await sendText(chatId, renderAlert({ kind: "test", state: null, previousState: null, occurrences: 1, detail: {}, firstAt: now, lastAt: now }, locale).text).catch(() => undefined);
  }
  return { offset: next, bound };
}

interface PollerState {
  stopping: boolean;
  wake: (() => void) | null;
  done: Promise<void>;
}

const registry = globalThis as unknown as { amocrmTelegramPoller?: PollerState };

function wakePoller(): void {
  registry.amocrmTelegramPoller?.wake?.();
}

export function startTelegramPoller(): void {
  if (registry.amocrmTelegramPoller || !getEnv().telegramBotToken) return;
  const state: PollerState = { stopping: false, wake: null, done: Promise.resolve() };
  registry.amocrmTelegramPoller = state;
  state.done = loop(state).catch((error: unknown) => {
    console.error(`[alerts] Telegram poller stopped: ${error instanceof Error ? error.name : typeof error}`);
  });
  process.once("SIGTERM", () => {
    state.stopping = true;
    state.wake?.();
  });
}

async function loop(state: PollerState): Promise<void> {
  while (!state.stopping) {
    if (!(await getPendingTelegramCodeHash().catch(() => null))) {
      await pause(state, IDLE_MS);
      continue;
    }
    let lease: Lease | null = null;
    try {
      lease = await tryAcquireLease("telegram-poller");
    } catch {
      // The database is unavailable for now.
    }
    if (!lease) {
      await pause(state, IDLE_MS);
      continue;
    }
    try {
      while (!state.stopping && !lease.signal.aborted && (await getPendingTelegramCodeHash())) {
        const { telegramUpdateOffset: offset } = await getAlertSettings();
        const answer = await getUpdates({ offset, timeoutSeconds: LONG_POLL_SECONDS, signal: lease.signal });
        if (!answer.ok) {
          // 429: exactly as long as Telegram asks; anything else: a short pause, the code may still be used.
          await pause(state, answer.code === "telegram_rate_limited" ? (answer.retryAfterSeconds ?? 1) * 1000 : 5_000);
          continue;
        }
        const handled = await handleUpdates(answer.value, offset);
        if (handled.offset !== offset) await saveTelegramUpdateOffset({ offset: handled.offset });
      }
    } catch (error) {
      console.error(`[alerts] Telegram poll failed: ${error instanceof Error ? error.name : typeof error}`);
      await pause(state, 5_000);
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
}
