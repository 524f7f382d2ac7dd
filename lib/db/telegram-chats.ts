import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { getDb, type Db, type Tx } from "./client";
import { alertDeliveries, telegramChats } from "./schema";
import { clearTelegramCodeTx } from "./alert-settings";
import { writeTransaction } from "./transaction";

/** Telegram chats bound to alerts through the one-time deep link. */

export interface TelegramChat {
  chatId: string;
  label: string;
  boundAt: Date;
}

export function listTelegramChatsTx(db: Db | Tx = getDb()): TelegramChat[] {
  return db.select({ chatId: telegramChats.chatId, label: telegramChats.label, boundAt: telegramChats.boundAt }).from(telegramChats).orderBy(asc(telegramChats.boundAt)).all();
}

export async function listTelegramChats(): Promise<TelegramChat[]> {
  return listTelegramChatsTx();
}

/** Binds a chat and uses up the pending code, atomically: a code binds one chat once. */
export async function bindTelegramChat({ chatId, label, now = new Date() }: { chatId: string; label: string; now?: Date }): Promise<void> {
  await writeTransaction((tx) => {
    tx.insert(telegramChats)
      .values({ chatId, label, boundAt: now })
      .onConflictDoUpdate({ target: telegramChats.chatId, set: { label, boundAt: now } })
      .run();
    clearTelegramCodeTx(tx);
  });
}

/** Unbinds a chat; its waiting alerts go with it. */
export async function unbindTelegramChat({ chatId }: { chatId: string }): Promise<boolean> {
  return writeTransaction((tx) => {
    const removed = tx.delete(telegramChats).where(eq(telegramChats.chatId, chatId)).run().changes === 1;
    tx.update(alertDeliveries)
      .set({ status: "cancelled" })
      .where(and(eq(alertDeliveries.channel, "telegram"), eq(alertDeliveries.target, chatId), eq(alertDeliveries.status, "queued")))
      .run();
    return removed;
  });
}
