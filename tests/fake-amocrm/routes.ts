// Routing of the amoCRM-facing endpoints: the consent page here, the token endpoint in token-endpoint.ts, the
// account API, lookups and leads API in account-api.ts (docs/amocrm-contract.md §1–§5, §11, checklist §10); in front of them the
// rate limit and its block (§4.1, §11.7), the injected faults and the configured latency.
import type { ServerResponse } from "node:http";
import { handleAccount, handleLeads, handleSubdomainLookup } from "./account-api";
import { accountHost } from "./config";
import { consentErrorPage, consentPage, denyLocation, issueCode } from "./consent";
import { notFoundHere, sendError, type AmoRequest } from "./context";
import { faultResponse, isDelayOnly, type FaultSpec, type FaultTarget } from "./faults";
import { classifyHost, hostPlatform, SERVED_ON, type HostBoundEndpoint, type HostKind } from "./hosts";
import { parseParams, readBody, redirect, send, sendHtml } from "./http";
import { isLeadsPost, LEADS_FAULT_TARGET, matchLeadsRoute, parseJsonBody, type LeadsRoute } from "./leads";
import { genericProblem, PROBLEM_JSON, tooManyRequests } from "./problems";
import type { FakeState } from "./state";
import { handleToken } from "./token-endpoint";

export type { AmoRequest } from "./context";

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
  const { state } = ctx;
  const host = classifyHost(ctx.accountHost, state.config, state.formerSubdomains);
  const moved = state.config.renamedHostRedirect;
  if (host === "former" && moved !== 0) {
    // UNCONFIRMED (docs/amocrm-contract.md §9.4, §9.10): only a 404/401 on refresh is known for an old subdomain; this is the
    // "account moved" answer a web server could give instead, as former amocrm.com accounts do for kommo.com (§0).
    return redirect(ctx.res, `https://${accountHost(state.config)}${ctx.url.pathname}${ctx.url.search}`, moved);
  }
  const endpoint = hostBoundEndpoint(route, isApiPath(ctx.url.pathname));
  if (endpoint && wrongHostUnderStrictRules(ctx, endpoint, host)) return sendError(ctx, notFoundHere(ctx), endpoint === "api");
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
      return sendError(ctx, notFoundHere(ctx));
    default:
      return handleLeads(ctx, host, route, json);
  }
}

function hostBoundEndpoint(route: RouteName | undefined, isApi: boolean): HostBoundEndpoint | undefined {
  if (route === "consent" || route === "decision") return "consent";
  if (route === "subdomainByAccess" || route === "subdomainByRefresh") return route;
  return isApi ? "api" : undefined;
}

/**
 * `strictHosts`: a request the app addressed to the wrong kind of host for its endpoint (SERVED_ON). A request
 * without X-Amocrm-Account-Host names no host (a browser on the consent page) and passes. A former host keeps
 * its own answers (`renamedHostApiStatus`, `renamedHostRedirect`).
 */
function wrongHostUnderStrictRules(ctx: AmoRequest, endpoint: HostBoundEndpoint, host: HostKind): boolean {
  if (!ctx.state.config.strictHosts || ctx.accountHost === undefined) return false;
  if (endpoint === "api" && host === "former") return false;
  return host !== SERVED_ON[endpoint];
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

/** The longest configured latency among the request's fault targets. */
function endpointDelay(delays: Partial<Record<FaultTarget, number>>, targets: readonly FaultTarget[]): number {
  return Math.max(0, ...targets.map((t) => delays[t] ?? 0));
}

/**
 * 403 nginx HTML while the account is blocked (every server-to-server request; the consent pages are
 * amoCRM's www site and stay up), else 429 for a metered call over the sliding-window limit: every /api/v4
 * call and, with `rateLimitTokenEndpoint`, every token request (docs/amocrm-contract.md §4.1, §9.8).
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

/**
 * An unknown or missing client_id. amoCRM has no Redirect URI for a client it does not know, and bounces the browser
 * to its home page (docs/amocrm-contract.md §0, issue #567: a Kommo client_id on www.amocrm.ru); `unknownClientConsent:
 * "homeRedirect"` does that, on the platform of the www host the app named. The default shows a visible 404 page,
 * which tells a test far more than a redirect to a site it cannot reach.
 */
function unknownClient(ctx: AmoRequest): void {
  const config = ctx.state.config;
  if (config.unknownClientConsent === "homeRedirect") {
    const platform = (ctx.accountHost === undefined ? undefined : hostPlatform(ctx.accountHost)) ?? config.platform;
    return redirect(ctx.res, `https://www.${platform}/`);
  }
  sendHtml(ctx.res, 404, consentErrorPage("Unknown or missing client_id: this integration does not exist."));
}

function handleConsent(ctx: AmoRequest): void {
  const { url, res, state } = ctx;
  const config = state.config;
  const clientId = url.searchParams.get("client_id");
  if (!clientId || clientId !== config.clientId) return unknownClient(ctx);
  // redirect_uri, response_type, scope and mode are ignored: amoCRM always uses the registered URI.
  const requestState = optionalParam(url, "state");
  if (config.autoAllow) return redirect(res, issueCode(state, requestState).location);
  sendHtml(res, 200, consentPage(config, requestState));
}

function handleDecision(ctx: AmoRequest, params: Record<string, string>): void {
  const { res, state } = ctx;
  if (params["client_id"] !== state.config.clientId) return unknownClient(ctx);
  const requestState = params["state"];
  if (params["decision"] === "allow") return redirect(res, issueCode(state, requestState).location);
  redirect(res, denyLocation(state.config, requestState));
}
