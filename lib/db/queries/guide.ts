import "server-only";
import { and, eq } from "drizzle-orm";
import { isGuideStep, type GuideStep } from "@/components/guide/steps";
import { getDb } from "@/lib/db/client";
import { guideProgress } from "@/lib/db/schema";

/** The guide steps this admin ticked as done (steps no longer in the guide are left out). */
export function listDoneSteps({ adminId }: { adminId: number }): GuideStep[] {
  return getDb()
    .select({ step: guideProgress.step })
    .from(guideProgress)
    .where(eq(guideProgress.adminId, adminId))
    .all()
    .map((row) => row.step)
    .filter(isGuideStep);
}

/** Ticks or unticks one step for one admin; ticking twice keeps the first time. */
export function markStepDone({ adminId, step, done }: { adminId: number; step: GuideStep; done: boolean }): void {
  if (done) {
    getDb().insert(guideProgress).values({ adminId, step, doneAt: new Date() }).onConflictDoNothing().run();
  } else {
    getDb()
      .delete(guideProgress)
      .where(and(eq(guideProgress.adminId, adminId), eq(guideProgress.step, step)))
      .run();
  }
}
