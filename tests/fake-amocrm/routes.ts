// The amoCRM-facing endpoints: consent page, token endpoint, account API, the two subdomain
// lookups (contract §1–§5, checklist §10) and, through leads.ts, the leads API (§11); in front of
// them the rate limit and its block (§4.1, §11.7) and the injected faults.
import type { IncomingMessage, ServerResponse } from "node:http";
import { accountHost, topLevelDomain, type FakeConfig } from "./config";
import { consentErrorPage, consentPage, denyLocation, issueCode } from "./consent";
import { faultResponse, isDelayOnly, type FaultSpec, type FaultTarget } from "./faults";
import { classifyHost, type HostKind } from "./hosts";
import { parseParams, readBody, redirect, send, sendHtml, sendJson, sendProblem, sendReply } from "./http";
import {
  handleLeadsRoute,
  isLeadsPost,
  LEADS_FAULT_TARGET,
  matchLeadsRoute,
  parseJsonBody,
  type LeadsRoute,
} from "./leads";
import {
  apiUnauthorized,
  genericProblem,
  htmlErrorPage,
  notFound,
  oauthHint,
  oauthInvalidClient,
  PROBLEM_JSON,
  tooManyRequests,
  type Problem,
} from "./problems";
import { ACCESS_TTL_S, type FakeState, type Grant } from "./state";
import { looksOpaque, newRefreshToken, type TokenIssuer } from "./tokens";

type CoreRoute = "consent" | "decision" | "token" | "account" | "subdomainByAccess" | "subdomainByRefresh";
type RouteName = CoreRoute | LeadsRoute;

const CORE_ROUTES: ReadonlySet<string> = new Set<CoreRoute>([
  "consent",
  "decision",
  "token",
  "account",
  "subdomainByAccess",
  "subdomainByRefresh",
]);

function isLeadsRoute(route: RouteName | undefined): route is LeadsRoute {
  return route !== undefined && !CORE_ROUTES.has(route);
}

function matchRoute(method: string, path: string): RouteName | undefined {
  if (method === "GET" && (path === "/oauth" || path === "/oauth/")) return "consent";
  if (method === "POST" && path === "/oauth/decision") return "decision";
  if (method === "POST" && path === "/oauth2/access_token") return "token";
  if (method === "GET" && path === "/api/v4/account") return "account";
  if (method === "GET" && path === "/oauth2/account/subdomain") return "subdomainByAccess";
  if (method === "GET" && path === "/oauth2/account/current/subdomain") return "subdomainByRefresh";
  return matchLeadsRoute(method, path);
}

function isApiPath(path: string): boolean {
  return path === "/api/v4" || path.startsWith("/api/v4/");
}

export interface AmoRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** X-Amocrm-Account-Host (normalized) or undefined. */
  accountHost: string | undefined;
  /** Host used in 404 details. */
  displayHost: string;
  state: FakeState;
  issuer: TokenIssuer;
  /** Filled in for the request log. */
  log: { grantType?: string; fault?: boolean; rateLimited?: boolean };
}

export async function handleAmoRequest(ctx: AmoRequest): Promise<void> {
  const { req, url, state } = ctx;
  const method = req.method ?? "GET";
  const route = matchRoute(method, url.pathname);
  const isApi = isApiPath(url.pathname);
  // The limit meters arrivals; a POST's body may take a moment longer to read than a GET's headers.
  const arrivedAt = state.now();

  // Bodies are read up front: fault matching for code/refresh needs grant_type.
  let params: Record<string, string> = {};
  let json: unknown;
  if (route === "token" || route === "decision") {
    params = parseParams(await readBody(req), req.headers["content-type"]);
  }
  if (isLeadsRoute(route) && isLeadsPost(route)) json = parseJsonBody(await readBody(req));
  const grantType = route === "token" ? params["grant_type"] : undefined;
  if (route === "token") ctx.log.grantType = grantType ?? "";

  countCall(state, route, grantType, isApi);

  // The limit and its block sit in front of amoCRM's application, so they come before any fault.
  if (answeredByRateLimit(ctx, route, isApi, arrivedAt)) return;

  const targets = faultTargets(route, grantType, isApi);
  const fault = state.takeFault(targets);
  if (fault) {
    await state.sleep(fault.delayMs);
    if (!isDelayOnly(fault)) {
      ctx.log.fault = true;
      // "amoCRM did it, the answer was lost": the real work happens, its answer goes nowhere.
      if (fault.process) await dispatch({ ...ctx, res: discardingResponse() }, route, params, grantType, json);
      return answerWithFault(ctx, fault);
    }
  }

  // endpointDelayMs applies to every route by its fault targets (consent pages and unknown paths included);
  // responseDelayMs only to the server-to-server endpoints, as it always has.
  const serverToServer = route !== undefined && route !== "consent" && route !== "decision";
  const baseDelay = serverToServer ? state.config.responseDelayMs : 0;
  await state.sleep(baseDelay + endpointDelay(state.config.endpointDelayMs, targets));
  // No early return when the client has gone away: like the real server, the request is
  // still processed, which is how a "lost response" (e.g. a rotated refresh token) happens.
  return dispatch(ctx, route, params, grantType, json);
}

