import "server-only";
import { getConnectionStatus } from "@/lib/amocrm/status";
import { DecryptionError } from "@/lib/crypto/secrets";
import { listLeadsPage, openLeadData } from "@/lib/db/leads";
import type { Lead } from "@/lib/db/schema";
import type { ErrorDescriber } from "@/lib/i18n/errors";
import { leadErrorDetail, type LeadStatus } from "./delivery-outcome";
import type { PageCursor } from "./page-cursor";

/**
 * The lead log of /leads and its CSV export: pages of leads, newest first, each with its personal data opened and its
 * last error put in the admin's words. Personal data leaves this module only towards the admin's page or download;
 * nothing here logs it.
 */

export const LEAD_LOG_PAGE_SIZE = 50;

export type LeadPerson =
  | { kind: "present"; name: string; phone: string | null; email: string | null; message: string | null; pageUrl: string | null; utm: Record<string, string | null> }
  /** Erased after delivery plus LEADS_RETENTION_DAYS: expected, not an error. */
  | { kind: "erased"; erasedAt: Date | null }
  /** No configured ENCRYPTION_KEY opens it (the key was changed without ENCRYPTION_KEYS_PREVIOUS). */
  | { kind: "unreadable" };

export interface LeadLogEntry {
  id: string;
  status: LeadStatus;
  attempts: number;
  source: string | null;
  createdAt: Date;
  sentAt: Date | null;
  person: LeadPerson;
  /** Why the last attempt failed, for a lead not (yet) sent. `amocrmReason`: what amoCRM said when it refused the data. */
  error: { code: string; message: string; amocrmReason: string | null } | null;
  /** The lead in amoCRM; `url` is null while no account domain is known. */
  amocrm: { leadId: number; url: string | null } | null;
}

export interface LeadLogPage {
  entries: LeadLogEntry[];
  /** Where the next, older page starts; null on the last page. */
  older: PageCursor | null;
}

/** `https://{domain}/leads/detail/{id}`: the lead's card in amoCRM (or Kommo). */
export function amocrmLeadUrl(domain: string | null | undefined, leadId: number): string | null {
  return domain ? `https://${domain}/leads/detail/${leadId}` : null;
}

/** The account domain leads link to: the connected account's, as the status page shows it. */
export async function getLeadLinkDomain(): Promise<string | null> {
  return (await getConnectionStatus()).account?.domain ?? null;
}

function personOf(row: Lead): LeadPerson {
  try {
    const data = openLeadData(row);
    if (!data) return { kind: "erased", erasedAt: row.erasedAt };
    return { kind: "present", name: data.name, phone: data.phone, email: data.email, message: data.message, pageUrl: data.pageUrl, utm: data.utm };
  } catch (error) {
    if (error instanceof DecryptionError) return { kind: "unreadable" };
    throw error;
  }
}

export function toLeadLogEntry(row: Lead, { describe, domain }: { describe: ErrorDescriber; domain: string | null }): LeadLogEntry {
  const code = row.status !== "sent" ? row.lastErrorCode : null;
  return {
    id: row.id,
    status: row.status,
    attempts: row.attempts,
    source: row.source,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    person: personOf(row),
    error: code
      ? {
          code,
          message: describe(code, leadErrorDetail(code)),
          amocrmReason: code === "amocrm_refused_lead" ? row.lastErrorDetail : null,
        }
      : null,
    amocrm: row.amocrmLeadId !== null ? { leadId: row.amocrmLeadId, url: amocrmLeadUrl(domain, row.amocrmLeadId) } : null,
  };
}

/** One page of the log, newest first, optionally of one status, starting after `before`. */
export async function readLeadLog({
  status,
  before,
  limit = LEAD_LOG_PAGE_SIZE,
  describe,
  domain,
}: {
  status?: LeadStatus;
  before?: PageCursor | null;
  limit?: number;
  describe: ErrorDescriber;
  domain: string | null;
}): Promise<LeadLogPage> {
  // One row more than shown says whether an older page exists, without counting.
  const rows = await listLeadsPage({ status, after: before ?? undefined, limit: limit + 1 });
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    entries: shown.map((row) => toLeadLogEntry(row, { describe, domain })),
    older: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
