import { LEAD_STATUSES, type LeadStatus } from "@/lib/leads/delivery-outcome";

/** The status filter of /leads (`?status=dead`); anything else means every lead. */
export function parseStatusFilter(value: unknown): LeadStatus | undefined {
  return typeof value === "string" && (LEAD_STATUSES as readonly string[]).includes(value) ? (value as LeadStatus) : undefined;
}

/** A /leads URL: the status filter, the page cursor, and the outcome of a retry to announce. */
export function leadsHref({ status, before, retried }: { status?: LeadStatus; before?: string; retried?: number } = {}): string {
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (before) params.set("before", before);
  if (retried !== undefined) params.set("retried", String(retried));
  const query = params.toString();
  return query ? `/leads?${query}` : "/leads";
}

export function exportHref(status: LeadStatus | undefined): string {
  return status ? `/leads/export?status=${status}` : "/leads/export";
}