async function dispatch(
  ctx: AmoRequest,
  route: RouteName | undefined,
  params: Record<string, string>,
  grantType: string | undefined,
  json: unknown,
): Promise<void> {
  const { req, res, url, state } = ctx;
  const host = classifyHost(ctx.accountHost, state.config, state.formerSubdomains);
  switch (route) {
    case "consent":
      return handleConsent(ctx);
    case "decision":
      return handleDecision(ctx, params);
    case "token":
      return handleToken(ctx, host, params, grantType);
    case "account":
      return handleAccount(ctx, host);
    case "subdomainByAccess":
    case "subdomainByRefresh":
      return handleSubdomainLookup(ctx, host, route);
    case undefined:
      return sendProblem(res, notFound(req.method ?? "GET", `https://${ctx.displayHost}${url.pathname}`));
    default:
      return handleLeads(ctx, host, route, json);
  }
}

/** A response that accepts everything and sends nothing, for a fault that processes the request first. */
function discardingResponse(): ServerResponse {
  const sink = {
    headersSent: false,
    destroyed: false,
    writeHead: () => sink,
    setHeader: () => sink,
    end: () => sink,
  };
  return sink as unknown as ServerResponse;
}

async function answerWithFault(ctx: AmoRequest, fault: FaultSpec): Promise<void> {
  const { req, res, state } = ctx;
  if (fault.reset) {
    req.socket.destroy();
    return;
  }
  if (fault.hang) return state.hang(res);
  const answer = faultResponse(fault, state.config.htmlErrorStatuses);
  send(res, answer.status, answer.body, answer.contentType, answer.headers);
}

/**
 * An error the fake produces itself: problem+json, or the HTML page of its status when `htmlErrorStatuses`
 * names it (the login page for an API 401, nginx's page for 403 and the gateway errors).
 */
function sendError(ctx: AmoRequest, problem: Problem): void {
  if ((ctx.state.config.htmlErrorStatuses as readonly number[]).includes(problem.status)) {
    const page = htmlErrorPage(problem.status);
    return send(ctx.res, problem.status, page.body, page.contentType);
  }
  sendProblem(ctx.res, problem);
}

/** The longest configured latency among the request's fault targets. */
function endpointDelay(delays: Partial<Record<FaultTarget, number>>, targets: readonly FaultTarget[]): number {
  return Math.max(0, ...targets.map((t) => delays[t] ?? 0));
}

/**
 * 403 nginx HTML while the account is blocked (every server-to-server request; the consent pages are
 * amoCRM's www site and stay up), else 429 for a metered call over the sliding-window limit: every /api/v4
 * call and, with `rateLimitTokenEndpoint`, every token request (contract §4.1, §9.8).
 */
function answeredByRateLimit(ctx: AmoRequest, route: RouteName | undefined, isApi: boolean, now: number): boolean {
  const { res, state } = ctx;
  const config = state.config;
  if (route === "consent" || route === "decision") return false;
  if (state.rateLimiter.isBlocked(config, now)) {
    state.calls.blocked++;
    ctx.log.rateLimited = true;
    sendError(ctx, genericProblem(403));
    return true;
  }
  const metered = isApi || (route === "token" && config.rateLimitTokenEndpoint);
  if (!metered || state.rateLimiter.meter(config, now) === "ok") return false;
  state.calls.rateLimited++;
  ctx.log.rateLimited = true;
  const retryAfter = config.rateLimitRetryAfterSeconds;
  send(res, 429, JSON.stringify(tooManyRequests(retryAfter).body), PROBLEM_JSON, { "Retry-After": String(retryAfter) });
  return true;
}

