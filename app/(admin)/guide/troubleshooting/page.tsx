import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getLiveValues } from "@/components/guide/live-values";
import { GUIDE_HREF, STATUS_HREF } from "@/components/guide/steps";
import {
  ERROR_GROUPS,
  LIVE_VALUES_OF,
  SETUP_PROBLEMS,
  codesInGroup,
  type TroubleshootingTopic,
} from "@/components/guide/troubleshooting-topics";
import { UiText, splitLines } from "@/components/guide/ui-text";
import { CopyField } from "@/components/ui/copy-button";
import { requireAdmin } from "@/lib/auth/session";
import { isErrorCode } from "@/lib/error-codes";

const HELP_LINKS = [
  { key: "support", href: "https://www.amocrm.ru/support" },
  { key: "apiDocs", href: "https://www.amocrm.ru/developers/content/oauth/step-by-step" },
  { key: "kommoDocs", href: "https://developers.kommo.com/docs/oauth-20" },
] as const;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("troubleshooting");
  return { title: t("meta.title"), description: t("meta.description") };
}

/** /guide/troubleshooting: one entry per error code and per setup problem, each at `#<code>`. */
export default async function TroubleshootingPage() {
  await requireAdmin();
  const t = await getTranslations("troubleshooting");
  const groups = [
    { id: "setup", title: t("groups.setup"), topics: [...SETUP_PROBLEMS] as TroubleshootingTopic[] },
    ...ERROR_GROUPS.map((group) => ({ id: group, title: t(`groups.${group}`), topics: codesInGroup(group) as TroubleshootingTopic[] })),
  ];

  return (
    <div className="mx-auto w-full max-w-3xl space-y-8">
      <header>
        <Link href={GUIDE_HREF} className="text-sm font-medium text-sky-800 underline underline-offset-2 hover:text-sky-950">
          <span aria-hidden="true">← </span>
          {t("backToGuide")}
        </Link>
        <h1 className="mt-3 text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{t("title")}</h1>
        <p className="mt-3 text-slate-700">{t("intro")}</p>
      </header>

      <nav aria-label={t("contents")} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <p className="text-sm font-semibold text-slate-900">{t("contents")}</p>
        <ul className="mt-2 grid gap-1 text-sm sm:grid-cols-2">
          {groups.map((group) => (
            <li key={group.id}>
              <a href={`#group-${group.id}`} className="text-sky-800 underline underline-offset-2 hover:text-sky-950">
                {group.title}
              </a>{" "}
              <span className="text-slate-600">({group.topics.length})</span>
            </li>
          ))}
          <li>
            <a href="#help" className="text-sky-800 underline underline-offset-2 hover:text-sky-950">
              {t("help.title")}
            </a>
          </li>
        </ul>
      </nav>

      {groups.map((group) => (
        <section key={group.id} className="space-y-4">
          <h2 id={`group-${group.id}`} className="scroll-mt-20 text-xl font-semibold text-slate-900">
            {group.title}
          </h2>
          {group.topics.map((topic) => (
            <TroubleshootingEntry key={topic} topic={topic} />
          ))}
        </section>
      ))}

      <section aria-labelledby="help" className="rounded-xl border border-slate-200 bg-slate-50 p-4 sm:p-5">
        <h2 id="help" className="scroll-mt-20 text-xl font-semibold text-slate-900">
          {t("help.title")}
        </h2>
        <p className="mt-2 text-sm text-slate-700">
          {t("help.status")}{" "}
          <Link href={STATUS_HREF} className="font-medium text-sky-800 underline underline-offset-2 hover:text-sky-950">
            {t("help.statusLink")}
          </Link>
        </p>
        <p className="mt-3 text-sm font-medium text-slate-900">{t("help.links")}</p>
        <ul className="mt-1 list-disc space-y-1 pl-5 text-sm">
          {HELP_LINKS.map((link) => (
            <li key={link.key}>
              <a href={link.href} className="text-sky-800 underline underline-offset-2 hover:text-sky-950">
                {t(`help.${link.key}`)}
              </a>{" "}
              <span className="text-slate-600 [overflow-wrap:anywhere]">({link.href})</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

async function TroubleshootingEntry({ topic }: { topic: TroubleshootingTopic }) {
  const t = await getTranslations("troubleshooting");
  const tg = await getTranslations("guide");
  const live = getLiveValues();
  const liveFields = {
    redirectUri: { value: live.redirectUri, label: tg("server.redirectUri") },
    hookUrl: { value: live.hookUrl, label: tg("server.hookUrl") },
  };
  return (
    <article
      id={topic}
      aria-labelledby={`${topic}-title`}
      className="scroll-mt-20 rounded-xl border border-slate-200 bg-white p-4 shadow-sm target:border-orange-400 target:ring-2 target:ring-orange-300 sm:p-5"
    >
      <h3 id={`${topic}-title`} className="text-lg font-semibold text-slate-900">
        {t(`entries.${topic}.title`)}
      </h3>
      {isErrorCode(topic) && (
        <p className="mt-1 text-xs text-slate-600">
          {t("codeLabel")} <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-800">{topic}</code>
        </p>
      )}
      <p className="mt-2 text-slate-700 [overflow-wrap:anywhere]">
        <UiText text={t(`entries.${topic}.body`, live)} />
      </p>
      <p className="mt-3 text-sm font-semibold text-slate-900">{t("fixTitle")}</p>
      <ol className="mt-1 list-decimal space-y-1 pl-5 text-sm text-slate-700 [overflow-wrap:anywhere]">
        {splitLines(t(`entries.${topic}.fix`, live)).map((line) => (
          <li key={line}>
            <UiText text={line} />
          </li>
        ))}
      </ol>
      {LIVE_VALUES_OF[topic]?.map((name) => (
        <div key={name} className="mt-4">
          <CopyField
            value={liveFields[name].value}
            label={liveFields[name].label}
            copyLabel={tg("copy")}
            copiedLabel={tg("copied")}
          />
        </div>
      ))}
    </article>
  );
}
