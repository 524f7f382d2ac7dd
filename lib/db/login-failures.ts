import "server-only";
import { and, desc, eq, gt, lt, or } from "drizzle-orm";
import { affectedRows, getDb, type Db, type Tx } from "./client";
import { loginFailures } from "./tables";
import { writeStatement, writeTransaction } from "./transaction";

/** Failed sign-ins per email and per client address (the throttle's policy is lib/auth/throttle.ts). */

export type FailureScope = "email" | "address";

/** The most recent failures of the email and of the address inside the window, newest first (at most `limit` each). */
export interface RecentFailures {
  email: Date[];
  address: Date[];
}

async function recentFailures(
  db: Db | Tx,
  { scope, subject, since, limit }: { scope: FailureScope; subject: string; since: Date; limit: number },
): Promise<Date[]> {
  const rows = await db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(eq(loginFailures.scope, scope), eq(loginFailures.subject, subject), gt(loginFailures.at, since)))
    .orderBy(desc(loginFailures.at))
    .limit(limit);
  return rows.map((row) => row.at);
}

/**
 * Reserves one sign-in attempt, in one write transaction: reads the recent failures, asks `decide` (the policy, a
 * pure function) how long this attempt must wait, and when it need not wait records the attempt as a failure right
 * away. The password is checked only after this, and a success removes the failures again (deleteFailures), so
 * concurrent guesses see each other's reservations and cannot slip past the limit while a check is running.
 *
 * The read and the insert are atomic on both engines because writeTransaction takes the writer lock for them:
 * SQLite's BEGIN IMMEDIATE, PostgreSQL's writer advisory lock (never `concurrent` here), so guesses on two servers
 * sharing one PostgreSQL database wait for each other's reservation as they do in one process.
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
  return writeTransaction(async (tx) => {
    await tx.delete(loginFailures).where(lt(loginFailures.at, since));
    const recent = {
      email: await recentFailures(tx, { scope: "email", subject: email, since, limit }),
      address: await recentFailures(tx, { scope: "address", subject: address, since, limit }),
    };
    const waitSeconds = decide(recent);
    if (waitSeconds > 0) return { waitSeconds };
    await tx.insert(loginFailures).values([
      { scope: "email", subject: email, at: now },
      { scope: "address", subject: address, at: now },
    ]);
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
    email: await recentFailures(db, { scope: "email", subject: email, since, limit }),
    address: await recentFailures(db, { scope: "address", subject: address, since, limit }),
  };
}

/** After a successful sign-in: the email and the address start afresh. */
export async function deleteFailures({ email, address }: { email: string; address: string }): Promise<void> {
  await writeStatement((db) =>
    db
      .delete(loginFailures)
      .where(
        or(
          and(eq(loginFailures.scope, "email"), eq(loginFailures.subject, email)),
          and(eq(loginFailures.scope, "address"), eq(loginFailures.subject, address)),
        ),
      ),
  );
}

/** Lifts an email's lockout (npm run admin -- reset-password); the addresses that failed keep their own count. */
export async function deleteEmailFailures({ email }: { email: string }): Promise<number> {
  return affectedRows(
    await writeStatement((db) =>
      db.delete(loginFailures).where(and(eq(loginFailures.scope, "email"), eq(loginFailures.subject, email))),
    ),
  );
}
