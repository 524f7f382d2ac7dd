"use server";

import { signOut } from "@/auth";
import { endAllSessions, endSession } from "@/lib/auth/session";

export async function signOutAction(): Promise<void> {
  // Clearing the cookie alone is not enough: a request already in flight (a link prefetch) can answer after this
  // one and set the renewed cookie again. Ending the session on the server makes every copy of the cookie dead.
  await endSession();
  await signOut({ redirectTo: "/login?signedOut=1" });
}

/** Ends every session of this admin (a lost laptop, a shared computer), this one included. */
export async function signOutEverywhereAction(): Promise<void> {
  await endAllSessions();
  await signOut({ redirectTo: "/login?signedOut=everywhere" });
}