function countCall(state: FakeState, route: RouteName | undefined, grantType: string | undefined, isApi: boolean): void {
  const calls = state.calls;
  if (isApi) calls.api++;
  if (route === "leadsComplex") calls.leadsComplex++;
  if (route === "leadsNotes" || route === "leadNotes") calls.leadsNotes++;
  if (route === "leadsList" || route === "leadGet") calls.leadsList++;
  if (route === "pipelines") calls.pipelines++;
  if (route === "customFields") calls.customFields++;
  if (route === "consent") calls.consentViews++;
  if (route === "token") {
    calls.tokenTotal++;
    if (grantType === "authorization_code") calls.tokenAuthorizationCode++;
    if (grantType === "refresh_token") calls.tokenRefresh++;
  }
  if (route === "account") calls.account++;
  if (route === "subdomainByAccess" || route === "subdomainByRefresh") calls.subdomainLookups++;
}

function faultTargets(route: RouteName | undefined, grantType: string | undefined, isApi: boolean): FaultTarget[] {
  const targets: FaultTarget[] = ["any"];
  if (isApi) targets.push("api");
  if (isLeadsRoute(route)) targets.push(LEADS_FAULT_TARGET[route]);
  if (route === "consent" || route === "decision") targets.push("consent");
  if (route === "token") {
    targets.push("token");
    if (grantType === "authorization_code") targets.push("code");
    if (grantType === "refresh_token") targets.push("refresh");
  }
  if (route === "account") targets.push("account");
  if (route === "subdomainByAccess" || route === "subdomainByRefresh") targets.push("subdomain");
  return targets;
}

// --- consent -----------------------------------------------------------------------

function optionalParam(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  return value === null ? undefined : value;
}

function handleConsent(ctx: AmoRequest): void {
  const { url, res, state } = ctx;
  const config = state.config;
  const clientId = url.searchParams.get("client_id");
  if (!clientId || clientId !== config.clientId) {
    // Real amoCRM bounces unknown clients to its home page; a visible error is more useful in tests.
    return sendHtml(res, 404, consentErrorPage("Unknown or missing client_id: this integration does not exist."));
  }
  // redirect_uri, response_type, scope and mode are ignored: amoCRM always uses the registered URI.
  const requestState = optionalParam(url, "state");
  if (config.autoAllow) return redirect(res, issueCode(state, requestState).location);
  sendHtml(res, 200, consentPage(config, requestState));
}

function handleDecision(ctx: AmoRequest, params: Record<string, string>): void {
  const { res, state } = ctx;
  if (params["client_id"] !== state.config.clientId) {
    return sendHtml(res, 404, consentErrorPage("Unknown or missing client_id: this integration does not exist."));
  }
  const requestState = params["state"];
  if (params["decision"] === "allow") return redirect(res, issueCode(state, requestState).location);
  redirect(res, denyLocation(state.config, requestState));
}

// --- token endpoint ----------------------------------------------------------------

const HINT_CLIENT_ID = "Check the `client_id` parameter";
const HINT_CLIENT_SECRET = "Check the `client_secret` parameter";
const HINT_REDIRECT = "Redirect URI is not associated with client";

async function handleToken(
  ctx: AmoRequest,
  host: HostKind,
  params: Record<string, string>,
  grantType: string | undefined,
): Promise<void> {
  const { res, state, url } = ctx;
  const config = state.config;
  const notFoundHere = (): void => sendProblem(res, notFound("POST", `https://${ctx.displayHost}${url.pathname}`));

  // Host rules first: the wrong host never sees the body.
  if (host === "www") return sendProblem(res, oauthHint("Send request to account"));
  if (host === "former" || host === "foreign") return notFoundHere();
  if (host === "other" || host === "api") {
    return grantType === "authorization_code" ? sendProblem(res, oauthHint("Invalid account")) : notFoundHere();
  }

  if (!grantType) return sendProblem(res, oauthHint("Check the `grant_type` parameter"));
  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    return sendProblem(res, oauthHint("Check that all required parameters have been provided"));
  }

  const clientProblem = checkClient(config, params);
  if (clientProblem) return sendProblem(res, clientProblem);

  const outcome =
    grantType === "authorization_code" ? checkCodeGrant(state, params) : checkRefreshGrant(state, params);
  if ("problem" in outcome) return sendProblem(res, outcome.problem);

  const grant = await issueGrant(ctx, outcome.parent);
  sendJson(res, 200, {
    token_type: "Bearer",
    expires_in: ACCESS_TTL_S,
    access_token: grant.accessToken,
    refresh_token: grant.refreshToken,
    server_time: Math.floor(state.now() / 1000),
  });
}

