import "server-only";
import { and, count, eq, gt, lt, min, or } from "drizzle-orm";
import { firstRow, getDb } from "./client";
import { loginFailures } from "./tables";
import { writeStatement, writeTransaction } from "./transaction";

/** Failed sign-ins per email and per client address (the throttle's policy is lib/auth/throttle.ts). */

export type FailureScope = "email" | "address";

/** How many failures one subject had since `since`, and when the oldest of them was. */
export async function countFailuresSince({
  scope,
  subject,
  since,
}: {
  scope: FailureScope;
  subject: string;
  since: Date;
}): Promise<{ count: number; oldest: Date | null }> {
  const row = firstRow(
    await getDb()
      .select({ n: count(), oldest: min(loginFailures.at) })
      .from(loginFailures)
      .where(and(eq(loginFailures.scope, scope), eq(loginFailures.subject, subject), gt(loginFailures.at, since))),
  );
  if (!row?.oldest) return { count: row?.n ?? 0, oldest: null };
  const oldest = row.oldest instanceof Date ? row.oldest : new Date(Number(row.oldest));
  return { count: row.n, oldest };
}

/** Records one failure for the email and one for the address, dropping failures older than `pruneBefore`. */
export async function insertFailure({ email, address, at, pruneBefore }: { email: string; address: string; at: Date; pruneBefore: Date }): Promise<void> {
  await writeTransaction(async (tx) => {
    await tx.delete(loginFailures).where(lt(loginFailures.at, pruneBefore));
    await tx.insert(loginFailures).values([
      { scope: "email", subject: email, at },
      { scope: "address", subject: address, at },
    ]);
  });
}

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
