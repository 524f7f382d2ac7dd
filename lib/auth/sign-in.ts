import "server-only";
import { z } from "zod";
import { createAdminSession, deleteExpiredAdminSessions } from "@/lib/db/admin-sessions";
import { findAdminByEmail, recordSignIn } from "@/lib/db/admins";
import type { Admin } from "@/lib/db/schema";
import type { AppError } from "@/lib/errors";
import { getDummyHash, verifyPassword } from "./password";
import { sessionsStartedAfter } from "./session-policy";
import { clearFailures, reserveSignInAttempt, verdictAfterFailure } from "./throttle";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(320).pipe(z.email()),
  password: z.string().min(1).max(1024),
});

/** A failure carries `error` (code `throttled`, with retryAfterSeconds) only when sign-in is throttled. */
export type SignInResult = { ok: true; admin: Admin; sessionId: string } | { ok: false; error?: AppError };

/**
 * Checks an email and password. A wrong email and a wrong password cost the same work and give the same answer;
 * failures are throttled per email and per client address (lib/auth/throttle.ts). The attempt is reserved before
 * the password check, so guesses sent at the same moment cannot all be checked.
 */
export async function authenticateAdmin(input: {
  email: unknown;
  password: unknown;
  address: string;
  now?: Date;
}): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const parsed = credentialsSchema.safeParse({ email: input.email, password: input.password });
  const email = parsed.success ? parsed.data.email : String(input.email ?? "").trim().toLowerCase().slice(0, 320);

  const throttled = await reserveSignInAttempt({ email, address: input.address, now });
  if (throttled) return { ok: false, error: throttled };

  const admin = parsed.success ? await findAdminByEmail(parsed.data.email) : undefined;
  const valid = await verifyPassword(parsed.success ? parsed.data.password : "", admin?.passwordHash ?? (await getDummyHash()));
  if (admin && valid && parsed.success) {
    await clearFailures({ email, address: input.address });
    await recordSignIn({ adminId: admin.id, at: now });
    await deleteExpiredAdminSessions({ adminId: admin.id, createdBefore: sessionsStartedAfter(now) });
    return { ok: true, admin, sessionId: await createAdminSession({ adminId: admin.id, now }) };
  }
  // The reserved attempt already counts as this failure.
  const after = await verdictAfterFailure({ email, address: input.address, now });
  return after ? { ok: false, error: after } : { ok: false };
}
