import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { getFormatter, getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-button";
import { ErrorExplanation } from "@/components/amocrm/error-explanation";
import { redirectUriChangedSinceConsent } from "@/lib/amocrm/status";
import { checkAppUrl } from "@/lib/app-url-check";
import { getConnection } from "@/lib/db/connection";
import { getEnv } from "@/lib/env";
import { isErrorCode } from "@/lib/error-codes";
import { CredentialsForm } from "./credentials-form";
import { LongLivedForm } from "./long-lived-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("connect");
  return { title: t("title") };
}

/** The origin the admin's browser used, as the proxy in front of us reports it. */
async function pageOrigin(): Promise<string | null> {
  const list = await headers();
  const host = list.get("x-forwarded-host") ?? list.get("host");
  if (!host) return null;
  const proto = list.get("x-forwarded-proto") ?? "http";
  return `${proto.split(",")[0]?.trim()}://${host.split(",")[0]?.trim()}`;
}

export default async function ConnectPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ error, authorize }, t, tCommon, format] = await Promise.all([searchParams, getTranslations("connect"), getTranslations("common"), getFormatter()]);
  const env = getEnv();
  const connection = await getConnection();
  const origin = await pageOrigin();
  const connected = connection?.state === "connected" || connection?.state === "degraded";
  const hasCredentials = Boolean(connection?.clientId && connection.clientSecretEnc);
  // In production amoCRM must be able to come back to APP_URL (lib/startup.ts logs the same at start).
  const appUrlProblem = env.isProduction ? checkAppUrl(env.appUrl) : null;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{t("title")}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {t("intro")}{" "}
          <Link href="/guide" className="font-medium text-sky-800 underline">
            {t("guideLink")}
          </Link>
        </p>
      </div>

      {typeof error === "string" && isErrorCode(error) && <ErrorExplanation code={error} />}

      {authorize === "confirm" && (
        <Alert tone="warning" testId="authorize-from-another-site">
          <p>{t("authorizeFromAnotherSite")}</p>
          {hasCredentials && (
            <a href="/api/amocrm/authorize" className={`${buttonClass("primary")} mt-3`}>
              {t("authorize")}
            </a>
          )}
        </Alert>
      )}

      {appUrlProblem && (
        <Alert tone="warning" testId="app-url-warning">
          {t(`redirectUri.appUrlWarning.${appUrlProblem.reason}`, { appUrl: env.appUrl })}
        </Alert>
      )}

      {origin && origin !== env.appOrigin && (
        <Alert tone="warning" testId="origin-warning">
          {t("redirectUri.originWarning", { pageOrigin: origin, appOrigin: env.appOrigin })}
        </Alert>
      )}

      <Card>
        <div className="space-y-4">
          <CopyField value={env.redirectUri} label={t("redirectUri.label")} copyLabel={tCommon("copy")} copiedLabel={tCommon("copied")} testId="redirect-uri" />
          <p className="text-xs text-slate-600">{t("redirectUri.hint")}</p>
          {connection?.redirectUri && redirectUriChangedSinceConsent(connection, env.redirectUri) && (
            <Alert tone="warning" testId="redirect-uri-changed-warning">
              {t("redirectUri.changedWarning", { consent: connection.redirectUri, current: env.redirectUri })}
            </Alert>
          )}
          <CopyField value={env.disconnectHookUrl} label={t("hookUrl.label")} copyLabel={tCommon("copy")} copiedLabel={tCommon("copied")} testId="hook-url" />
          <p className="text-xs text-slate-600">{t("hookUrl.hint")}</p>
        </div>
      </Card>

      <Card title={t("form.legend")}>
        {connected && (
          <div className="mb-4">
            <Alert tone="info">{t("changeWarning")}</Alert>
          </div>
        )}
        <CredentialsForm
          saved={{
            platform: connection?.platform ?? "amocrm.ru",
            clientId: connection?.clientId ?? "",
            accountDomain: connection?.expectedAccountHost ?? "",
          }}
          secretSavedNote={
            connection?.clientSecretEnc && connection.clientSecretSavedAt
              ? t("form.clientSecretSaved", { date: format.dateTime(connection.clientSecretSavedAt, "moment") })
              : null
          }
          text={{
            legend: t("form.legend"),
            platform: t("form.platform"),
            platformAmocrm: t("form.platformAmocrm"),
            platformKommo: t("form.platformKommo"),
            clientId: t("form.clientId"),
            clientIdHint: t("form.clientIdHint"),
            clientSecret: t("form.clientSecret"),
            clientSecretHint: t("form.clientSecretHint"),
            accountDomain: t("form.accountDomain"),
            accountDomainHint: t("form.accountDomainHint"),
            submit: t("form.submit"),
            submitting: t("form.submitting"),
          }}
        />
        {hasCredentials && (
          <div className="mt-6 border-t border-slate-200 pt-4">
            <a href="/api/amocrm/authorize" className={buttonClass("primary")}>
              {t("authorize")}
            </a>
          </div>
        )}
      </Card>

      <Card title={t("longLived.title")}>
        <p className="mb-4 text-sm text-slate-600">{t("longLived.intro")}</p>
        <LongLivedForm
          platform={connection?.platform ?? "amocrm.ru"}
          text={{
            title: t("longLived.title"),
            platform: t("form.platform"),
            platformAmocrm: t("form.platformAmocrm"),
            platformKommo: t("form.platformKommo"),
            accountDomain: t("longLived.accountDomain"),
            accountDomainHint: t("form.accountDomainHint"),
            token: t("longLived.token"),
            submit: t("longLived.submit"),
          }}
        />
      </Card>
    </div>
  );
}
