import "server-only";
import { findLead } from "@/lib/db/leads";
import { AppError } from "@/lib/errors";
import { describeError } from "@/lib/i18n/errors";
import { leadErrorDetail, type LeadStatus } from "./delivery-outcome";

/** What `GET /api/v1/leads/{id}` tells the website about a lead: its fate, never its personal data. */
export interface SiteLeadStatus {
  id: string;
  status: LeadStatus;
  attempts: number;
  nextAttemptAt: string | null;
  amocrmLeadId: number | null;
  amocrmContactId: number | null;
  lastError: { code: string; message: string; at: string } | null;
  createdAt: string;
  sentAt: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function describeLeadForSite(id: string): Promise<SiteLeadStatus> {
  const lead = UUID.test(id) ? await findLead(id.toLowerCase()) : undefined;
  if (!lead) throw new AppError("not_found");
  const waiting = lead.status === "queued" || lead.status === "held";
  return {
    id: lead.id,
    status: lead.status,
    attempts: lead.attempts,
    nextAttemptAt: lead.status === "queued" ? lead.nextAttemptAt.toISOString() : null,
    amocrmLeadId: lead.amocrmLeadId,
    amocrmContactId: lead.amocrmContactId,
    lastError:
      lead.lastErrorCode && lead.lastErrorAt && (waiting || lead.status === "dead")
        ? { code: lead.lastErrorCode, message: await describeError(lead.lastErrorCode, leadErrorDetail(lead.lastErrorCode)), at: lead.lastErrorAt.toISOString() }
        : null,
    createdAt: lead.createdAt.toISOString(),
    sentAt: lead.sentAt?.toISOString() ?? null,
  };
}