function clientAuthFailure(config: FakeConfig, hint: string): Problem {
  return config.clientAuthStyle === "legacy401" ? oauthInvalidClient() : oauthHint(hint);
}

function checkClient(config: FakeConfig, params: Record<string, string>): Problem | undefined {
  if (params["client_id"] !== config.clientId) return oauthHint(HINT_CLIENT_ID);
  if (params["client_secret"] !== config.clientSecret) return clientAuthFailure(config, HINT_CLIENT_SECRET);
  return undefined;
}

/** Byte-for-byte comparison, trailing slash and query included (contract §9.2). */
function checkRedirect(config: FakeConfig, params: Record<string, string>): Problem | undefined {
  return params["redirect_uri"] === config.redirectUri ? undefined : clientAuthFailure(config, HINT_REDIRECT);
}

type GrantCheck = { problem: Problem } | { parent: Grant | null };

function checkCodeGrant(state: FakeState, params: Record<string, string>): GrantCheck {
  const config = state.config;
  const code = params["code"];
  if (!code) return { problem: oauthHint("Check the `code` parameter") };
  const record = state.codes.get(code);
  if (!record) return { problem: oauthHint("Cannot decrypt the authorization code") };
  if (record.clientId !== params["client_id"]) {
    return { problem: oauthHint("Authorization code was not issued to this client") };
  }
  if (record.accountId !== config.accountId) return { problem: oauthHint("Invalid account") };
  if (record.used) return { problem: oauthHint("Authorization code has been revoked") };
  if (state.isCodeExpired(record)) return { problem: oauthHint("Authorization code has expired") };
  const redirectProblem = checkRedirect(config, params);
  if (redirectProblem) return { problem: redirectProblem };
  record.used = true;
  return { parent: null };
}

function checkRefreshGrant(state: FakeState, params: Record<string, string>): GrantCheck {
  const redirectProblem = checkRedirect(state.config, params);
  if (redirectProblem) return { problem: redirectProblem };
  const token = params["refresh_token"];
  if (!token) return { problem: oauthHint("Check the `refresh_token` parameter") };
  if (!looksOpaque(token)) return { problem: oauthHint("Cannot decrypt the refresh token", 401) };
  const grant = state.findByRefreshToken(token);
  // A well-formed but unknown token (e.g. issued before a reset) reads as revoked, as in league.
  if (!grant) return { problem: oauthHint("Token has been revoked", 401) };
  if (grant.clientId !== params["client_id"]) return { problem: oauthHint("Token is not linked to client", 401) };
  if (state.isRefreshExpired(grant)) return { problem: oauthHint("Token has expired", 401) };
  if (grant.refreshRevoked) return { problem: oauthHint("Token has been revoked", 401) };
  // Using this RT is "first use" of its grant: the parent RT and parallel siblings die now.
  state.markUsed(grant);
  if (!state.config.oldAccessTokenValidAfterRefresh) grant.accessRevoked = true;
  return { parent: grant };
}

async function issueGrant(ctx: AmoRequest, parent: Grant | null): Promise<Grant> {
  const { state, issuer } = ctx;
  const config = state.config;
  const iat = Math.floor(state.now() / 1000);
  const exp = iat + ACCESS_TTL_S;
  const { token } = await issuer.sign({
    clientId: config.clientId,
    accountId: config.accountId,
    userId: config.userId,
    platform: config.platform,
    scopes: config.scopes,
    iat,
    exp,
  });
  return state.addGrant({
    parentId: parent?.id ?? null,
    accessToken: token,
    accessExpiresAt: exp * 1000,
    refreshToken: newRefreshToken(),
    longLived: false,
  });
}

// --- account API -------------------------------------------------------------------

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

/** The access token's grant when it may be used right now; marks it used (rotation rule). */
function authorizeBearer(ctx: AmoRequest): Grant | undefined {
  const token = bearerToken(ctx.req);
  const grant = token === undefined ? undefined : ctx.state.findByAccessToken(token);
  if (!grant || !ctx.state.isAccessValid(grant)) return undefined;
  ctx.state.markUsed(grant);
  return grant;
}

/** The host and token rules every /api/v4 endpoint shares; a problem when the request may not go on. */
function apiAccessProblem(ctx: AmoRequest, host: HostKind): Problem | undefined {
  const { req, url, state } = ctx;
  if (host === "former" && state.config.renamedHostApiStatus === 401) return apiUnauthorized();
  if (host !== "account" && host !== "api") return notFound(req.method ?? "GET", `https://${ctx.displayHost}${url.pathname}`);
  if (!authorizeBearer(ctx)) return apiUnauthorized();
  return undefined;
}

