"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";

export interface StatusActionsText {
  test: string;
  testing: string;
  testOk: string;
  refresh: string;
  refreshing: string;
  refreshOk: string;
  disconnect: string;
  disconnectConfirmTitle: string;
  disconnectConfirmBody: string;
  forgetCredentials: string;
  disconnectConfirm: string;
  cancel: string;
  disconnected: string;
  failed: string;
}

type Outcome = { tone: "ok" | "error"; text: string } | null;

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

/** Test, refresh and disconnect buttons; results are announced and the page re-reads the status afterwards. */
export function StatusActions({
  text,
  canTest,
  canRefresh,
  canDisconnect,
}: {
  text: StatusActionsText;
  canTest: boolean;
  canRefresh: boolean;
  canDisconnect: boolean;
}) {
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
      setOutcome({ tone: "error", text: text.failed });
    } finally {
      setBusy(null);
      router.refresh();
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {canTest && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() =>
              run("test", async () => {
                const { ok, data } = await post("/api/amocrm/test");
                if (!ok) return { tone: "error", text: errorMessage(data, text.failed) };
                const account = (data.account ?? {}) as { name?: unknown; id?: unknown };
                return {
                  tone: "ok",
                  text: text.testOk
                    .replace("{ms}", String(data.latencyMs))
                    .replace("{name}", String(account.name ?? ""))
                    .replace("{id}", String(account.id ?? "")),
                };
              })
            }
            className="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            {busy === "test" ? text.testing : text.test}
          </button>
        )}
        {canRefresh && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() =>
              run("refresh", async () => {
                const { ok, data } = await post("/api/amocrm/refresh");
                if (!ok) return { tone: "error", text: errorMessage(data, text.failed) };
                const expires = typeof data.accessTokenExpiresAt === "string" ? new Date(data.accessTokenExpiresAt).toLocaleString() : "";
                return { tone: "ok", text: text.refreshOk.replace("{date}", expires) };
              })
            }
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50 disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            {busy === "refresh" ? text.refreshing : text.refresh}
          </button>
        )}
        {canDisconnect && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => dialog.current?.showModal()}
            className="rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50 disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
          >
            {text.disconnect}
          </button>
        )}
      </div>
      <div aria-live="polite" data-testid="action-result">
        {outcome && (
          <p className={`rounded-md border px-3 py-2 text-sm ${outcome.tone === "ok" ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900"}`}>
            {outcome.text}
          </p>
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
              return ok ? { tone: "ok", text: text.disconnected } : { tone: "error", text: errorMessage(data, text.failed) };
            });
          }}
        >
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {text.disconnectConfirmTitle}
          </h2>
          <p className="text-sm text-slate-700">{text.disconnectConfirmBody}</p>
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" checked={forget} onChange={(event) => setForget(event.target.checked)} className="accent-red-700" />
            {text.forgetCredentials}
          </label>
          <div className="flex justify-end gap-2">
            <button type="submit" value="cancel" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50">
              {text.cancel}
            </button>
            <button type="submit" value="confirm" className="rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800">
              {text.disconnectConfirm}
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
