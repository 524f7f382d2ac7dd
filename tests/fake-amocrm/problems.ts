// Error bodies exactly as amoCRM sends them (docs/amocrm-contract.md §4 and §4.1). Key order matters to
// nobody but humans reading captures, so it follows the observed bodies.

export const PROBLEM_JSON = "application/problem+json";

const OAUTH_PROBLEM_TYPE = "https://developers.amocrm.ru/v3/errors/OAuthProblemJson";

export interface Problem {
  status: number;
  body: Record<string, unknown>;
}

/** The league/oauth2-server style "invalid request" body: 400 (or 401 for refresh-token errors) with a hint. */
export function oauthHint(hint: string, status = 400): Problem {
  return {
    status,
    body: {
      hint,
      title: "Некорректный запрос",
      type: OAUTH_PROBLEM_TYPE,
      status,
      detail: "В запросе отсутствует ряд параметров или параметры невалидны",
    },
  };
}

/** Older client-authentication failure: 401 without a hint (issue #150). */
export function oauthInvalidClient(): Problem {
  return {
    status: 401,
    body: {
      title: "Некорректный клиент",
      type: OAUTH_PROBLEM_TYPE,
      status: 401,
      detail: "Авторизация клиента не прошла",
    },
  };
}

/** API 401 for a missing, expired or revoked access token (issue #333). */
export function apiUnauthorized(): Problem {
  return {
    status: 401,
    body: {
      title: "Unauthorized",
      type: "https://httpstatus.es/401",
      status: 401,
      detail: "Неверный логин или пароль",
    },
  };
}

export type Language = "ru" | "en";

/**
 * English for the Russian titles and details above, for Kommo hosts (`kommoEnglishErrors`). Only the API 401 detail
 * is documented (Kommo's HTTP-codes page, docs/amocrm-contract.md §4.1); the OAuth ones are UNCONFIRMED: the Russian texts
 * translated, in league/oauth2-server's wording where it has one ("Client authentication failed").
 */
const ENGLISH: Readonly<Record<string, string>> = {
  "Некорректный запрос": "Invalid request",
  "В запросе отсутствует ряд параметров или параметры невалидны":
    "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
  "Некорректный клиент": "Invalid client",
  "Авторизация клиента не прошла": "Client authentication failed",
  "Неверный логин или пароль": "Invalid user name or password",
};

/** The problem with its title and detail in `language`; hints are English on both platforms already. */
export function localized(problem: Problem, language: Language): Problem {
  if (language === "ru") return problem;
  const body = { ...problem.body };
  for (const key of ["title", "detail"]) {
    const text = body[key];
    if (typeof text === "string" && ENGLISH[text]) body[key] = ENGLISH[text];
  }
  return { status: problem.status, body };
}

export function notFound(method: string, url: string): Problem {
  return {
    status: 404,
    body: { title: "Not Found", type: "https://httpstatus.es/404", status: 404, detail: `Cannot ${method} ${url}` },
  };
}

export function tooManyRequests(retryAfter: number): Problem {
  return {
    status: 429,
    body: {
      title: "Too Many Requests",
      type: "https://httpstatus.es/429",
      status: 429,
      detail: "You have sent too many requests in a given amount of time. Please try again later.",
      retry_after: retryAfter,
    },
  };
}

export interface ValidationError {
  /** The refused item's request_id; null for a problem with the batch as a whole (not an array, too long). */
  requestId: string | null;
  code: string;
  /** Dot notation into the refused item, e.g. `custom_fields_values.0.field_code`. */
  path: string;
  detail: string;
}

/**
 * amoCRM's 400 for a body that failed validation (docs/amocrm-contract.md §11.6; real bodies in amocrm-api-php #21, #115,
 * #480, #604): one `validation-errors` entry per refused item, its errors listed with path and detail.
 */
export function validationFailed(errors: readonly ValidationError[]): Problem {
  const byItem = new Map<string | null, Array<{ code: string; path: string; detail: string }>>();
  for (const error of errors) {
    const list = byItem.get(error.requestId) ?? [];
    list.push({ code: error.code, path: error.path, detail: error.detail });
    byItem.set(error.requestId, list);
  }
  return {
    status: 400,
    body: {
      "validation-errors": [...byItem].map(([requestId, itemErrors]) =>
        requestId === null ? { errors: itemErrors } : { request_id: requestId, errors: itemErrors },
      ),
      title: "Bad Request",
      type: "https://httpstatus.es/400",
      status: 400,
      detail: "Request validation failed",
    },
  };
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Generic problem body for fault statuses without a known amoCRM body. */
export function genericProblem(status: number): Problem {
  const title = STATUS_TITLES[status] ?? `HTTP ${status}`;
  const detail = status === 402 ? "Payment required" : title;
  return { status, body: { title, type: `https://httpstatus.es/${status}`, status, detail } };
}

/** nginx's own error page, e.g. a 502/503 while amoCRM's back end is down (docs/amocrm-contract.md §11.7: "503 with HTML"). */
export function nginxErrorHtml(status: number): string {
  const title = `${status} ${STATUS_TITLES[status] ?? "Error"}`;
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>`;
}

/** What nginx answers once amoCRM blocks an account for rate-limit abuse (issues #563, #434). */
export const NGINX_403_HTML = nginxErrorHtml(403);

/**
 * amoCRM's HTML login page, which an API GET may get instead of the JSON 401 once the granting user is
 * deactivated (docs/amocrm-contract.md §4.1, §9.14; issue #391). Its real markup is unknown: only "HTML, not JSON" matters.
 */
export const LOGIN_PAGE_HTML =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Авторизация</title></head><body><form method="post" action="/oauth2/authorize"><input name="USER_LOGIN"><input type="password" name="USER_HASH"><button type="submit">Войти</button></form></body></html>';

/** Statuses the fake can answer with an HTML page instead of JSON (`htmlErrorStatuses`). */
export const HTML_ERROR_STATUSES = [401, 403, 502, 503, 504] as const;
export type HtmlErrorStatus = (typeof HTML_ERROR_STATUSES)[number];

/** The HTML page for a status of `htmlErrorStatuses`: the login page for 401, nginx's page for the others. */
export function htmlErrorPage(status: number): { body: string; contentType: string } {
  if (status === 401) return { body: LOGIN_PAGE_HTML, contentType: "text/html; charset=utf-8" };
  return { body: nginxErrorHtml(status), contentType: "text/html" };
}
