import type { ErrorCode } from "@/lib/error-codes";
import { TROUBLESHOOTING_HREF, type GuideStep } from "./steps";

/**
 * What /guide/troubleshooting lists: the setup problems from the customer's guide, then one entry per error code,
 * grouped the way an admin meets them. Pure data (type-only imports), safe for unit tests and the browser.
 */

/** Problems met while creating the integration in amoCRM, before the app reports any error code. */
export const SETUP_PROBLEMS = ["no-integrations-section", "secret-not-visible", "redirect-uri-error"] as const;
export type SetupProblem = (typeof SETUP_PROBLEMS)[number];

/** Every anchor on the troubleshooting page: `#<topic>`. */
export type TroubleshootingTopic = ErrorCode | SetupProblem;

export const ERROR_GROUPS = ["session", "callback", "connection", "amocrm", "hook", "leads"] as const;
export type ErrorGroup = (typeof ERROR_GROUPS)[number];

/** The group of each error code; `satisfies` makes a new code in lib/error-codes.ts a type error here until placed. */
export const ERROR_GROUP_OF = {
  unauthorized: "session",
  origin_mismatch: "session",
  invalid_input: "session",
  throttled: "session",

  access_denied: "callback",
  invalid_callback: "callback",
  state_invalid: "callback",
  state_expired: "callback",
  state_used: "callback",
  state_other_admin: "callback",
  referer_invalid: "callback",
  platform_mismatch: "callback",
  account_mismatch: "callback",
  client_id_mismatch: "callback",

  not_configured: "connection",
  not_connected: "connection",
  needs_reauth: "connection",
  revoked: "connection",
  encryption_key_mismatch: "connection",
  database_unavailable: "connection",
  long_lived_no_refresh: "connection",

  code_expired: "amocrm",
  code_used: "amocrm",
  code_invalid: "amocrm",
  invalid_client_id: "amocrm",
  invalid_client_secret: "amocrm",
  redirect_uri_mismatch: "amocrm",
  client_auth_failed: "amocrm",
  invalid_account: "amocrm",
  send_request_to_account: "amocrm",
  token_revoked: "amocrm",
  token_not_linked: "amocrm",
  token_expired: "amocrm",
  user_deactivated: "amocrm",
  unauthorized_after_refresh: "amocrm",
  account_not_found: "amocrm",
  account_blocked: "amocrm",
  ip_not_allowed: "amocrm",
  access_forbidden: "amocrm",
  payment_required: "amocrm",
  rate_limited: "amocrm",
  provider_error: "amocrm",
  provider_timeout: "amocrm",
  network_error: "amocrm",
  malformed_response: "amocrm",
  long_lived_token_expired: "amocrm",

  signature_invalid: "hook",

  invalid_api_key: "leads",
  not_found: "leads",
  payload_too_large: "leads",
  unsupported_media_type: "leads",
  idempotency_key_reused: "leads",
  amocrm_refused_lead: "leads",
  amocrm_answer_incomplete: "leads",
} as const satisfies Record<ErrorCode, ErrorGroup>;

/** The codes of one group, in the order they are declared above. */
export function codesInGroup(group: ErrorGroup): ErrorCode[] {
  return (Object.keys(ERROR_GROUP_OF) as ErrorCode[]).filter((code) => ERROR_GROUP_OF[code] === group);
}

/** Which of this deployment's addresses an entry shows with a copy button, because the fix is to paste it. */
export type LiveValue = "redirectUri" | "hookUrl";

export const LIVE_VALUES_OF: Partial<Record<TroubleshootingTopic, readonly LiveValue[]>> = {
  "redirect-uri-error": ["redirectUri"],
  redirect_uri_mismatch: ["redirectUri"],
  client_auth_failed: ["redirectUri"],
  invalid_callback: ["redirectUri"],
  revoked: ["hookUrl"],
  signature_invalid: ["hookUrl"],
};

export function troubleshootingHref(topic: TroubleshootingTopic): string {
  return `${TROUBLESHOOTING_HREF}#${topic}`;
}

/**
 * The problem each guide step links to, where the admin is most likely to get stuck: a setup problem for the amoCRM
 * steps, the refused key for the website step.
 */
export const RELATED_PROBLEM_OF: Record<GuideStep, TroubleshootingTopic> = {
  "sign-in": "no-integrations-section",
  "open-amomarket": "no-integrations-section",
  "create-integration": "no-integrations-section",
  "fill-form": "redirect-uri-error",
  "copy-keys": "secret-not-visible",
  "connect-website": "invalid_api_key",
};
