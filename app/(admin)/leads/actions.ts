"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/session";
import { retryDeadLeads } from "@/lib/db/leads";
import { notifyLeadQueued } from "@/lib/leads/wake";
import { leadsHref, parseStatusFilter } from "./href";

const leadId = z.uuid();

/**
 * Retry on a dead lead: it is queued again with a fresh set of attempts and the worker is woken. Back to the list
 * the admin was looking at, which then says how many went back (0 when the lead was no longer dead).
 */
export async function retryLeadAction(formData: FormData): Promise<void> {
  await requireAdmin();
  const status = parseStatusFilter(formData.get("status"));
  const id = leadId.safeParse(formData.get("id"));
  const retried = id.success ? await retryDeadLeads({ id: id.data, now: new Date() }) : 0;
  if (retried > 0) notifyLeadQueued();
  revalidatePath("/leads");
  redirect(leadsHref({ status, retried }));
}

/** "Retry all": every dead lead, whatever page or filter the admin is on. */
export async function retryAllDeadLeadsAction(formData: FormData): Promise<void> {
  await requireAdmin();
  const status = parseStatusFilter(formData.get("status"));
  const retried = await retryDeadLeads({ now: new Date() });
  if (retried > 0) notifyLeadQueued();
  revalidatePath("/leads");
  redirect(leadsHref({ status, retried }));
}
