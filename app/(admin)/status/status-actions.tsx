"use client";

import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

type Outcome = { tone: "success" | "error"; text: string } | null;

async function post(path: string, body?: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: response.ok && data.ok === true, data };
}

function errorMessage(data: Record<string, unknown>, fallback: string): string {
  const error = data.error as { message?: unknown } | undefined;
  return typeof error?.message === "string" ? error.message : fallback;
}

/**
 * Test, refresh and disconnect buttons; results are announced and the page re-reads the status afterwards.
 * Rendered inside a NextIntlClientProvider carrying `status.actions`, the language and APP_TIME_ZONE, so a date
 * that arrives in a response is shown like the dates the server rendered.
 */
export function StatusActions({ canTest, canRefresh, canDisconnect }: { canTest: boolean; canRefresh: boolean; canDisconnect: boolean }) {
  const t = useTranslations("status.actions");
  const format = useFormatter();
  const router = useRouter();
  const [busy, setBusy] = useState<"test" | "refresh" | "disconnect" | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [forget, setForget] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  async function run(kind: "test" | "refresh" | "disconnect", action: () => Promise<Outcome>) {
    setBusy(kind);
    setOutcome(null);
    try {
      setOutcome(await action());
    } catch {
      setOutcome({ tone: "error", text: t("failed") });
    } finally {
      setBusy(null);
      router.refresh();
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {canTest && (
          <Button
            disabled={busy !== null}
            onClick={() =>
              run("test", async () => {
                const { ok, data } = await post("/api/amocrm/test");
                if (!ok) return { tone: "error", text: errorMessage(data, t("failed")) };
                const account = (data.account ?? {}) as { name?: unknown; id?: unknown };
                return {
                  tone: "success",
                  // The account id is an identifier, not a quantity: shown as amoCRM writes it, without grouping.
                  text: t("testOk", { ms: Number(data.latencyMs), name: String(account.name ?? ""), id: String(account.id ?? "") }),
                };
              })
            }
          >
            {busy === "test" ? t("testing") : t("test")}
          </Button>
        )}
        {canRefresh && (
          <Button
            variant="secondary"
            disabled={busy !== null}
            onClick={() =>
              run("refresh", async () => {
                const { ok, data } = await post("/api/amocrm/refresh");
                if (!ok) return { tone: "error", text: errorMessage(data, t("failed")) };
                const expires = typeof data.accessTokenExpiresAt === "string" ? format.dateTime(new Date(data.accessTokenExpiresAt), "moment") : "";
                return { tone: "success", text: t("refreshOk", { date: expires }) };
              })
            }
          >
            {busy === "refresh" ? t("refreshing") : t("refresh")}
          </Button>
        )}
        {canDisconnect && (
          <Button variant="dangerSecondary" disabled={busy !== null} onClick={() => dialog.current?.showModal()}>
            {t("disconnect")}
          </Button>
        )}
      </div>
      <div aria-live="polite" data-testid="action-result">
        {outcome && (
          <Alert tone={outcome.tone} role={null}>
            {outcome.text}
          </Alert>
        )}
      </div>
      <dialog ref={dialog} aria-labelledby={titleId} className="m-auto max-w-md rounded-xl p-0 shadow-xl backdrop:bg-slate-900/40">
        <form
          method="dialog"
          className="space-y-4 p-6"
          onSubmit={(event) => {
            const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
            if (submitter?.value !== "confirm") return;
            run("disconnect", async () => {
              const { ok, data } = await post("/api/amocrm/disconnect", { forgetCredentials: forget });
              return ok ? { tone: "success", text: t("disconnected") } : { tone: "error", text: errorMessage(data, t("failed")) };
            });
          }}
        >
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {t("disconnectConfirmTitle")}
          </h2>
          <p className="text-sm text-slate-700">{t("disconnectConfirmBody")}</p>
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" checked={forget} onChange={(event) => setForget(event.target.checked)} className="accent-red-700" />
            {t("forgetCredentials")}
          </label>
          <div className="flex justify-end gap-2">
            <Button type="submit" variant="secondary" value="cancel">
              {t("cancel")}
            </Button>
            <Button type="submit" variant="danger" value="confirm">
              {t("disconnectConfirm")}
            </Button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
