// The Bearer-authenticated side (docs/amocrm-contract.md §5, §11; checklist §10.3, §10.4): the host and token rules every
// /api/v4 call shares, GET /api/v4/account, the leads API's entry, and the two subdomain lookups.
import type { IncomingMessage } from "node:http";
import { accountHost, topLevelDomain, type FakeConfig } from "./config";
import { notFoundHere, sendError, type AmoRequest } from "./context";
import type { HostKind } from "./hosts";
import { sendJson, sendReply } from "./http";
import { handleLeadsRoute, type LeadsRoute } from "./leads";
import { apiUnauthorized, type Problem } from "./problems";
import type { Grant } from "./state";

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

/** The access token's grant when it is valid right now. */
function bearerGrant(ctx: AmoRequest): Grant | undefined {
  const token = bearerToken(ctx.req);
  const grant = token === undefined ? undefined : ctx.state.findByAccessToken(token);
  return grant && ctx.state.isAccessValid(grant) ? grant : undefined;
}

/** The access token's grant when it may be used right now; marks it used (rotation rule). */
function authorizeBearer(ctx: AmoRequest): Grant | undefined {
  const grant = bearerGrant(ctx);
  if (grant) ctx.state.markUsed(grant);
  return grant;
}

/** The host and token rules every /api/v4 endpoint shares; a problem when the request may not go on. */
function apiAccessProblem(ctx: AmoRequest, host: HostKind): Problem | undefined {
  const { state } = ctx;
  if (host === "former" && state.config.renamedHostApiStatus === 401) return apiUnauthorized();
  if (host !== "account" && host !== "api") return notFoundHere(ctx);
  const grant = bearerGrant(ctx);
  if (!grant) return apiUnauthorized();
  if (grant.unauthorizedLeft > 0) {
    // Refused, so not a "use": the parent refresh token stays alive, as it would for a call that never arrived.
    grant.unauthorizedLeft--;
    state.calls.unauthorizedAfterRefresh++;
    return apiUnauthorized();
  }
  state.markUsed(grant);
  return undefined;
}

export function handleLeads(ctx: AmoRequest, host: HostKind, route: LeadsRoute, json: unknown): void {
  const problem = apiAccessProblem(ctx, host);
  if (problem) return sendError(ctx, problem);
  sendReply(ctx.res, handleLeadsRoute(ctx.state, route, ctx.url, json));
}

export function handleAccount(ctx: AmoRequest, host: HostKind): void {
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

/** docs/amocrm-contract.md §5.1, with the optional `with=` parts the app may ask for; unknown values are ignored. */
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

export function handleSubdomainLookup(
  ctx: AmoRequest,
  host: HostKind,
  route: "subdomainByAccess" | "subdomainByRefresh",
): void {
  const { res, state, req } = ctx;
  if (host !== "www" && host !== "api" && host !== "account") {
    return sendError(ctx, notFoundHere(ctx), false);
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
  if (!ok) return sendError(ctx, apiUnauthorized(), false);
  const config = state.config;
  sendJson(res, 200, {
    id: config.accountId,
    subdomain: config.subdomain,
    domain: accountHost(config),
    top_level_domain: topLevelDomain(config.platform),
  });
}
