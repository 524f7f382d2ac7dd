import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { getFormatter, getMessages, getTranslations } from "next-intl/server";
import { ErrorExplanation } from "@/components/amocrm/error-explanation";
import { TroubleshootingLink } from "@/components/guide/troubleshooting-link";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getConnectionStatus } from "@/lib/amocrm/status";
import { getConnection } from "@/lib/db/connection";
import { listEvents } from "@/lib/db/events";
import type { ConnectionState } from "@/lib/db/schema";
import { isErrorCode } from "@/lib/error-codes";
import { longLivedExpiryWarning } from "@/lib/amocrm/long-lived";
import { AlertsCard } from "./alerts-card";
import { DeliveryCard } from "./delivery-card";
import { StatusActions } from "./status-actions";

/** Event types with a name on this page (messages status.events.types.*); others show as "Event". */
const EVENT_TYPES = {
  credentials_saved: true,
  authorize_started: true,
  authorization_denied: true,
  authorization_failed: true,
  connected: true,
  long_lived_token_connected: true,
  long_lived_token_expired: true,
  account_read_failed: true,
  token_refreshed: true,
  token_refresh_failed: true,
  token_refused_after_refresh: true,
  account_host_changed: true,
  disconnected: true,
  amocrm_disconnected: true,
  disconnect_hook_refused: true,
  disconnect_hook_unconfirmed: true,
  test_ok: true,
  test_failed: true,
} as const;

function isNamedEvent(type: string): type is keyof typeof EVENT_TYPES {
  return Object.hasOwn(EVENT_TYPES, type);
}

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("status");
  return { title: t("title") };
}

const STATE_STYLE: Record<ConnectionState, string> = {
  not_configured: "bg-slate-200 text-slate-800",
  configured: "bg-sky-100 text-sky-900",
  connected: "bg-emerald-100 text-emerald-900",
  degraded: "bg-amber-100 text-amber-900",
  needs_reauth: "bg-orange-100 text-orange-900",
  revoked: "bg-red-100 text-red-900",
  error: "bg-red-100 text-red-900",
};


function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-3">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words text-sm text-slate-900 sm:col-span-2">{children}</dd>
    </div>
  );
}

