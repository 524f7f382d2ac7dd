// amoCRM's request limit (docs/amocrm-contract.md §4.1, §9.8, §11.6, §11.7): at most N calls to /api/v4 (and, by default, to the
// token endpoint) per account in any sliding 1-second window; the call over the limit gets 429, and enough 429s in a row of a minute get
// the account blocked (nginx HTML 403 on every server-to-server request) for a while.
import type { FakeConfig } from "./config";

/** 429s counted for the block within this many ms. */
export const BLOCK_COUNT_WINDOW_MS = 60_000;
const WINDOW_MS = 1000;

export type RateVerdict = "ok" | "limited" | "blocked";

export interface RateLimitSnapshot {
  enabled: boolean;
  /** Fake-clock ms until which every server-to-server request answers 403; null when not blocked. */
  blockedUntil: number | null;
  /** Metered calls (/api/v4, token requests) that arrived in the last second. */
  callsLastSecond: number;
  /** 429s answered in the last minute (they lead to the block). */
  limitedLastMinute: number;
}

type LimitConfig = Pick<
  FakeConfig,
  "rateLimitEnabled" | "rateLimitPerSecond" | "rateLimitBlockAfter" | "rateLimitBlockSeconds"
>;

export class RateLimiter {
  /** Arrival times of metered calls, refused ones included: "the 8th call within any second is a 429". */
  private arrivals: number[] = [];
  private limited: number[] = [];
  private blockedUntil: number | null = null;

  reset(): void {
    this.arrivals = [];
    this.limited = [];
    this.blockedUntil = null;
  }

  isBlocked(config: LimitConfig, now: number): boolean {
    if (!config.rateLimitEnabled || this.blockedUntil === null) return false;
    if (now < this.blockedUntil) return true;
    this.blockedUntil = null;
    this.limited = [];
    return false;
  }

  /** Meters one call (an /api/v4 call or a token request) arriving at `now`. */
  meter(config: LimitConfig, now: number): RateVerdict {
    if (!config.rateLimitEnabled) return "ok";
    if (this.isBlocked(config, now)) return "blocked";
    this.arrivals = this.arrivals.filter((at) => now - at < WINDOW_MS);
    this.arrivals.push(now);
    if (this.arrivals.length <= config.rateLimitPerSecond) return "ok";

    this.limited = this.limited.filter((at) => now - at < BLOCK_COUNT_WINDOW_MS);
    this.limited.push(now);
    if (config.rateLimitBlockAfter > 0 && this.limited.length >= config.rateLimitBlockAfter) {
      this.blockedUntil = now + config.rateLimitBlockSeconds * 1000;
    }
    // The call that crosses the threshold still gets its 429; the block starts with the next one.
    return "limited";
  }

  snapshot(config: LimitConfig, now: number): RateLimitSnapshot {
    return {
      enabled: config.rateLimitEnabled,
      blockedUntil: this.isBlocked(config, now) ? this.blockedUntil : null,
      callsLastSecond: this.arrivals.filter((at) => now - at < WINDOW_MS).length,
      limitedLastMinute: this.limited.filter((at) => now - at < BLOCK_COUNT_WINDOW_MS).length,
    };
  }
}
