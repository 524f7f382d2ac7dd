import type { ErrorCode } from "@/lib/error-codes";

/**
 * Maps an answer of amoCRM's token endpoint or API to an error code (docs/amocrm-contract.md §4, §4.1). The bodies are
 * RFC 7807-style with a `hint` for invalid requests; 403 blocks come as nginx HTML, a deactivated user's 401 as
 * amoCRM's HTML login page. Pure.
 */

const HINTS: ReadonlyArray<[RegExp, ErrorCode]> = [
  [/authorization code has expired/i, "code_expired"],
  [/authorization code has been revoked/i, "code_used"],
  [/cannot decrypt the authorization code/i, "code_invalid"],
  [/check the `?client_id`? parameter/i, "invalid_client_id"],
  [/check the `?client_secret`? parameter/i, "invalid_client_secret"],
  [/redirect uri is not associated with client/i, "redirect_uri_mismatch"],
  [/invalid account/i, "invalid_account"],
  [/send request to account/i, "send_request_to_account"],
  [/token has been revoked/i, "token_revoked"],
  [/token is not linked to client/i, "token_not_linked"],
  [/token has expired/i, "token_expired"],
];

export interface ProviderAnswer {
  status: number;
  body: unknown;
  retryAfterSeconds?: number;
}

export interface MappedProviderError {
  code: ErrorCode;
  /** The provider's hint, kept for the event log: it names the rule, never a value. */
  hint?: string;
  retryAfterSeconds?: number;
  /** On a 400 with `validation-errors` (a refused lead): which items, by request_id, and why (§11.6). */
  validation?: RefusedItem[];
}

export interface RefusedItem {
  requestId: string;
  reason: string;
}

/**
 * amoCRM's `validation-errors` (docs/amocrm-contract.md §11.6): per refused item, its request_id and the paths and
 * details amoCRM gave, as one line. Undefined when the body has none.
 */
export function validationErrorsOf(body: unknown): RefusedItem[] | undefined {
  if (!body || typeof body !== "object" || !("validation-errors" in body) || !Array.isArray(body["validation-errors"])) return undefined;
  return body["validation-errors"].flatMap((item: unknown) => {
    if (!item || typeof item !== "object") return [];
    const requestId = "request_id" in item && (typeof item.request_id === "string" || typeof item.request_id === "number") ? String(item.request_id) : "";
    const errors = "errors" in item && Array.isArray(item.errors) ? item.errors : [];
    const reason = errors
      .map((error: unknown) => {
        if (!error || typeof error !== "object") return "";
        const path = "path" in error && typeof error.path === "string" ? error.path : "";
        const detail = "detail" in error && typeof error.detail === "string" ? error.detail : "";
        return [path, detail].filter(Boolean).join(": ");
      })
      .filter(Boolean)
      .join("; ")
      .slice(0, 500);
    return [{ requestId, reason: reason || "refused" }];
  });
}

export function hintOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && "hint" in body && typeof body.hint === "string") return body.hint.slice(0, 200);
  return undefined;
}

/** What an answer's body was: JSON, an HTML page (nginx's error pages, amoCRM's login page), nothing, or other text. */
export type BodyKind = "json" | "html" | "empty" | "text";

/** The kind of a raw body; `isJson` says whether it parsed as JSON. */
export function bodyKindOf(text: string, isJson: boolean, contentType: string | null = null): BodyKind {
  if (isJson) return "json";
  if (text.trim() === "") return "empty";
  if (/text\/html/i.test(contentType ?? "") || looksLikeHtml(text)) return "html";
  return "text";
}

function looksLikeHtml(body: unknown): boolean {
  return typeof body === "string" && /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(body);
}

// The hintless client-authentication 401, in amoCRM's Russian and in Kommo's English (docs/amocrm-contract.md §4).
const CLIENT_AUTH_WORDING = /некорректный клиент|авторизация клиента не прошла|invalid client|client authentication failed/i;

function textField(body: unknown, key: "title" | "detail" | "error"): string {
  return body && typeof body === "object" && key in body ? String((body as Record<string, unknown>)[key]).slice(0, 300) : "";
}

export function mapProviderError({ status, body, retryAfterSeconds }: ProviderAnswer): MappedProviderError {
  const hint = hintOf(body);
  if (hint) {
    const match = HINTS.find(([pattern]) => pattern.test(hint));
    if (match) return { code: match[1], hint };
  }
  const validation = status === 400 ? validationErrorsOf(body) : undefined;
  if (validation) return { code: "amocrm_refused_lead", validation };
  if (status === 401) {
    // amoCRM's HTML login page instead of the JSON 401: seen once the user who granted access was deactivated
    // (docs/amocrm-contract.md §4.1, §9.14); the token itself may be fine, so it is not called revoked.
    if (looksLikeHtml(body)) return { code: "user_deactivated" };
    // "Некорректный клиент" without a hint: almost always the Redirect URI, else the ID or secret (docs/amocrm-contract.md §9.11).
    // Kommo says it in English, in the title or only in the detail (league's "Client authentication failed").
    if (CLIENT_AUTH_WORDING.test(`${textField(body, "title")}\n${textField(body, "detail")}`)) return { code: "client_auth_failed" };
    return { code: "token_revoked", hint };
  }
  if (status === 402) return { code: "payment_required" };
  if (status === 403) return { code: forbiddenCode(body) };
  if (status === 404) return { code: "account_not_found" };
  if (status === 429) return { code: "rate_limited", retryAfterSeconds };
  return { code: "provider_error", hint };
}

/**
 * What a 403 means, as far as its body tells (docs/amocrm-contract.md §4.1, §4.2, §11.6): nginx's HTML page is the
 * block after too many requests; a JSON body naming the IP address (amoCRM's error 113) is the account's IP
 * allow-list. Anything else (a disabled account has no known body) cannot be told apart: access_forbidden says so.
 */
function forbiddenCode(body: unknown): ErrorCode {
  if (typeof body === "string") return /<html|nginx/i.test(body) ? "account_blocked" : "access_forbidden";
  return namesIpAllowList(body) ? "ip_not_allowed" : "access_forbidden";
}

const IP_ALLOW_LIST_WORDING = /\bIP\b|white ?list|allow ?list|белый список/i;

function namesIpAllowList(body: unknown): boolean {
  if (!body || typeof body !== "object") return false;
  // The legacy API wraps its error in `response` ({response: {error, error_code, ip, domain}}).
  const inner = "response" in body && body.response && typeof body.response === "object" ? body.response : body;
  if ("error_code" in inner && String(inner.error_code) === "113") return true;
  return IP_ALLOW_LIST_WORDING.test([textField(inner, "title"), textField(inner, "detail"), textField(inner, "error")].join("\n"));
}

/** `retry_after` in the body or a `Retry-After` header in seconds; undefined when absent or nonsense. */
export function retryAfterOf(body: unknown, header: string | null): number | undefined {
  const fromBody = body && typeof body === "object" && "retry_after" in body ? Number(body.retry_after) : NaN;
  const fromHeader = header === null || header.trim() === "" ? NaN : Number(header);
  const value = Number.isFinite(fromBody) ? fromBody : fromHeader;
  return Number.isFinite(value) && value >= 0 ? Math.min(Math.ceil(value), 3600) : undefined;
}
