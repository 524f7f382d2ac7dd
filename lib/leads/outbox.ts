import "server-only";
import { classifyRefreshFailure, isForbidden } from "@/lib/amocrm/connection-state";
import { getAccessToken } from "@/lib/amocrm/tokens";
import { notifyAlertQueued } from "@/lib/alerts/wake";
import { addLeadNotes, COMPLEX_BATCH_LIMIT, createComplexLeads, findLeadByReference, listTrackingFieldCodes } from "@/lib/amocrm/leads-api";
import {
  applyTransitions,
  claimDueLeads,
  clearDeliveryHold,
  deliveryRunsInParallel,
  eraseDeliveredLeadData,
  getDeliveryState,
  hasDeliveryWork,
  holdQueuedLeads,
  listPendingNotes,
  markNotesDone,
  purgeIdempotencyKeys,
  resumeHeldLeads,
  type ClaimedLead,
} from "@/lib/db/leads";
import { getLeadSettings, saveUtmFieldCodes } from "@/lib/db/lead-settings";
import { withLease } from "@/lib/db/lease";
import { getEnv } from "@/lib/env";
import { toAppError } from "@/lib/errors";
import { decideBatch, type AttemptResult, type LeadTransition } from "./delivery-outcome";
import { leadReference, toComplexLead, toLeadNote, type StoredLead } from "./mapping";
import { isLastAttempt } from "./retry-policy";

/**
 * One round of delivery, as the worker runs it under its lease: hold or resume by the connection's state, claim
 * the oldest due leads, look up those amoCRM may already have, send the rest in one `leads/complex` call, and apply
 * what lib/leads/delivery-outcome decides. Every amoCRM call goes through the one outbound gate and its limiter.
 */

/**
 * How an error from amoCRM (or from getting a token) ends one attempt. The connection's own classification decides
 * what is passing trouble; whatever else stops a token from being used (not connected, re-authorization needed,
 * revoked, unpaid, ...) holds the leads without spending attempts.
 */
export function classifyFailure(error: unknown, { sending }: { sending: boolean }): AttemptResult {
  const appError = toAppError(error);
  if (!appError) return { kind: "transient", code: "provider_error" };
  const code = appError.code;
  if (isForbidden(code)) return { kind: "blocked", code };
  if (code === "amocrm_refused_lead") return { kind: "refused", refused: refusedLeads(appError.detail) };
  if (classifyRefreshFailure(code) !== "transient") return { kind: "unusable", code };
  // Only a 429 says for certain that amoCRM did not take the batch. After a timeout, a dropped connection or a 5xx
  // it may have created the leads anyway (docs/amocrm-contract.md §11.6), so they are looked up before any resend.
  // A 401 (unauthorized_after_refresh) refused the batch as surely as a 429.
  if (sending && code !== "rate_limited" && code !== "unauthorized_after_refresh") return { kind: "unknown", code };
  return { kind: "transient", code, retryAfterSeconds: appError.retryAfterSeconds };
}

/** amoCRM's 400 names the refused items by request_id (our lead id); the detail maps them to the reason. */
function refusedLeads(detail: Record<string, string | number>): Map<string, string> {
  const refused = new Map<string, string>();
  try {
    const items = JSON.parse(String(detail.validation ?? "[]")) as Array<{ requestId: string; reason: string }>;
    for (const item of items) refused.set(item.requestId, item.reason);
  } catch {
    // No readable detail: the caller then refuses the whole batch.
  }
  return refused;
}

export interface RoundResult {
  claimed: number;
  sent: number;
  /** True when there may be more to do right away. */
  busy: boolean;
}

const UTM_FIELDS_MAX_AGE_MS = 60 * 60_000;
const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
const housekeeping = globalThis as unknown as { amocrmLeadHousekeepingAt?: number };

