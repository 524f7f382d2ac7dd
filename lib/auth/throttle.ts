import "server-only";
import { and, count, eq, gt, lt, min, or } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { loginFailures } from "@/lib/db/schema";

/** After this many failures inside the window, that email or that address waits until the oldest one ages out. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

export interface ThrottleState {
  blocked: boolean;
  retryAfterSeconds?: number;
}

function stateFor(scope: "email" | "address", subject: string, now: Date): ThrottleState {
  const since = new Date(now.getTime() - WINDOW_MS);
  const row = getDb()
    .select({ n: count(), oldest: min(loginFailures.at) })
    .from(loginFailures)
    .where(and(eq(loginFailures.scope, scope), eq(loginFailures.subject, subject), gt(loginFailures.at, since)))
    .get();
  if (!row || row.n < MAX_FAILURES || !row.oldest) return { blocked: false };
  const oldest = row.oldest instanceof Date ? row.oldest.getTime() : Number(row.oldest);
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now.getTime()) / 1000)) };
}

export function checkThrottle({ email, address, now }: { email: string; address: string; now: Date }): ThrottleState {
  const byEmail = stateFor("email", email, now);
  const byAddress = stateFor("address", address, now);
  if (!byEmail.blocked && !byAddress.blocked) return { blocked: false };
  return {
    blocked: true,
    retryAfterSeconds: Math.max(byEmail.retryAfterSeconds ?? 0, byAddress.retryAfterSeconds ?? 0),
  };
}

export function recordFailure({ email, address, now }: { email: string; address: string; now: Date }): ThrottleState {
  const db = getDb();
  db.transaction((tx) => {
    tx.delete(loginFailures).where(lt(loginFailures.at, new Date(now.getTime() - WINDOW_MS))).run();
    tx.insert(loginFailures)
      .values([
        { scope: "email", subject: email, at: now },
        { scope: "address", subject: address, at: now },
      ])
      .run();
  });
  const state = checkThrottle({ email, address, now });
  if (state.blocked) console.warn(`[auth] sign-in locked out for ${state.retryAfterSeconds}s after repeated failures`);
  return state;
}

export function clearFailures({ email, address }: { email: string; address: string }): void {
  getDb()
    .delete(loginFailures)
    .where(
      or(
        and(eq(loginFailures.scope, "email"), eq(loginFailures.subject, email)),
        and(eq(loginFailures.scope, "address"), eq(loginFailures.subject, address)),
      ),
    )
    .run();
}
