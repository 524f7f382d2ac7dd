import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitToWindow } from "@/lib/leads/rate-window";

const WINDOW_MS = 60_000;

/** The definition: admitted when fewer than `limit` earlier admissions started within the last window. */
function reference(arrivals: number[], limit: number): boolean[] {
  const admitted: number[] = [];
  return arrivals.map((at) => {
    const inWindow = admitted.filter((start) => at - start < WINDOW_MS).length;
    if (inWindow >= limit) return false;
    admitted.push(at);
    return true;
  });
}

describe("admitToWindow (LEADS_RATE_PER_MINUTE)", () => {
  it("admits `limit` requests in a window, refuses the next with the seconds until the oldest leaves", () => {
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) expect(admitToWindow(starts, { at: 1_000 + i, limit: 3, windowMs: WINDOW_MS })).toEqual({ ok: true });
    expect(admitToWindow(starts, { at: 31_000, limit: 3, windowMs: WINDOW_MS })).toEqual({ ok: false, retryAfterSeconds: 30 });
  });

  it("is a sliding window, not a bucket: one slot frees when the oldest start is a window old", () => {
    const starts: number[] = [];
    admitToWindow(starts, { at: 0, limit: 2, windowMs: WINDOW_MS });
    admitToWindow(starts, { at: 30_000, limit: 2, windowMs: WINDOW_MS });
    expect(admitToWindow(starts, { at: 59_999, limit: 2, windowMs: WINDOW_MS }).ok).toBe(false);
    expect(admitToWindow(starts, { at: 60_000, limit: 2, windowMs: WINDOW_MS }).ok).toBe(true);
    expect(admitToWindow(starts, { at: 60_001, limit: 2, windowMs: WINDOW_MS }).ok).toBe(false);
  });

  it("keeps one array per key and never more than `limit` starts in it, however many requests arrive", () => {
    const starts: number[] = [];
    let longest = 0;
    let admitted = 0;
    for (let at = 0; at < 200_000; at += 5) {
      if (admitToWindow(starts, { at, limit: 1_000, windowMs: WINDOW_MS }).ok) admitted += 1;
      longest = Math.max(longest, starts.length);
    }
    expect(longest).toBe(1_000);
    // 200 s at one request per 5 ms: 1,000 admitted per started minute (4 windows: 0, 60, 120 and 180 s).
    expect(admitted).toBe(4_000);
  });

  it("answers exactly as the definition for any arrivals in order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40_000 }), { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (gaps, limit) => {
        let at = 0;
        const arrivals = gaps.map((gap) => (at += gap));
        const starts: number[] = [];
        const answers = arrivals.map((arrival) => admitToWindow(starts, { at: arrival, limit, windowMs: WINDOW_MS }).ok);
        expect(answers).toEqual(reference(arrivals, limit));
      }),
    );
  });
});
