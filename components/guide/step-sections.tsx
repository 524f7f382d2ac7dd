import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClass } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-button";
import { getLiveValues } from "./live-values";
import { Note } from "./note";
import { API_KEYS_HREF, CONNECT_HREF, type GuideStep } from "./steps";
import { UiText, splitLines } from "./ui-text";

/** The sections a step page is built from; each is a server component with its own heading. */

const H2 = "text-lg font-semibold text-slate-900";

export async function StepInstructions({ step }: { step: GuideStep }) {
  const t = await getTranslations("guide");
  const items = splitLines(t(`steps.${step}.todo`, getLiveValues()));
  return (
    <section aria-labelledby="guide-todo">
      <h2 id="guide-todo" className={H2}>
        {t("todoTitle")}
      </h2>
      <ol className="mt-3 space-y-3">
        {items.map((item, index) => (
          <li key={item} className="flex gap-3 text-slate-800">
            <span
              aria-hidden="true"
              className="inline-flex size-7 shrink-0 items-center justify-center rounded-full bg-sky-100 text-sm font-bold text-sky-900"
            >
              {index + 1}
            </span>
            <span className="pt-0.5 [overflow-wrap:anywhere]">
              <UiText text={item} />
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export async function BeforeYouStart() {
  const t = await getTranslations("guide");
  return (
    <Note id="guide-before" tone="info" title={t("before.title")}>
      <ul className="list-disc space-y-1 pl-5">
        {splitLines(t("before.body")).map((line) => (
          <li key={line}>
            <UiText text={line} />
          </li>
        ))}
      </ul>
    </Note>
  );
}

type NoteName = "secretOnce" | "exactMatch" | "keepPrivate" | "keyOnServer";

export async function ImportantNote({ name }: { name: NoteName }) {
  const t = await getTranslations("guide");
  return (
    <Note id={`guide-note-${name}`} tone="warning" title={t(`notes.${name}.title`)}>
      <p>
        <UiText text={t(`notes.${name}.body`, getLiveValues())} />
      </p>
    </Note>
  );
}

export async function KommoNote({ step }: { step: GuideStep }) {
  const t = await getTranslations("guide");
  return (
    <section aria-labelledby="guide-kommo" className="rounded-xl border border-slate-200 bg-slate-50 px-4 py-3 sm:px-5">
      <h2 id="guide-kommo" className="text-base font-semibold text-slate-900">
        {t("kommo.title")}
      </h2>
      <p className="mt-1 text-sm text-slate-700 [overflow-wrap:anywhere]">
        <UiText text={t(`steps.${step}.kommo`)} />
      </p>
    </section>
  );
}

/** Which amoCRM value goes into which field of the connection form: the mix-up the customer's team once made. */
export async function KeysMapping() {
  const t = await getTranslations("guide");
  const rows = [
    { amocrm: "«ID интеграции»", form: "Client ID", format: t("keys.clientIdFormat"), needed: true },
    { amocrm: "«Секретный ключ»", form: "Client Secret", format: t("keys.clientSecretFormat"), needed: true },
    { amocrm: "«Код авторизации»", form: t("keys.notNeeded"), format: t("keys.codeFormat"), needed: false },
  ];
  return (
    <section aria-labelledby="guide-keys">
      <h2 id="guide-keys" className={H2}>
        {t("keys.title")}
      </h2>
      <ul className="mt-3 grid gap-3 md:grid-cols-3">
        {rows.map((row) => (
          <li
            key={row.amocrm}
            className={`rounded-xl border p-4 text-sm ${row.needed ? "border-sky-200 bg-white shadow-sm" : "border-slate-200 bg-slate-50"}`}
          >
            <dl className="space-y-2">
              <div>
                <dt className="text-xs font-medium text-slate-600">{t("keys.amocrm")}</dt>
                <dd className="font-semibold text-slate-900">
                  <UiText text={row.amocrm} />
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-slate-600">{t("keys.form")}</dt>
                <dd className={row.needed ? "font-mono font-semibold text-sky-900" : "text-slate-700"}>{row.form}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-slate-600">{t("keys.format")}</dt>
                <dd className="text-slate-700 [overflow-wrap:anywhere]">{row.format}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
      <p className="mt-3 text-sm text-slate-700">{t("keys.swapWarning")}</p>
    </section>
  );
}

export async function LongLivedToken() {
  const t = await getTranslations("guide");
  return (
    <section aria-labelledby="guide-long-lived" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 id="guide-long-lived" className={H2}>
        {t("longLived.title")}
      </h2>
      <div className="mt-2 space-y-2 text-sm text-slate-700">
        {splitLines(t("longLived.body")).map((line) => (
          <p key={line}>
            <UiText text={line} />
          </p>
        ))}
      </div>
    </section>
  );
}

/** The end of the guide: a prominent way into the credentials form. */
export async function FinishCallToAction() {
  const t = await getTranslations("guide");
  return (
    <section
      aria-labelledby="guide-finish"
      className="rounded-2xl border border-sky-200 bg-gradient-to-br from-sky-50 to-white p-5 shadow-sm sm:p-6"
    >
      <h2 id="guide-finish" className="text-xl font-semibold text-slate-900">
        {t("finish.title")}
      </h2>
      <p className="mt-2 text-slate-700">
        <UiText text={t("finish.body")} />
      </p>
      <Link href={CONNECT_HREF} className={`${buttonClass("primary", "lg")} mt-4`}>
        {t("finish.cta")}
        <span aria-hidden="true">→</span>
      </Link>
    </section>
  );
}

/** The website step: this server's leads address with a copy button, and the way to the keys and the examples. */
export async function WebsiteConnection() {
  const t = await getTranslations("guide");
  const live = getLiveValues();
  return (
    <section
      aria-labelledby="guide-website"
      className="rounded-2xl border border-sky-200 bg-gradient-to-br from-sky-50 to-white p-5 shadow-sm sm:p-6"
    >
      <h2 id="guide-website" className="text-xl font-semibold text-slate-900">
        {t("website.title")}
      </h2>
      <div className="mt-3">
        <CopyField value={live.leadsApiUrl} label={t("website.apiUrl")} copyLabel={t("copy")} copiedLabel={t("copied")} />
      </div>
      <div className="mt-3 space-y-2 text-sm text-slate-700 [overflow-wrap:anywhere]">
        {splitLines(t("website.body", live)).map((line) => (
          <p key={line}>{line}</p>
        ))}
      </div>
      <Link href={API_KEYS_HREF} className={`${buttonClass("primary", "lg")} mt-4`}>
        {t("website.cta")}
        <span aria-hidden="true">→</span>
      </Link>
    </section>
  );
}