export default async function StatusPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [params, t, format, messages] = await Promise.all([searchParams, getTranslations("status"), getFormatter(), getMessages()]);
  const status = await getConnectionStatus();
  const events = await listEvents({ limit: 20 });
  const now = new Date();
  // The request config supplies the language and APP_TIME_ZONE; "moment" is the app's named format (lib/i18n/formats.ts).
  const date = (value: string) => format.dateTime(new Date(value), "moment");
  const withRelative = (value: string | null) =>
    value ? t("fields.dateWithRelative", { date: date(value), relative: format.relativeTime(new Date(value), now) }) : t("fields.never");

  const hasTokens = status.accessTokenExpiresAt !== null;
  const hasCredentials = status.clientId !== null && status.hasClientSecret;
  const queryError = typeof params.error === "string" && isErrorCode(params.error) ? params.error : null;
  const lastErrorCode = status.lastError?.code;
  const storedError =
    status.lastError && lastErrorCode && isErrorCode(lastErrorCode) ? { ...status.lastError, code: lastErrorCode } : null;
  const connection = await getConnection();
  const longLivedExpiring = connection ? longLivedExpiryWarning(connection, now) : false;

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">{t("title")}</h1>

      {params.connected === "1" && !queryError && <Alert tone="success">{t("connectedNow")}</Alert>}
      {queryError && <ErrorExplanation code={queryError} detail={storedError?.code === queryError ? storedError.detail : {}} />}

      <Card>
        <div className="flex flex-wrap items-center gap-3">
          <span data-testid="connection-state" data-state={status.state} className={`rounded-full px-3 py-1 text-sm font-semibold ${STATE_STYLE[status.state]}`}>
            {t(`states.${status.state}`)}
          </span>
          {status.account?.name && <span data-testid="account-name" className="text-base font-semibold text-slate-900">{status.account.name}</span>}
        </div>
        <p className="mt-2 text-sm text-slate-600">{t(`stateHelp.${status.state}`)}</p>
        {longLivedExpiring && status.accessTokenExpiresAt && (
          <div className="mt-3">
            <Alert tone="warning">{t("longLivedWarning", { relative: format.relativeTime(new Date(status.accessTokenExpiresAt), { now, unit: "day" }) })}</Alert>
          </div>
        )}
        {status.redirectUriChanged && status.consentRedirectUri && (
          <div className="mt-3">
            <Alert tone="warning" testId="redirect-uri-changed-warning">
              {t("redirectUriChanged", { consent: status.consentRedirectUri, current: status.redirectUri })}
            </Alert>
          </div>
        )}
        {storedError && !queryError && (
          <div className="mt-4">
            <h2 className="mb-2 text-sm font-semibold text-slate-800">{t("lastError")}</h2>
            <ErrorExplanation code={storedError.code} detail={storedError.detail} tone={status.state === "degraded" ? "warning" : "error"} />
          </div>
        )}
        <dl className="mt-4 divide-y divide-slate-100">
          {status.platform && <Row label={t("fields.platform")}>{status.platform}</Row>}
          {status.mode && <Row label={t("fields.mode")}>{status.mode === "oauth" ? t("fields.modeOauth") : t("fields.modeLongLived")}</Row>}
          {status.account && (
            <>
              <Row label={t("fields.account")}>{status.account.name ?? t("fields.unknown")}</Row>
              <Row label={t("fields.domain")}>{status.account.domain}</Row>
              <Row label={t("fields.accountId")}>{status.account.id ?? t("fields.unknown")}</Row>
            </>
          )}
          {status.clientId && <Row label={t("fields.clientId")}><code className="font-mono text-xs">{status.clientId}</code></Row>}
          {status.platform && <Row label={t("fields.secret")}>{status.hasClientSecret ? t("fields.secretSaved") : t("fields.secretMissing")}</Row>}
          {status.connectedAt && (
            <Row label={t("fields.connectedAt")}>
              {status.connectedBy ? t("fields.connectedAtBy", { date: date(status.connectedAt), email: status.connectedBy }) : date(status.connectedAt)}
            </Row>
          )}
          {hasTokens && <Row label={t("fields.accessExpires")}><span data-testid="access-expires">{withRelative(status.accessTokenExpiresAt)}</span></Row>}
          {status.refreshTokenExpiresAt && <Row label={t("fields.refreshExpires")}>{withRelative(status.refreshTokenExpiresAt)}</Row>}
          {hasTokens && status.mode === "oauth" && <Row label={t("fields.lastRefresh")}>{withRelative(status.lastRefreshAt)}</Row>}
          {status.nextRefreshAt && <Row label={t("fields.nextRefresh")}>{withRelative(status.nextRefreshAt)}</Row>}
          {status.nextRetryAt && <Row label={t("fields.nextRetry")}>{withRelative(status.nextRetryAt)}</Row>}
          {status.lastCheck && (
            <Row label={t("fields.lastCheck")}>
              {status.lastCheck.ok
                ? t("fields.lastCheckOk", { date: date(status.lastCheck.at), ms: status.lastCheck.latencyMs ?? 0 })
                : t("fields.lastCheckFailed", { date: date(status.lastCheck.at) })}
            </Row>
          )}
          <Row label={t("fields.redirectUri")}><code className="font-mono text-xs">{status.redirectUri}</code></Row>
        </dl>
      </Card>

      <Card title={t("actions.title")}>
        <div className="space-y-4">
          {hasCredentials && status.mode !== "long_lived" && (
            <a href="/api/amocrm/authorize" className={buttonClass(hasTokens && status.state === "connected" ? "secondary" : "primary")}>
              {hasTokens || status.state === "needs_reauth" || status.state === "revoked" ? t("actions.reauthorize") : t("actions.authorize")}
            </a>
          )}
          {!hasCredentials && status.mode !== "long_lived" && (
            <Link href="/connect" className={buttonClass("primary")}>
              {t("actions.goToConnect")}
            </Link>
          )}
          {/* Results arrive in the browser, so its text is formatted there: only these messages travel with it, and
              the provider carries the request's language, APP_TIME_ZONE and formats. */}
          <NextIntlClientProvider messages={{ status: { actions: messages.status.actions } }}>
            <StatusActions canTest={hasTokens} canRefresh={hasTokens && status.mode === "oauth"} canDisconnect={status.state !== "not_configured"} />
          </NextIntlClientProvider>
        </div>
      </Card>

      <DeliveryCard now={now} />

      <AlertsCard />

      <Card title={t("events.title")}>
        {events.length === 0 ? (
          <p className="text-sm text-slate-600">{t("events.empty")}</p>
        ) : (
          <ol className="divide-y divide-slate-100" data-testid="events">
            {events.map((event) => {
              const details = event.details ? (JSON.parse(event.details) as { code?: string }) : {};
              const actor = event.actor === "admin" ? (event.actorEmail ?? t("events.actorAdmin")) : event.actor === "system" ? t("events.actorSystem") : t("events.actorAmocrm");
              return (
                <li key={event.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2 text-sm">
                  <span className="text-slate-900">
                    {t(`events.types.${isNamedEvent(event.type) ? event.type : "other"}`)}
                    {details.code && isErrorCode(details.code) && (
                      <>
                        {" · "}
                        <TroubleshootingLink code={details.code} className="font-mono text-xs text-sky-800 underline">
                          {details.code}
                        </TroubleshootingLink>
                      </>
                    )}
                  </span>
                  <span className="text-xs text-slate-600">
                    {t("events.when", { date: format.dateTime(event.at, "logged"), actor })}
                  </span>
                </li>
              );
            })}
          </ol>
        )}
      </Card>
    </div>
  );
}
