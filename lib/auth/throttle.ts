import "server-only";
import { countFailuresSince, deleteFailures, insertFailure, type FailureScope } from "@/lib/db/login-failures";
import { AppError } from "@/lib/errors";

/** After this many failures inside the window, that email or that address waits until the oldest one ages out. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

/** Null when sign-in may be tried; otherwise the `throttled` error with the wait in seconds. */
export type ThrottleVerdict = AppError | null;

async function waitFor(scope: FailureScope, subject: string, now: Date): Promise<number> {
  const { count, oldest } = await countFailuresSince({ scope, subject, since: new Date(now.getTime() - WINDOW_MS) });
  if (count < MAX_FAILURES || !oldest) return 0;
  return Math.max(1, Math.ceil((oldest.getTime() + WINDOW_MS - now.getTime()) / 1000));
}

export async function checkThrottle({ email, address, now }: { email: string; address: string; now: Date }): Promise<ThrottleVerdict> {
  const seconds = Math.max(await waitFor("email", email, now), await waitFor("address", address, now));
  return seconds > 0 ? new AppError("throttled", {}, { retryAfterSeconds: seconds }) : null;
}

export async function recordFailure({ email, address, now }: { email: string; address: string; now: Date }): Promise<ThrottleVerdict> {
  await insertFailure({ email, address, at: now, pruneBefore: new Date(now.getTime() - WINDOW_MS) });
  const verdict = await checkThrottle({ email, address, now });
  if (verdict) console.warn(`[auth] sign-in locked out for ${verdict.retryAfterSeconds}s after repeated failures`);
  return verdict;
}

export async function clearFailures({ email, address }: { email: string; address: string }): Promise<void> {
  await deleteFailures({ email, address });
}
