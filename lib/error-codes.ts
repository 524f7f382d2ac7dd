/**
 * Every error code the app can show to an admin, with the HTTP status a JSON route answers with.
 * The code is the stable key for the message (messages/<locale>/errors.json), for the troubleshooting
 * entry that explains it (messages/<locale>/troubleshooting.json, anchor `#<code>` on /guide/troubleshooting),
 * and for `lastError.code` in the status JSON. Pure data: safe for the browser.
 */
export const ERROR_CODES = {
  // Request and session
  unauthorized: 401,
  origin_mismatch: 403,
  invalid_input: 422,
  throttled: 429,

  // OAuth callback, before any call to amoCRM
  access_denied: 400,
  invalid_callback: 400,
  state_invalid: 400,
  state_expired: 400,
  state_used: 400,
  state_other_admin: 403,
  referer_invalid: 400,
  platform_mismatch: 400,
  account_mismatch: 400,
  client_id_mismatch: 400,

  // Connection state
  not_configured: 409,
  not_connected: 409,
  needs_reauth: 409,
  revoked: 409,
  encryption_key_mismatch: 503,
  database_unavailable: 503,

  // Token endpoint and API answers (docs/amocrm-contract.md §4)
  code_expired: 502,
  code_used: 502,
  code_invalid: 502,
  invalid_client_id: 502,
  invalid_client_secret: 502,
  redirect_uri_mismatch: 502,
  client_auth_failed: 502,
  invalid_account: 502,
  send_request_to_account: 502,
  token_revoked: 409,
  token_not_linked: 409,
  token_expired: 409,
  user_deactivated: 409,
  unauthorized_after_refresh: 502,
  account_not_found: 502,
  account_blocked: 502,
  ip_not_allowed: 502,
  access_forbidden: 502,
  payment_required: 502,
  rate_limited: 429,
  provider_error: 502,
  provider_timeout: 504,
  network_error: 502,
  malformed_response: 502,
  long_lived_token_expired: 409,
  long_lived_no_refresh: 422,

  // Disconnect hook
  signature_invalid: 403,

  // Website leads: the site's intake API, and what happened to a lead in amoCRM
  invalid_api_key: 401,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  amocrm_refused_lead: 502,
  amocrm_answer_incomplete: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ALL_ERROR_CODES = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
