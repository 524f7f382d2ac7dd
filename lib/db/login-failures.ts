import "server-only";
import { and, desc, eq, gt, lt, or } from "drizzle-orm";
import { getDb, type Db, type Tx } from "./client";
import { loginFailures } from "./schema";
import { writeTransaction } from "./transaction";

/** Failed sign-ins per email and per client address (the throttle's policy is lib/auth/throttle.ts). */

export type FailureScope = "email" | "address";

/** The most recent failures of the email and of the address inside the window, newest first (at most `limit` each). */
export interface RecentFailures {
  email: Date[];
  address: Date[];
}

function recentFailures(
  db: Db | Tx,
  { scope, subject, since, limit }: { scope: FailureScope; subject: string; since: Date; limit: number },
): Date[] {
  return db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(eq(loginFailures.scope, scope), eq(loginFailures.subject, subject), gt(loginFailures.at, since)))
    .orderBy(desc(loginFailures.at))
    .limit(limit)
    .all()
    .map((row) => row.at);
}

/**
 * Reserves one sign-in attempt, in one write transaction: reads the recent failures, asks `decide` (the policy, a
 * pure function) how long this attempt must wait, and when it need not wait records the attempt as a failure right
 * away. The password is checked only after this, and a success removes the failures again (deleteFailures), so
 * concurrent guesses see each other's reservations and cannot slip past the limit while a check is running.
 */
export async function reserveAttempt({
  email,
  address,
  now,
  windowMs,
  limit,
  decide,
}: {
  email: string;
  address: string;
  now: Date;
  windowMs: number;
  limit: number;
  decide: (recent: RecentFailures) => number;
}): Promise<{ waitSeconds: number }> {
  const since = new Date(now.getTime() - windowMs);
  return writeTransaction((tx) => {
    tx.delete(loginFailures).where(lt(loginFailures.at, since)).run();
    const recent = {
      email: recentFailures(tx, { scope: "email", subject: email, since, limit }),
      address: recentFailures(tx, { scope: "address", subject: address, since, limit }),
    };
    const waitSeconds = decide(recent);
    if (waitSeconds > 0) return { waitSeconds };
    tx.insert(loginFailures)
      .values([
        { scope: "email", subject: email, at: now },
        { scope: "address", subject: address, at: now },
      ])
      .run();
    return { waitSeconds: 0 };
  });
}

/** The recent failures as reserveAttempt sees them, without reserving anything (what the next attempt would meet). */
export async function readRecentFailures({
  email,
  address,
  now,
  windowMs,
  limit,
}: {
  email: string;
  address: string;
  now: Date;
  windowMs: number;
  limit: number;
}): Promise<RecentFailures> {
  const since = new Date(now.getTime() - windowMs);
  const db = getDb();
  return {
    email: recentFailures(db, { scope: "email", subject: email, since, limit }),
    address: recentFailures(db, { scope: "address", subject: address, since, limit }),
  };
}

/** After a successful sign-in: the email and the address start afresh. */
export async function deleteFailures({ email, address }: { email: string; address: string }): Promise<void> {
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

/** Lifts an email's lockout (npm run admin -- reset-password); the addresses that failed keep their own count. */
export async function deleteEmailFailures({ email }: { email: string }): Promise<number> {
  return getDb()
    .delete(loginFailures)
    .where(and(eq(loginFailures.scope, "email"), eq(loginFailures.subject, email)))
    .run().changes;
}
