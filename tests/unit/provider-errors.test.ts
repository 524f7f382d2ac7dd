import { describe, expect, it } from "vitest";
import { mapProviderError, retryAfterOf } from "@/lib/amocrm/provider-errors";
import { ALL_ERROR_CODES } from "@/lib/error-codes";

const problem = (status: number, hint?: string) => ({
  ...(hint ? { hint } : {}),
  title: "Некорректный запрос",
  type: "https://developers.amocrm.ru/v3/errors/OAuthProblemJson",
  status,
  detail: "В запросе отсутствует ряд параметров или параметры невалидны",
});

describe("mapProviderError (docs/amocrm-contract.md §4)", () => {
  it.each([
    [400, "Authorization code has expired", "code_expired"],
    [400, "Authorization code has been revoked", "code_used"],
    [400, "Cannot decrypt the authorization code", "code_invalid"],
    [400, "Check the `client_id` parameter", "invalid_client_id"],
    [400, "Check the `client_secret` parameter", "invalid_client_secret"],
    [400, "Redirect URI is not associated with client", "redirect_uri_mismatch"],
    [400, "Invalid account", "invalid_account"],
    [400, "Send request to account", "send_request_to_account"],
    [401, "Token has been revoked", "token_revoked"],
    [401, "Token is not linked to client", "token_not_linked"],
    [401, "Token has expired", "token_expired"],
  ])("HTTP %i with hint %j → %s", (status, hint, code) => {
    expect(mapProviderError({ status, body: problem(status, hint) })).toEqual({ code, hint });
  });

  it("401 'Некорректный клиент' without a hint → client_auth_failed", () => {
    const body = { title: "Некорректный клиент", type: "https://developers.amocrm.ru/v3/errors/OAuthProblemJson", status: 401, detail: "Авторизация клиента не прошла" };
    expect(mapProviderError({ status: 401, body }).code).toBe("client_auth_failed");
  });

  // Kommo answers in English (docs/amocrm-contract.md §4): the same cases must give the same codes.
  it.each([
    [{ title: "Invalid client", detail: "Client authentication failed" }],
    [{ title: "Client authentication failed", detail: "Client authentication failed" }],
    [{ title: "Unauthorized", detail: "Client authentication failed" }],
    [{ title: "Некорректный запрос", detail: "Авторизация клиента не прошла" }],
  ])("401 without a hint, %j → client_auth_failed", (words) => {
    const body = { ...words, type: "https://developers.amocrm.ru/v3/errors/OAuthProblemJson", status: 401 };
    expect(mapProviderError({ status: 401, body }).code).toBe("client_auth_failed");
  });

  it("the English 400 'Invalid request' with a hint maps by the hint, as the Russian one", () => {
    const english = { ...problem(400, "Check the `client_secret` parameter"), title: "Invalid request", detail: "The request is missing a required parameter." };
    expect(mapProviderError({ status: 400, body: english }).code).toBe("invalid_client_secret");
    expect(mapProviderError({ status: 401, body: { title: "Unauthorized", detail: "Invalid user name or password" } }).code).toBe("token_revoked");
  });

  it("HTML 403 from nginx → account_blocked", () => {
    const body = "<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center></body></html>";
    expect(mapProviderError({ status: 403, body }).code).toBe("account_blocked");
  });

  // 403 means several things (docs/amocrm-contract.md §4.1, §4.2): told apart only where the body says which.
  it.each([
    // amoCRM's documented error 113: the account's IP allow-list (legacy API body).
    [{ response: { error: "Доступ к данному аккаунту с вашего IP запрещен", error_code: "113", ip: "203.0.113.7", domain: "acoustic.amocrm.ru" } }],
    [{ response: { error: "Access to this account is prohibited from your IP address", error_code: 113 } }],
    [{ title: "Forbidden", type: "https://httpstatus.es/403", status: 403, detail: "Access to this account is prohibited from your IP address" }],
  ])("JSON 403 naming the IP allow-list, %j → ip_not_allowed", (body) => {
    expect(mapProviderError({ status: 403, body }).code).toBe("ip_not_allowed");
  });

  it.each([
    [{ title: "Forbidden", type: "https://httpstatus.es/403", status: 403, detail: "Forbidden" }],
    [{}],
    [""],
    ["Forbidden"],
  ])("a 403 whose body does not say why, %j → access_forbidden", (body) => {
    expect(mapProviderError({ status: 403, body }).code).toBe("access_forbidden");
  });

  it("402 → payment_required, 404 → account_not_found, 429 → rate_limited with the wait", () => {
    expect(mapProviderError({ status: 402, body: { title: "Payment Required" } }).code).toBe("payment_required");
    expect(mapProviderError({ status: 404, body: { title: "Not Found" } }).code).toBe("account_not_found");
    expect(mapProviderError({ status: 429, body: { retry_after: 300 }, retryAfterSeconds: 300 })).toEqual({ code: "rate_limited", retryAfterSeconds: 300 });
  });

  it("5xx, unknown hints and garbage → provider_error", () => {
    expect(mapProviderError({ status: 500, body: "oops" }).code).toBe("provider_error");
    expect(mapProviderError({ status: 503, body: null }).code).toBe("provider_error");
    expect(mapProviderError({ status: 400, body: problem(400, "Something new") }).code).toBe("provider_error");
  });

  it("every code it can produce is a known error code", () => {
    const bodies = [problem(400, "x"), "<html>", null, { hint: 5 }];
    for (const status of [400, 401, 402, 403, 404, 418, 429, 500, 502, 504]) {
      for (const body of bodies) expect(ALL_ERROR_CODES).toContain(mapProviderError({ status, body }).code);
    }
  });
});

describe("retryAfterOf", () => {
  it("prefers the body's retry_after, then the header, bounded to an hour", () => {
    expect(retryAfterOf({ retry_after: 12 }, "99")).toBe(12);
    expect(retryAfterOf({}, "7")).toBe(7);
    expect(retryAfterOf("text", null)).toBeUndefined();
    expect(retryAfterOf({ retry_after: 999999 }, null)).toBe(3600);
    expect(retryAfterOf({ retry_after: -1 }, "x")).toBeUndefined();
  });
});
