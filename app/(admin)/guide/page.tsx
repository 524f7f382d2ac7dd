import { redirect } from "next/navigation";
import { isGuideStep, landingStep, stepHref } from "@/components/guide/steps";
import { getSetupProgress } from "@/lib/amocrm/progress";
import { requireAdmin } from "@/lib/auth/session";
import { listDoneSteps } from "@/lib/db/guide-progress";

/** /guide: straight to the first step this admin has not done (the last step once everything is done). */
export default async function GuidePage() {
  const admin = await requireAdmin();
  redirect(stepHref(landingStep(await getSetupProgress(), (await listDoneSteps({ adminId: admin.id })).filter(isGuideStep))));
}