export async function runDeliveryRound({ owner, signal, now = () => new Date() }: { owner: string; signal: AbortSignal; now?: () => Date }): Promise<RoundResult> {
  await runHousekeeping(now());
  // Nothing waiting: no token is read (a read may refresh it), no call is made.
  if (!(await hasDeliveryWork({ now: now() }))) return { claimed: 0, sent: 0, busy: false };
  const state = await getDeliveryState();
  if (state.holdUntil && state.holdUntil.getTime() > now().getTime()) {
    await holdQueuedLeads({ code: state.holdReason ?? "account_blocked", now: now() });
    return { claimed: 0, sent: 0, busy: false };
  }
  if (state.holdUntil) await clearDeliveryHold();

  // The connection must be usable before anything is claimed; held leads resume, oldest first, once it is.
  try {
    await getAccessToken();
  } catch (error) {
    const result = classifyFailure(error, { sending: false });
    if (result.kind === "unusable" || result.kind === "blocked") {
      await holdQueuedLeads({ code: result.code, now: now() });
      return { claimed: 0, sent: 0, busy: false };
    }
    return { claimed: 0, sent: 0, busy: false };
  }
  await resumeHeldLeads({ now: now() });
  // Workers side by side (PostgreSQL) would each send the same pending notes: one instance at a time does.
  if (deliveryRunsInParallel()) await withLease("lead-notes", () => sendPendingNotes(now));
  else await sendPendingNotes(now);

  const claimed = await claimDueLeads({ owner, limit: COMPLEX_BATCH_LIMIT, now: now() });
  if (claimed.length === 0) return { claimed: 0, sent: 0, busy: false };
  if (signal.aborted) return { claimed: claimed.length, sent: 0, busy: false };

  const transitions: LeadTransition[] = [];
  const toSend: ClaimedLead[] = [];
  for (const lead of claimed) {
    if (!lead.row.lookUpFirst) {
      toSend.push(lead);
      continue;
    }
    try {
      const found = await findLeadByReference(leadReference(lead.row.id));
      if (found) transitions.push({ id: lead.row.id, status: "sent", ...found });
      else if (isLastAttempt(lead.row.attempts - 1)) {
        transitions.push({ id: lead.row.id, status: "dead", errorCode: lead.row.lastErrorCode ?? "provider_timeout", errorDetail: null, attempts: lead.row.attempts - 1 });
      } else toSend.push(lead);
    } catch (error) {
      const decision = decideBatch([{ id: lead.row.id, attempts: lead.row.attempts }], classifyFailure(error, { sending: false }), { now: now() });
      // A failed look-up leaves the lead to be looked up again.
      transitions.push(...decision.leads.map((change) => (change.status === "queued" ? { ...change, lookUpFirst: true } : change)));
    }
  }

  const notePending = new Set<string>();
  let holdUntil: Date | null = null;
  let holdReason: string | null = null;
  const sendable = toSend.filter((lead) => lead.data !== null);
  if (sendable.length > 0 && !signal.aborted) {
    const settings = await settingsWithUtmFields(now());
    const items = sendable.map((lead) => toComplexLead(storedLead(lead), settings, { formPage: getEnv().appUrl }));
    let result: AttemptResult;
    try {
      result = { kind: "created", created: await createComplexLeads(items) };
    } catch (error) {
      result = classifyFailure(error, { sending: true });
      if (result.kind === "refused" && result.refused.size === 0) {
        // amoCRM refused the batch without naming an item: each lead is refused with the batch's reason.
        result = { kind: "refused", refused: new Map(sendable.map((lead) => [lead.row.id, "amoCRM refused the data"])) };
      }
    }
    const decision = decideBatch(sendable.map((lead) => ({ id: lead.row.id, attempts: lead.row.attempts })), result, { now: now() });
    transitions.push(...decision.leads);
    holdUntil = decision.holdDeliveriesUntil;
    holdReason = result.kind === "blocked" ? result.code : null;
    if (result.kind === "created") {
      const notes = sendable.flatMap((lead) => {
        const created = result.kind === "created" ? result.created.get(lead.row.id) : undefined;
        const note = created ? toLeadNote({ id: lead.row.id, message: lead.data?.message ?? null }, created.amocrmLeadId) : null;
        return note ? [note] : [];
      });
      try {
        await addLeadNotes(notes);
      } catch {
        for (const note of notes) notePending.add(note.request_id);
      }
    }
  }
  const dead = transitions.filter((change) => change.status === "dead").length;
  const alert = dead > 0 ? { kind: "lead_dead" as const, at: now(), count: dead, detail: { count: dead } } : null;
  await applyTransitions({ transitions, notePending, holdUntil, holdReason, now: now(), alert });
  if (alert) notifyAlertQueued();
  const sent = transitions.filter((change) => change.status === "sent").length;
  return { claimed: claimed.length, sent, busy: claimed.length === COMPLEX_BATCH_LIMIT };
}

function storedLead(lead: ClaimedLead): StoredLead {
  const data = lead.data;
  if (!data) throw new Error("lead data erased");
  return { id: lead.row.id, createdAt: lead.row.createdAt, source: lead.row.source, ...data };
}

/** The settings with the account's UTM fields, read from amoCRM at most hourly; the last known list when that fails. */
async function settingsWithUtmFields(now: Date) {
  const settings = await getLeadSettings();
  if (settings.utmFieldsCheckedAt && now.getTime() - settings.utmFieldsCheckedAt.getTime() < UTM_FIELDS_MAX_AGE_MS) return settings;
  try {
    const codes = await listTrackingFieldCodes();
    await saveUtmFieldCodes({ codes, now });
    return { ...settings, utmFieldCodes: codes };
  } catch {
    return settings;
  }
}

/** Messages of sent leads whose note failed earlier; a refused note is given up, never the lead. */
async function sendPendingNotes(now: () => Date): Promise<void> {
  const pending = await listPendingNotes({ limit: COMPLEX_BATCH_LIMIT });
  if (pending.length === 0) return;
  const notes = pending.flatMap((lead) => {
    const note = lead.row.amocrmLeadId ? toLeadNote({ id: lead.row.id, message: lead.data?.message ?? null }, lead.row.amocrmLeadId) : null;
    return note ? [note] : [];
  });
  try {
    await addLeadNotes(notes);
  } catch (error) {
    if (toAppError(error)?.code !== "amocrm_refused_lead") return;
  }
  await markNotesDone({ ids: pending.map((lead) => lead.row.id), now: now() });
}

async function runHousekeeping(now: Date): Promise<void> {
  if (housekeeping.amocrmLeadHousekeepingAt && now.getTime() - housekeeping.amocrmLeadHousekeepingAt < HOUSEKEEPING_EVERY_MS) return;
  housekeeping.amocrmLeadHousekeepingAt = now.getTime();
  const retentionMs = getEnv().leadsRetentionDays * 24 * 60 * 60_000;
  await eraseDeliveredLeadData({ before: new Date(now.getTime() - retentionMs), now });
  await purgeIdempotencyKeys({ now });
}
