/**
 * The guide's steps and the progress logic built on them. Pure: no server-only imports, so unit tests and the
 * browser can load it.
 */

/**
 * The six steps in order; each one is a page at /guide/<slug>. The first five set up amoCRM; the last one hands the
 * website its key and the API's address.
 */
export const GUIDE_STEPS = ["sign-in", "open-amomarket", "create-integration", "fill-form", "copy-keys", "connect-website"] as const;
export type GuideStep = (typeof GUIDE_STEPS)[number];

/** The steps done in amoCRM, which saved credentials or a working connection prove done. */
export const AMOCRM_STEPS = ["sign-in", "open-amomarket", "create-integration", "fill-form", "copy-keys"] as const satisfies readonly GuideStep[];

export const GUIDE_HREF = "/guide";
export const CONNECT_HREF = "/connect";
export const STATUS_HREF = "/status";
export const TROUBLESHOOTING_HREF = "/guide/troubleshooting";
export const API_KEYS_HREF = "/settings/api-keys";

/**
 * How many numbered callouts each step's illustration carries; the legend under the picture has one line per
 * callout in every language (checked by the unit test).
 */
export const CALLOUT_COUNTS: Record<GuideStep, number> = {
  "sign-in": 3,
  "open-amomarket": 2,
  "create-integration": 3,
  "fill-form": 5,
  "copy-keys": 4,
  "connect-website": 3,
};

/** The real setup state, as `getSetupProgress()` reports it. */
export interface SetupProgressLike {
  credentialsSaved: boolean;
  connected: boolean;
  /** A site API key that is not revoked exists. */
  activeApiKey: boolean;
}

export function isGuideStep(value: unknown): value is GuideStep {
  return typeof value === "string" && (GUIDE_STEPS as readonly string[]).includes(value);
}

export function stepHref(step: GuideStep): string {
  return `${GUIDE_HREF}/${step}`;
}

/** 1-based position of a step, as shown to the admin ("Step 2 of 5"). */
export function stepNumber(step: GuideStep): number {
  return GUIDE_STEPS.indexOf(step) + 1;
}

export function neighbourSteps(step: GuideStep): { previous: GuideStep | null; next: GuideStep | null } {
  const index = GUIDE_STEPS.indexOf(step);
  return { previous: GUIDE_STEPS[index - 1] ?? null, next: GUIDE_STEPS[index + 1] ?? null };
}

/**
 * Why a step counts as done. The real state wins over the admin's ticks: once the Client ID and Client Secret are
 * saved (or the account is connected) every amoCRM step of the guide is behind them, whatever was ticked; once an
 * active site API key exists, so is the website step. Each fact proves only its own steps: a connected account says
 * nothing about the website, and a key says nothing about amoCRM.
 */
export type StepDoneReason = "connected" | "credentials" | "apiKey" | "marked";

function isAmocrmStep(step: GuideStep): boolean {
  return (AMOCRM_STEPS as readonly GuideStep[]).includes(step);
}

export function stepDoneReason(
  step: GuideStep,
  progress: SetupProgressLike,
  markedSteps: Iterable<string>,
): StepDoneReason | null {
  if (isAmocrmStep(step)) {
    if (progress.connected) return "connected";
    if (progress.credentialsSaved) return "credentials";
  } else if (progress.activeApiKey) {
    return "apiKey";
  }
  return new Set(markedSteps).has(step) ? "marked" : null;
}

/** The steps that count as done, in guide order. */
export function doneSteps(progress: SetupProgressLike, markedSteps: Iterable<string>): GuideStep[] {
  const marked = [...markedSteps];
  return GUIDE_STEPS.filter((step) => stepDoneReason(step, progress, marked) !== null);
}

/** Where /guide sends the admin: the first step not done yet, or null when every step is done. */
export function firstStepNotDone(progress: SetupProgressLike, markedSteps: Iterable<string>): GuideStep | null {
  const done = new Set(doneSteps(progress, markedSteps));
  return GUIDE_STEPS.find((step) => !done.has(step)) ?? null;
}

/** The admin's landing step: the first one not done, else the last step (the website's address and keys). */
export function landingStep(progress: SetupProgressLike, markedSteps: Iterable<string>): GuideStep {
  return firstStepNotDone(progress, markedSteps) ?? GUIDE_STEPS[GUIDE_STEPS.length - 1]!;
}
