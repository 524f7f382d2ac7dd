import { getTranslations } from "next-intl/server";
import { setStepDone } from "@/app/(admin)/guide/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { neighbourSteps, type GuideStep, type StepDoneReason } from "./steps";

const DONE_BY_STATE = {
  connected: "markDone.doneByConnection",
  credentials: "markDone.doneByCredentials",
  apiKey: "markDone.doneByApiKey",
} as const;

/**
 * "Mark as done" for one step. A step done because of the real state (keys saved, connected, a site API key) cannot
 * be unticked: the state, not the tick, is what counts.
 */
export async function MarkDoneForm({ step, reason }: { step: GuideStep; reason: StepDoneReason | null }) {
  const t = await getTranslations("guide");
  if (reason !== null && reason !== "marked") {
    return (
      // A standing fact of the page, not news: no live-region role.
      <Alert tone="success" role={null} className="flex items-center gap-2 font-medium">
        <DoneIcon />
        {t(DONE_BY_STATE[reason])}
      </Alert>
    );
  }
  const isLast = neighbourSteps(step).next === null;
  return (
    <form action={setStepDone} className="flex flex-wrap items-center gap-3 rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <input type="hidden" name="step" value={step} />
      <input type="hidden" name="done" value={reason === "marked" ? "false" : "true"} />
      {reason === "marked" ? (
        <>
          <p className="flex flex-1 items-center gap-2 text-sm font-medium text-emerald-900">
            <DoneIcon />
            {t("markDone.markedDone")}
          </p>
          <Button type="submit" variant="secondary">
            {t("markDone.undo")}
          </Button>
        </>
      ) : (
        <Button type="submit">{isLast ? t("markDone.doneLast") : t("markDone.done")}</Button>
      )}
    </form>
  );
}

function DoneIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 shrink-0 text-emerald-700" fill="currentColor">
      <path
        fillRule="evenodd"
        d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm3.86-9.47a.75.75 0 1 0-1.22-.87l-3.24 4.53-1.6-1.6a.75.75 0 0 0-1.06 1.06l2.22 2.22a.75.75 0 0 0 1.14-.1l3.76-5.24Z"
        clipRule="evenodd"
      />
    </svg>
  );
}
