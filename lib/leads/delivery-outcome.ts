import { BLOCK_HOLD_MS, isLastAttempt, retryDelayMs } from "./retry-policy";

/**
 * What happens to each lead of a batch after one attempt to deliver it: the rules of interfaces.md ("Website
 * leads") as one pure function, so the worker only performs what this decides. No I/O; the random source and the
 * clock are parameters.
 */

export type LeadStatus = "queued" | "sending" | "sent" | "held" | "dead";
export const LEAD_STATUSES: readonly LeadStatus[] = ["queued", "sending", "sent", "held", "dead"];

/** How one attempt at `POST /api/v4/leads/complex` ended, as the worker saw it. */
export type AttemptResult =
  /** amoCRM created (or merged) these leads: one entry per lead id that came back in `request_id`. */
  | { kind: "created"; created: Map<string, { amocrmLeadId: number; amocrmContactId: number | null }> }
  /** amoCRM refused the data of these leads (HTTP 400); the others in the batch were not created. */
  | { kind: "refused"; refused: Map<string, string> }
  /** The connection cannot be used now (not configured, needs re-authorization, revoked, unpaid): no attempt spent. */
  | { kind: "unusable"; code: string }
  /** amoCRM's 403: a blocked account or address. Everything waits BLOCK_HOLD_MS; no attempt spent. */
  | { kind: "blocked"; code: string }
  /** 429, 5xx, a network error: amoCRM did not take the batch. */
  | { kind: "transient"; code: string; retryAfterSeconds?: number }
  /** A timeout: amoCRM may have created the leads; look them up before sending again. */
  | { kind: "unknown"; code: string };

/**
 * The detail a lead's stored error code is described with: a lead records its code, not the HTTP status, and only
 * amoCRM's refusal has a known one (400). Any other code gets its wording for an unknown status, never a made-up one.
 */
export function leadErrorDetail(code: string): Record<string, string | number> {
  return code === "amocrm_refused_lead" ? { status: 400 } : {};
}

export interface LeadAttempt {
  id: string;
  /** Attempts made so far, counting this one. */
  attempts: number;
}

export type LeadTransition =
  | { id: string; status: "sent"; amocrmLeadId: number; amocrmContactId: number | null }
  | { id: string; status: "dead"; errorCode: string; errorDetail: string | null; attempts: number }
  | { id: string; status: "queued"; nextAttemptAt: Date; attempts: number; errorCode: string | null; lookUpFirst: boolean }
  | { id: string; status: "held"; attempts: number; errorCode: string };

export interface BatchDecision {
  leads: LeadTransition[];
  /** Set after a 403: no delivery before this time. */
  holdDeliveriesUntil: Date | null;
}

export function decideBatch(
  batch: readonly LeadAttempt[],
  result: AttemptResult,
  { now, random = Math.random }: { now: Date; random?: () => number },
): BatchDecision {
  const at = now.getTime();
  // Attempts that amoCRM never judged (the connection was unusable, the account blocked) are given back.
  const notSpent = (lead: LeadAttempt) => Math.max(0, lead.attempts - 1);
  switch (result.kind) {
    case "created":
      return {
        holdDeliveriesUntil: null,
        leads: batch.map((lead) => {
          const created = result.created.get(lead.id);
          if (created) return { id: lead.id, status: "sent", ...created };
          // amoCRM answered success without this lead: check before sending it again, never double it.
          return { id: lead.id, status: "queued", nextAttemptAt: new Date(at), attempts: lead.attempts, errorCode: "amocrm_answer_incomplete", lookUpFirst: true };
        }),
      };
    case "refused":
      return {
        holdDeliveriesUntil: null,
        leads: batch.map((lead) => {
          const detail = result.refused.get(lead.id);
          if (detail !== undefined) return { id: lead.id, status: "dead", errorCode: "amocrm_refused_lead", errorDetail: detail, attempts: lead.attempts };
          // The rest of a refused batch was not created (docs/amocrm-contract.md §11.6): resend at once, without counting the attempt.
          return { id: lead.id, status: "queued", nextAttemptAt: new Date(at), attempts: notSpent(lead), errorCode: null, lookUpFirst: false };
        }),
      };
    case "unusable":
      return { holdDeliveriesUntil: null, leads: batch.map((lead) => ({ id: lead.id, status: "held", attempts: notSpent(lead), errorCode: result.code })) };
    case "blocked":
      return {
        holdDeliveriesUntil: new Date(at + BLOCK_HOLD_MS),
        leads: batch.map((lead) => ({ id: lead.id, status: "held", attempts: notSpent(lead), errorCode: result.code })),
      };
    case "transient":
    case "unknown":
      return {
        holdDeliveriesUntil: null,
        leads: batch.map((lead): LeadTransition => {
          if (isLastAttempt(lead.attempts) && result.kind === "transient") {
            return { id: lead.id, status: "dead", errorCode: result.code, errorDetail: null, attempts: lead.attempts };
          }
          const retryAfterSeconds = result.kind === "transient" ? result.retryAfterSeconds : undefined;
          return {
            id: lead.id,
            status: "queued",
            nextAttemptAt: new Date(at + retryDelayMs(lead.attempts, { random, retryAfterSeconds })),
            attempts: lead.attempts,
            errorCode: result.code,
            lookUpFirst: result.kind === "unknown",
          };
        }),
      };
  }
}
