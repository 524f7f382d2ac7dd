import "server-only";
import { redirect } from "next/navigation";
import { deleteAdminSession, findAdminBySession } from "@/lib/db/admin-sessions";
import type { Admin } from "@/lib/db/schema";
import { auth } from "./next-auth";

/**
 * The signed-in admin, re-read from the database, or null. The cookie must name a session that is still recorded:
 * after sign-out (or a deleted admin) it opens nothing, even when a late response sets the old cookie again.
 */
export async function getAdmin(): Promise<Admin | null> {
  const session = await auth();
  const id = Number(session?.user?.id);
  const sessionId = session?.sessionId;
  if (!Number.isSafeInteger(id) || typeof sessionId !== "string") return null;
  return (await findAdminBySession({ adminId: id, sessionId })) ?? null;
}

/** Forgets the current session on the server, so its cookie stops working wherever a copy of it still exists. */
export async function endSession(): Promise<void> {
  const sessionId = (await auth())?.sessionId;
  if (typeof sessionId === "string") await deleteAdminSession({ sessionId });
}

/** For pages and server actions: the admin, or a redirect to the sign-in page. */
export async function requireAdmin(): Promise<Admin> {
  const admin = await getAdmin();
  if (!admin) redirect("/login");
  return admin;
}
