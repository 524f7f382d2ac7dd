import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { clearTelegramCodeTx } from "./alert-settings";
import { affectedRows, getDb, type Db, type Tx } from "./client";
import { alertDeliveries, telegramChats } from "./tables";
import { writeTransaction } from "./transaction";

/** Telegram chats bound to alerts through the one-time deep link. */

export interface TelegramChat {
  chatId: string;
  label: string;
  boundAt: Date;
}

export async function listTelegramChatsTx(db: Db | Tx = getDb()): Promise<TelegramChat[]> {
  return db.select({ chatId: telegramChats.chatId, label: telegramChats.label, boundAt: telegramChats.boundAt }).from(telegramChats).orderBy(asc(telegramChats.boundAt), asc(telegramChats.chatId));
}

export async function listTelegramChats(): Promise<TelegramChat[]> {
  return listTelegramChatsTx();
}

/** Binds a chat and uses up the pending code, atomically: a code binds one chat once. */
export async function bindTelegramChat({ chatId, label, now = new Date() }: { chatId: string; label: string; now?: Date }): Promise<void> {
  await writeTransaction(async (tx) => {
    await tx.insert(telegramChats).values({ chatId, label, boundAt: now }).onConflictDoUpdate({ target: telegramChats.chatId, set: { label, boundAt: now } });
    await clearTelegramCodeTx(tx);
  });
}

/** Unbinds a chat; its waiting alerts go with it. */
export async function unbindTelegramChat({ chatId }: { chatId: string }): Promise<boolean> {
  return writeTransaction(async (tx) => {
    const removed = affectedRows(await tx.delete(telegramChats).where(eq(telegramChats.chatId, chatId))) === 1;
    await tx
      .update(alertDeliveries)
      .set({ status: "cancelled" })
      .where(and(eq(alertDeliveries.channel, "telegram"), eq(alertDeliveries.target, chatId), eq(alertDeliveries.status, "queued")));
    return removed;
  });
}
