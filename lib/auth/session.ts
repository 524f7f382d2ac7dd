import "server-only";
import { redirect } from "next/navigation";
import { auth } from "@/auth";
import { findAdminById } from "@/lib/db/queries/admins";
import type { Admin } from "@/lib/db/schema";

/** The signed-in admin, re-read from the database (a deleted admin's cookie stops working), or null. */
export async function getAdmin(): Promise<Admin | null> {
  const session = await auth();
  const id = Number(session?.user?.id);
  if (!Number.isSafeInteger(id)) return null;
  return findAdminById(id) ?? null;
}

/** For pages and server actions: the admin, or a redirect to the sign-in page. */
export async function requireAdmin(): Promise<Admin> {
  const admin = await getAdmin();
  if (!admin) redirect("/login");
  return admin;
}
