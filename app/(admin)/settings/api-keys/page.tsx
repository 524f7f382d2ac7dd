import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { stepHref } from "@/components/guide/steps";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-button";
import { requireAdmin } from "@/lib/auth/session";
import { API_KEY_NAME_MAX, listApiKeys } from "@/lib/db/api-keys";
import { getEnv } from "@/lib/env";
import { SITE_KEY_ENV, buildDeveloperExamples } from "@/lib/leads/developer-examples";
import { CodeExample } from "./code-example";
import { CreateKeyForm } from "./create-key-form";
import { RevokeKeyForm } from "./revoke-key-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("apiKeys");
  return { title: t("title") };
}

const EXAMPLES = ["body", "curl", "php", "node", "html", "responses"] as const;

/** /settings/api-keys: create, list and revoke the website's keys, and the examples for its developers. */
export default async function ApiKeysPage() {
  await requireAdmin();
  const [t, tCommon, format, keys] = await Promise.all([getTranslations("apiKeys"), getTranslations("common"), getFormatter(), listApiKeys()]);
  const env = getEnv();
  const examples = buildDeveloperExamples({ appUrl: env.appUrl });
  const copy = { copyLabel: tCommon("copy"), copiedLabel: tCommon("copied") };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{t("title")}</h1>
        <p className="mt-1 max-w-prose text-sm text-slate-600">
          {t("intro")}{" "}
          <Link href={stepHref("connect-website")} className="font-medium text-sky-800 underline">
            {t("guideLink")}
          </Link>
        </p>
      </div>

      <Card title={t("create.title")}>
        <CreateKeyForm
          text={{
            title: t("create.title"),
            name: t("create.name"),
            nameHint: t("create.nameHint", { max: API_KEY_NAME_MAX }),
            submit: t("create.submit"),
            submitting: t("create.submitting"),
            createdBody: t("create.createdBody"),
            keyLabel: t("create.keyLabel"),
            hide: t("create.hide"),
            copy: tCommon("copy"),
            copied: tCommon("copied"),
          }}
        />
      </Card>

      <Card title={t("list.title")}>
        {keys.length === 0 ? (
          <p className="text-sm text-slate-600">{t("list.empty")}</p>
        ) : (
          <ul className="space-y-3" aria-label={t("list.title")}>
            {keys.map((key) => {
              const nameId = `api-key-${key.id}-name`;
              return (
                <li key={key.id} className={`rounded-lg border p-4 ${key.revokedAt ? "border-slate-200 bg-slate-50" : "border-slate-200 bg-white"}`}>
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0 flex-1">
                      <h3 id={nameId} className="font-semibold break-words text-slate-900">
                        {key.name}
                      </h3>
                      <dl className="mt-2 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
                        <div>
                          <dt className="text-xs font-medium text-slate-600">{t("list.prefix")}</dt>
                          <dd className="font-mono text-slate-900">{key.prefix}…</dd>
                        </div>
                        <div>
                          <dt className="text-xs font-medium text-slate-600">{t("list.created")}</dt>
                          <dd className="text-slate-900">{format.dateTime(key.createdAt, "moment")}</dd>
                        </div>
                        <div>
                          <dt className="text-xs font-medium text-slate-600">{t("list.lastUsed")}</dt>
                          <dd className="text-slate-900">{key.lastUsedAt ? format.dateTime(key.lastUsedAt, "moment") : t("list.never")}</dd>
                        </div>
                        <div>
                          <dt className="text-xs font-medium text-slate-600">{t("list.status")}</dt>
                          <dd className={key.revokedAt ? "font-medium text-red-800" : "font-medium text-emerald-800"}>
                            {key.revokedAt ? t("list.revokedOn", { date: format.dateTime(key.revokedAt, "moment") }) : t("list.active")}
                          </dd>
                        </div>
                      </dl>
                    </div>
                    {!key.revokedAt && (
                      <RevokeKeyForm
                        id={key.id}
                        describedBy={nameId}
                        text={{
                          button: t("revoke.button"),
                          confirm: t("revoke.confirm"),
                          confirmButton: t("revoke.confirmButton"),
                          cancel: t("revoke.cancel"),
                        }}
                      />
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      <Card title={t("developers.title")}>
        <div className="space-y-6">
          <p className="text-sm text-slate-700">{t("developers.intro", { envName: SITE_KEY_ENV })}</p>
          <CopyField value={examples.endpoint} label={t("developers.endpoint")} copyLabel={copy.copyLabel} copiedLabel={copy.copiedLabel} />
          <Alert tone="warning" role={null} title={t("developers.keyOnServerTitle")}>
            {t("developers.keyOnServer")}
          </Alert>
          <p className="text-sm text-slate-700 [overflow-wrap:anywhere]">
            {t("developers.openapi")}{" "}
            <a href="/api/v1/openapi.json" className="font-mono font-medium text-sky-800 underline">
              {examples.openApiUrl}
            </a>
          </p>
          <section aria-labelledby="api-idempotency-title">
            <h3 id="api-idempotency-title" className="text-base font-semibold text-slate-900">
              {t("developers.idempotency.title")}
            </h3>
            <p className="mt-1 text-sm text-slate-700">{t("developers.idempotency.description")}</p>
          </section>
          {EXAMPLES.map((name) => (
            <CodeExample
              key={name}
              id={`api-example-${name}`}
              title={t(`developers.${name}.title`)}
              description={name === "responses" ? t("developers.responses.description", { rate: env.leadsRatePerMinute }) : t(`developers.${name}.description`)}
              code={examples[name]}
              {...copy}
            />
          ))}
        </div>
      </Card>
    </div>
  );
}