function handleLeads(ctx: AmoRequest, host: HostKind, route: LeadsRoute, json: unknown): void {
  const problem = apiAccessProblem(ctx, host);
  if (problem) return sendError(ctx, problem);
  sendReply(ctx.res, handleLeadsRoute(ctx.state, route, ctx.url, json));
}

function handleAccount(ctx: AmoRequest, host: HostKind): void {
  const { res, state, url } = ctx;
  const config = state.config;
  const problem = apiAccessProblem(ctx, host);
  if (problem) return sendError(ctx, problem);

  const withList = new Set(
    (url.searchParams.get("with") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  sendJson(res, 200, accountJson(config, withList), "application/hal+json");
}

/** Contract §5.1, with the optional `with=` parts the app may ask for; unknown values are ignored. */
function accountJson(config: FakeConfig, withList: ReadonlySet<string>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: config.accountId,
    name: config.accountName,
    subdomain: config.subdomain,
    created_at: 1673927032,
    created_by: 0,
    updated_at: 1673927032,
    updated_by: 0,
    current_user_id: config.userId,
    country: "UZ",
    currency: "UZS",
    currency_symbol: "сум",
    customers_mode: "disabled",
    is_unsorted_on: true,
    mobile_feature_version: 0,
    is_loss_reason_enabled: true,
    is_helpbot_enabled: false,
    is_technical_account: false,
    contact_name_display_order: 1,
  };
  if (withList.has("amojo_id")) body["amojo_id"] = "f3c6340d-410e-4ad1-9f7e-c5e663599909";
  if (withList.has("uuid")) body["uuid"] = "0b6d6c5e-3d2a-4f47-9a4a-1f1c2d3e4f50";
  if (withList.has("version")) body["version"] = 11;
  if (withList.has("drive_url")) body["drive_url"] = `https://drive-b.${config.platform}`;
  if (withList.has("is_api_filter_enabled")) body["is_api_filter_enabled"] = true;
  body["_links"] = { self: { href: `https://${accountHost(config)}/api/v4/account` } };

  const embedded: Record<string, unknown> = {};
  if (withList.has("amojo_rights")) embedded["amojo_rights"] = { can_direct: true, can_create_groups: true };
  if (withList.has("users_groups")) embedded["users_groups"] = [{ id: 0, name: "Отдел продаж", uuid: null }];
  if (withList.has("task_types")) {
    embedded["task_types"] = [
      { id: 1, name: "Связаться", color: null, icon_id: null, code: "FOLLOW_UP" },
      { id: 2, name: "Встреча", color: null, icon_id: null, code: "MEETING" },
    ];
  }
  if (withList.has("datetime_settings")) {
    embedded["datetime_settings"] = {
      date_pattern: "d.m.Y H:i",
      short_date_pattern: "d.m.Y",
      short_time_pattern: "H:i",
      date_format: "d.m.Y",
      time_format: "H:i:s",
      timezone: "Asia/Tashkent",
      timezone_offset: "+05:00",
    };
  }
  if (Object.keys(embedded).length > 0) body["_embedded"] = embedded;
  return body;
}

// --- subdomain lookups -------------------------------------------------------------

function handleSubdomainLookup(
  ctx: AmoRequest,
  host: HostKind,
  route: "subdomainByAccess" | "subdomainByRefresh",
): void {
  const { res, state, url, req } = ctx;
  if (host !== "www" && host !== "api" && host !== "account") {
    return sendProblem(res, notFound("GET", `https://${ctx.displayHost}${url.pathname}`));
  }
  let ok: boolean;
  if (route === "subdomainByAccess") {
    ok = authorizeBearer(ctx) !== undefined;
  } else {
    const header = req.headers["x-refresh-token"];
    const token = Array.isArray(header) ? header[0] : header;
    const grant = token ? state.findByRefreshToken(token.trim()) : undefined;
    // A lookup is not a "use": the app still has to refresh with this token afterwards.
    ok = grant !== undefined && !grant.refreshRevoked && !state.isRefreshExpired(grant);
  }
  if (!ok) return sendProblem(res, apiUnauthorized());
  const config = state.config;
  sendJson(res, 200, {
    id: config.accountId,
    subdomain: config.subdomain,
    domain: accountHost(config),
    top_level_domain: topLevelDomain(config.platform),
  });
}
