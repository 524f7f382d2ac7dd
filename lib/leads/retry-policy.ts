/**
 * When a failed delivery is tried again, and when it is given up. Pure: the random source is a parameter so tests
 * can pin it.
 *
 * Exponential backoff with full jitter (the wait is uniform between zero and the exponential ceiling): many leads
 * that failed together spread out instead of hitting amoCRM again in one burst.
 */

export const RETRY_BASE_MS = 2_000;
export const RETRY_CAP_MS = 15 * 60_000;
/** Attempts that may fail before a lead is `dead`. */
export const MAX_ATTEMPTS = 10;
/** After amoCRM's 403 (a blocked account or address) every delivery waits this long. */
export const BLOCK_HOLD_MS = 15 * 60_000;

/** The ceiling of the wait after the `attempt`-th failure (1-based): 2 s, 4 s, 8 s, ... up to 15 minutes. */
export function backoffCeilingMs(attempt: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** exponent);
}

/**
 * The wait before the next attempt after the `attempt`-th failure. amoCRM's own `Retry-After`, when it gave one, is a
 * floor: waiting less would only earn another 429.
 */
export function retryDelayMs(attempt: number, { random = Math.random, retryAfterSeconds }: { random?: () => number; retryAfterSeconds?: number } = {}): number {
  const jittered = Math.floor(random() * backoffCeilingMs(attempt));
  return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}

export function isLastAttempt(attempt: number): boolean {
  return attempt >= MAX_ATTEMPTS;
}
