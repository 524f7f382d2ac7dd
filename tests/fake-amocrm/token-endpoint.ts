// POST /oauth2/access_token on the account host (docs/amocrm-contract.md §3, §4; checklist §10.2): host rules, both grants,
// client checks, and the rotation of refresh tokens.
import { type FakeConfig } from "./config";
import { notFoundHere, sendError, type AmoRequest } from "./context";
import type { HostKind } from "./hosts";
import { sendJson } from "./http";
import { oauthHint, oauthInvalidClient, type Problem } from "./problems";
import { ACCESS_TTL_S, type FakeState, type Grant } from "./state";
import { looksOpaque, newRefreshToken } from "./tokens";

const HINT_CLIENT_ID = "Check the `client_id` parameter";
const HINT_CLIENT_SECRET = "Check the `client_secret` parameter";
const HINT_REDIRECT = "Redirect URI is not associated with client";

export async function handleToken(
  ctx: AmoRequest,
  host: HostKind,
  params: Record<string, string>,
  grantType: string | undefined,
): Promise<void> {
  const { res, state } = ctx;
  const config = state.config;
  const fail = (problem: Problem): void => sendError(ctx, problem, false);

  // Host rules first: the wrong host never sees the body.
  if (host === "www") return fail(oauthHint("Send request to account"));
  if (host === "former" || host === "foreign") return fail(notFoundHere(ctx));
  if (host === "other" || host === "api") {
    return grantType === "authorization_code" ? fail(oauthHint("Invalid account")) : fail(notFoundHere(ctx));
  }

  if (!grantType) return fail(oauthHint("Check the `grant_type` parameter"));
  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    return fail(oauthHint("Check that all required parameters have been provided"));
  }

  const clientProblem = checkClient(config, params);
  if (clientProblem) return fail(clientProblem);

  const outcome =
    grantType === "authorization_code" ? checkCodeGrant(state, params) : checkRefreshGrant(state, params);
  if ("problem" in outcome) return fail(outcome.problem);

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

/** Byte-for-byte comparison, trailing slash and query included (docs/amocrm-contract.md §9.2). */
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
    // A refreshed token that amoCRM has not yet "propagated": its first API calls fail (docs/amocrm-contract.md §4.1, §9.1).
    unauthorizedCalls: parent === null ? 0 : config.unauthorizedAfterRefresh,
  });
}
