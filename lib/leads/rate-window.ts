/**
 * A per-key sliding window of accepted request start times (`LEADS_RATE_PER_MINUTE`). Starts are appended in arrival
 * order, so the expired ones are a prefix: they are dropped in place, and a request costs O(expired) however high
 * the limit is. (Filtering a copy of the whole window on every request made each accepted request cost O(limit) and
 * allocated a window-sized array, 140 kB at 300 requests per second under a limit of 100,000 a minute.)
 */

export type WindowAnswer = { ok: true } | { ok: false; retryAfterSeconds: number };

export function admitToWindow(starts: number[], { at, limit, windowMs }: { at: number; limit: number; windowMs: number }): WindowAnswer {
  let expired = 0;
  while (expired < starts.length && at - (starts[expired] ?? at) >= windowMs) expired += 1;
  if (expired > 0) starts.splice(0, expired);
  if (starts.length >= limit) {
    const oldest = starts[0] ?? at;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - at) / 1000)) };
  }
  starts.push(at);
  return { ok: true };
}
