import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "./client";
import { guideProgress } from "./schema";

/** Guide steps an admin ticked as done. Steps are opaque names here; the guide decides which ones exist. */

export async function listDoneSteps({ adminId }: { adminId: number }): Promise<string[]> {
  return getDb()
    .select({ step: guideProgress.step })
    .from(guideProgress)
    .where(eq(guideProgress.adminId, adminId))
    .all()
    .map((row) => row.step);
}

/** Ticks or unticks one step for one admin; ticking twice keeps the first time. */
export async function markStepDone({ adminId, step, done }: { adminId: number; step: string; done: boolean }): Promise<void> {
  if (done) {
    getDb().insert(guideProgress).values({ adminId, step, doneAt: new Date() }).onConflictDoNothing().run();
  } else {
    getDb()
      .delete(guideProgress)
      .where(and(eq(guideProgress.adminId, adminId), eq(guideProgress.step, step)))
      .run();
  }
}
