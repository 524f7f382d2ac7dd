"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { GUIDE_HREF, GUIDE_STEPS, neighbourSteps, stepHref } from "@/components/guide/steps";
import { requireAdmin } from "@/lib/auth/session";
import { markStepDone } from "@/lib/db/guide-progress";

const schema = z.object({
  step: z.enum(GUIDE_STEPS),
  done: z.enum(["true", "false"]).transform((value) => value === "true"),
});

/**
 * Ticks or unticks a guide step for the signed-in admin. Ticking moves on to the next step; unticking stays.
 * A form with an unknown step changes nothing.
 */
export async function setStepDone(formData: FormData): Promise<void> {
  const admin = await requireAdmin();
  const parsed = schema.safeParse({ step: formData.get("step"), done: formData.get("done") });
  if (!parsed.success) return;
  const { step, done } = parsed.data;

  await markStepDone({ adminId: admin.id, step, done });
  revalidatePath(GUIDE_HREF, "layout");

  const next = done ? neighbourSteps(step).next : null;
  redirect(stepHref(next ?? step));
}
