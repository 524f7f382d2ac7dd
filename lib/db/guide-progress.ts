import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "./client";
import { guideProgress } from "./tables";
import { writeStatement } from "./transaction";

/** Guide steps an admin ticked as done. Steps are opaque names here; the guide decides which ones exist. */

export async function listDoneSteps({ adminId }: { adminId: number }): Promise<string[]> {
  const rows = await getDb().select({ step: guideProgress.step }).from(guideProgress).where(eq(guideProgress.adminId, adminId));
  return rows.map((row) => row.step);
}

/** Ticks or unticks one step for one admin; ticking twice keeps the first time. */
export async function markStepDone({ adminId, step, done }: { adminId: number; step: string; done: boolean }): Promise<void> {
  if (done) {
    await writeStatement((db) => db.insert(guideProgress).values({ adminId, step, doneAt: new Date() }).onConflictDoNothing());
  } else {
    await writeStatement((db) => db.delete(guideProgress).where(and(eq(guideProgress.adminId, adminId), eq(guideProgress.step, step))));
  }
}
