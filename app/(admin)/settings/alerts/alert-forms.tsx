"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { ShownOnce } from "@/components/ui/shown-once";
import {
  createTelegramLinkAction,
  removeWebhookAction,
  saveRecipientsAction,
  saveWebhookAction,
  sendTestAlertAction,
  unbindTelegramChatAction,
  type EmailState,
  type TelegramLinkState,
  type TestState,
  type UnbindState,
  type WebhookState,
} from "./actions";

/** "Send test alert" for one channel; the outcome (or the exact reason of failure) appears beside it. */
export function TestAlertButton({ channel, text }: { channel: "webhook" | "telegram" | "email"; text: { send: string; sending: string } }) {
  const [state, action, pending] = useActionState<TestState, FormData>(sendTestAlertAction, {});
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="channel" value={channel} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? text.sending : text.send}
      </Button>
      <div aria-live="polite" data-testid={`${channel}-test-result`}>
        {!pending && state.status === "sent" && <Alert tone="success" role={null}>{state.message}</Alert>}
        {!pending && state.status === "failed" && <Alert tone="error" role={null}>{state.message}</Alert>}
      </div>
    </form>
  );
}

export interface WebhookFormText {
  title: string;
  url: string;
  urlHint: string;
  save: string;
  saving: string;
  remove: string;
  savedTitle: string;
  secretBody: string;
  secretLabel: string;
  hide: string;
  removed: string;
  copy: string;
  copied: string;
}

/** The webhook URL form; the signing secret lives only in this component's state, shown once after saving. */
export function WebhookForm({ text, hasWebhook }: { text: WebhookFormText; hasWebhook: boolean }) {
  const [state, action, pending] = useActionState<WebhookState, FormData>(saveWebhookAction, {});
  const [removeState, removeAction, removing] = useActionState<WebhookState, FormData>(removeWebhookAction, {});
  const [dismissed, setDismissed] = useState<WebhookState | null>(null);
  const secret = state.status === "saved" && dismissed !== state ? state.secret : undefined;
  return (
    <div className="space-y-4">
      <div aria-live="polite">
        {secret && (
          <ShownOnce
            title={text.savedTitle}
            value={secret}
            testId="webhook-secret-value"
            text={{ label: text.secretLabel, copy: text.copy, copied: text.copied, hide: text.hide }}
            onHide={() => setDismissed(state)}
          >
            <p>{text.secretBody}</p>
          </ShownOnce>
        )}
        {removeState.status === "removed" && !hasWebhook && <Alert tone="info" role={null}>{text.removed}</Alert>}
      </div>
      <form aria-label={text.title} action={action} className="space-y-4" noValidate>
        <Field
          name="webhookUrl"
          type="url"
          label={text.url}
          hint={text.urlHint}
          defaultValue={state.status === "invalid" ? state.values?.webhookUrl : ""}
          autoComplete="off"
          spellCheck={false}
          errors={state.fieldErrors?.webhookUrl}
        />
        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={pending}>
            {pending ? text.saving : text.save}
          </Button>
          {hasWebhook && (
            <Button variant="dangerSecondary" disabled={removing} onClick={() => removeAction(new FormData())}>
              {text.remove}
            </Button>
          )}
        </div>
      </form>
    </div>
  );
}

/** Creates the one-time deep link that binds a Telegram chat. */
export function TelegramLink({ text }: { text: { create: string; label: string; waiting: string; copy: string; copied: string } }) {
  const [state, action, pending] = useActionState<TelegramLinkState, FormData>(createTelegramLinkAction, {});
  return (
    <div className="space-y-3">
      <form action={action}>
        <Button type="submit" disabled={pending}>
          {text.create}
        </Button>
      </form>
      <div aria-live="polite">
        {state.status === "created" && state.link && (
          <Alert tone="info" role={null}>
            <p>{state.message}</p>
            <div className="mt-2 text-sm font-medium">{text.label}</div>
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <a href={state.link} target="_blank" rel="noreferrer" data-testid="telegram-link" className="min-w-0 flex-1 break-all font-mono text-sm font-medium text-sky-800 underline">
                {state.link}
              </a>
              <CopyButton value={state.link} label={text.copy} copiedLabel={text.copied} />
            </div>
            <p className="mt-2 text-sm">{text.waiting}</p>
          </Alert>
        )}
        {state.status === "failed" && <Alert tone="error" role={null}>{state.message}</Alert>}
      </div>
    </div>
  );
}

export function UnbindChatForm({ chatId, describedBy, text }: { chatId: string; describedBy: string; text: { unbind: string } }) {
  const [, action, pending] = useActionState<UnbindState, FormData>(unbindTelegramChatAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="chatId" value={chatId} />
      <Button type="submit" variant="dangerSecondary" size="sm" disabled={pending} aria-describedby={describedBy}>
        {text.unbind}
      </Button>
    </form>
  );
}

export function RecipientsForm({ initial, text }: { initial: string; text: { title: string; recipients: string; hint: string; save: string; saved: string } }) {
  const [state, action, pending] = useActionState<EmailState, FormData>(saveRecipientsAction, {});
  const errors = state.fieldErrors?.recipients;
  return (
    <form aria-label={text.title} action={action} className="space-y-3" noValidate>
      <div>
        <label htmlFor="recipients" className="block text-sm font-medium text-slate-800">
          {text.recipients}
        </label>
        <textarea
          id="recipients"
          name="recipients"
          rows={3}
          key={state.values?.recipients ?? initial}
          defaultValue={state.values?.recipients ?? initial}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={`recipients-hint${errors?.length ? " recipients-error" : ""}`}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm focus:border-sky-600 focus:outline-2 focus:outline-sky-600 aria-invalid:border-red-500"
        />
        <p id="recipients-hint" className="mt-1 text-xs text-slate-600">
          {text.hint}
        </p>
        <div id="recipients-error" aria-live="polite">
          {errors?.map((error) => (
            <p key={error} className="mt-1 text-sm text-red-700">
              {error}
            </p>
          ))}
        </div>
      </div>
      <Button type="submit" disabled={pending}>
        {text.save}
      </Button>
      <div aria-live="polite">{state.status === "saved" && <Alert tone="success" role={null}>{text.saved}</Alert>}</div>
    </form>
  );
}
