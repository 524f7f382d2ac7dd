import "server-only";
import {
  deleteFailures,
  readRecentFailures,
  reserveAttempt,
  type RecentFailures,
} from "@/lib/db/login-failures";
import { AppError } from "@/lib/errors";

/**
 * The sign-in throttle. An address with 5 failures in 15 minutes waits until the oldest of them ages out, whatever
 * email it tries. An email with 5 failures in 15 minutes is locked only for addresses that failed recently
 * themselves: anyone can make an email fail (its owner's password is not needed for that), so a lock that applied
 * everywhere would let a stranger keep the real admin out for good. An address with no recent failure still gets
 * its check, one guess per fresh address while the email is locked, and a correct password from it signs in.
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

/** Null when sign-in may be tried; otherwise the `throttled` error with the wait in seconds. */
export type ThrottleVerdict = AppError | null;

function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() + WINDOW_MS - now.getTime()) / 1000));
}

/** Pure: how long an attempt with these recent failures (newest first) waits, in seconds; 0 when it may go ahead. */
export function waitSeconds(recent: RecentFailures, now: Date): number {
  // The MAX_FAILURES-th newest failure: once it ages out, fewer than MAX_FAILURES remain.
  const addressLimit = recent.address[MAX_FAILURES - 1];
  if (addressLimit) return secondsUntil(addressLimit, now);
  const emailLimit = recent.email[MAX_FAILURES - 1];
  const addressNewest = recent.address[0];
  if (emailLimit && addressNewest) return Math.min(secondsUntil(emailLimit, now), secondsUntil(addressNewest, now));
  return 0;
}

function verdict(seconds: number): ThrottleVerdict {
  return seconds > 0 ? new AppError("throttled", {}, { retryAfterSeconds: seconds }) : null;
}

/**
 * Reserves the attempt before its password is checked: counted as a failure at once, atomically with the check of
 * the limit, and taken back by clearFailures when the password was right.
 */
export async function reserveSignInAttempt({ email, address, now }: { email: string; address: string; now: Date }): Promise<ThrottleVerdict> {
  const { waitSeconds: seconds } = await reserveAttempt({
    email,
    address,
    now,
    windowMs: WINDOW_MS,
    limit: MAX_FAILURES,
    decide: (recent) => waitSeconds(recent, now),
  });
  return verdict(seconds);
}

/** After a wrong password: what the next attempt from this address for this email would meet (logged when locked). */
export async function verdictAfterFailure({ email, address, now }: { email: string; address: string; now: Date }): Promise<ThrottleVerdict> {
  const recent = await readRecentFailures({ email, address, now, windowMs: WINDOW_MS, limit: MAX_FAILURES });
  const after = verdict(waitSeconds(recent, now));
  if (after) console.warn(`[auth] sign-in locked out for ${after.retryAfterSeconds}s after repeated failures`);
  return after;
}

export async function clearFailures({ email, address }: { email: string; address: string }): Promise<void> {
  await deleteFailures({ email, address });
}
