import "server-only";
import { createFormatter, createTranslator } from "next-intl";
import { getEnv } from "@/lib/env";
import { FORMATS } from "@/lib/i18n/formats";
import type { Locale } from "@/lib/i18n/locales";
import { loadMessages } from "@/lib/i18n/messages";
import type { AlertMessageKind } from "./events";

/**
 * An alert as every channel sends it: what happened, what it means for leads, the one action that fixes it and the
 * page to do it on, in the admin's chosen language. Rendered when it is sent (no request is there, so next-intl's
 * translator and formatter are built here from the stored language and APP_TIME_ZONE).
 */

export interface AlertMessage {
  /** The webhook's `event`: the kind, or connection_restored for a flapping summary that ends connected. */
  event: string;
  state: string | null;
  previousState: string | null;
  title: string;
  happened: string;
  leads: string;
  action: string;
  /** The page that fixes it. */
  url: string;
  at: Date;
  /** The whole message as plain text. */
  text: string;
}

export interface AlertFacts {
  kind: AlertMessageKind;
  state: string | null;
  previousState: string | null;
  occurrences: number;
  detail: Record<string, string | number>;
  firstAt: Date;
  lastAt: Date;
}

export type AlertFailureCode =
  | "not_configured"
  | "webhook_url_invalid"
  | "webhook_private_address"
  | "dns_failed"
  | "http_status"
  | "redirect"
  | "timeout"
  | "network_error"
  | "telegram_not_configured"
  | "telegram_unauthorized"
  | "telegram_rate_limited"
  | "telegram_forbidden"
  | "telegram_bad_request"
  | "telegram_no_chats"
  | "email_not_configured"
  | "email_no_recipients"
  | "smtp_auth_failed"
  | "smtp_refused"
  | "smtp_connection_failed";

/** Safe facts of a failure: never a URL's credentials, a token or a password. */
export interface AlertFailure {
  code: AlertFailureCode;
  host?: string;
  address?: string;
  status?: number | string;
  seconds?: number;
}

/** A failure's facts as stored beside a channel's health (no code: that has its own column). */
export function failureDetail(failure: AlertFailure): Record<string, string | number> {
  const detail: Record<string, string | number> = {};
  if (failure.host) detail.host = failure.host;
  if (failure.address) detail.address = failure.address;
  if (failure.status !== undefined) detail.status = failure.status;
  if (failure.seconds !== undefined) detail.seconds = failure.seconds;
  return detail;
}

function translator(locale: Locale) {
  return createTranslator({ locale, messages: loadMessages(locale), namespace: "alerts", timeZone: getEnv().timeZone, formats: FORMATS });
}

const STATES = ["not_configured", "configured", "connected", "degraded", "needs_reauth", "revoked", "error"] as const;
type StateName = (typeof STATES)[number];
const isState = (value: unknown): value is StateName => typeof value === "string" && (STATES as readonly string[]).includes(value);

export function describeAlertFailure(failure: AlertFailure, locale: Locale): string {
  return translator(locale)(`failures.${failure.code}`, {
    host: failure.host ?? "",
    address: failure.address ?? "",
    status: String(failure.status ?? ""),
    seconds: failure.seconds ?? 0,
  });
}

function pathFor(facts: AlertFacts, state: string | null): string {
  switch (facts.kind) {
    case "connection_lost":
      return state === "needs_reauth" || state === "revoked" ? "/connect" : "/status";
    case "refresh_token_expiring":
      return "/connect";
    case "lead_dead":
      return "/leads?status=dead";
    case "channel_failing":
    case "test":
      return "/settings/alerts";
    default:
      return "/status";
  }
}

export function renderAlert(facts: AlertFacts, locale: Locale): AlertMessage {
  const t = translator(locale);
  const env = getEnv();
  const format = createFormatter({ locale, timeZone: env.timeZone, formats: FORMATS });
  const state = facts.state;
  const stateName = isState(state) ? t(`states.${state}`) : (state ?? "");
  const moment = (value: string | number | undefined) => (value === undefined ? "" : format.dateTime(new Date(value), "moment"));
  let event: string = facts.kind;
  let title: string;
  let happened: string;
  let leads: string;
  let action: string;
  switch (facts.kind) {
    case "connection_lost": {
      const summary = facts.occurrences > 1 || state === "connected";
      if (state === "connected") event = "connection_restored";
      if (summary) {
        title = t("message.flapping.title", { count: facts.occurrences });
        happened = t("message.flapping.happened", { count: facts.occurrences, since: format.dateTime(facts.firstAt, "moment"), stateName });
      } else {
        title = t("message.connection_lost.title", { stateName });
        happened = t("message.connection_lost.happened", { state: state ?? "error" });
      }
      if (state === "connected") {
        leads = t("message.connection_restored.leads");
        action = t("message.connection_restored.action");
      } else {
        leads = t("message.connection_lost.leads");
        action = t("message.connection_lost.action", { state: state ?? "error" });
      }
      break;
    }
    case "connection_restored":
      title = t("message.connection_restored.title");
      happened = t("message.connection_restored.happened", { drops: Number(facts.detail.drops ?? 1) });
      leads = t("message.connection_restored.leads");
      action = t("message.connection_restored.action");
      break;
    case "refresh_token_expiring": {
      const date = moment(facts.detail.expiresAt);
      title = t("message.refresh_token_expiring.title", { date });
      happened = t("message.refresh_token_expiring.happened", { date });
      leads = t("message.refresh_token_expiring.leads");
      action = t("message.refresh_token_expiring.action");
      break;
    }
    case "lead_dead": {
      const count = Number(facts.detail.count ?? facts.occurrences);
      title = t("message.lead_dead.title", { count });
      happened = t("message.lead_dead.happened", { count });
      leads = t("message.lead_dead.leads", { count });
      action = t("message.lead_dead.action");
      break;
    }
    case "leads_held": {
      const count = Number(facts.detail.count ?? 1);
      title = t("message.leads_held.title", { count });
      happened = t("message.leads_held.happened", { count, since: moment(facts.detail.since) });
      leads = t("message.leads_held.leads");
      action = t("message.leads_held.action");
      break;
    }
    case "channel_failing": {
      const channel = t(`channels.${String(facts.detail.channel) as "webhook" | "telegram" | "email"}`);
      const { detail } = facts;
      const reason = describeAlertFailure(
        {
          code: String(detail.code ?? "network_error") as AlertFailureCode,
          host: detail.host === undefined ? undefined : String(detail.host),
          address: detail.address === undefined ? undefined : String(detail.address),
          status: detail.status,
          seconds: detail.seconds === undefined ? undefined : Number(detail.seconds),
        },
        locale,
      );
      title = t("message.channel_failing.title", { channel });
      happened = t("message.channel_failing.happened", { channel, count: String(facts.detail.failures ?? ""), reason });
      leads = t("message.channel_failing.leads", { channel });
      action = t("message.channel_failing.action");
      break;
    }
    case "test":
      title = t("message.test.title");
      happened = t("message.test.happened");
      leads = t("message.test.leads");
      action = t("message.test.action");
      break;
  }
  const url = `${env.appUrl}${pathFor(facts, state)}`;
  const text = [title, "", happened, leads, action, t("message.open", { url })].join("\n");
  return { event, state, previousState: facts.previousState, title, happened, leads, action, url, at: facts.lastAt, text };
}
