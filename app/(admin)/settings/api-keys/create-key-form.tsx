"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { createApiKeyAction, type CreateApiKeyState } from "./actions";

export interface CreateKeyFormText {
  title: string;
  name: string;
  nameHint: string;
  submit: string;
  submitting: string;
  createdBody: string;
  keyLabel: string;
  hide: string;
  copy: string;
  copied: string;
}

/**
 * The "create a key" form. The new key lives only in this component's state: it is gone on reload or navigation,
 * and "I have saved the key" hides it at once.
 */
export function CreateKeyForm({ text }: { text: CreateKeyFormText }) {
  const [state, action, pending] = useActionState<CreateApiKeyState, FormData>(createApiKeyAction, {});
  // The answer the admin dismissed; a later answer (another key) shows again.
  const [dismissed, setDismissed] = useState<CreateApiKeyState | null>(null);
  const created = state.status === "created" && dismissed !== state ? state.created : undefined;
  return (
    <div className="space-y-5">
      <div aria-live="polite">
        {created && (
          <Alert tone="success" role={null} title={created.title}>
            <p>{text.createdBody}</p>
            <div className="mt-3">
              <div className="text-sm font-medium">{text.keyLabel}</div>
              <div className="mt-1 flex flex-wrap items-center gap-2">
                <code
                  data-testid="api-key-value"
                  className="min-w-0 flex-1 break-all rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
                >
                  {created.key}
                </code>
                <CopyButton value={created.key} label={text.copy} copiedLabel={text.copied} />
              </div>
            </div>
            <Button variant="secondary" size="sm" className="mt-3" onClick={() => setDismissed(state)}>
              {text.hide}
            </Button>
          </Alert>
        )}
      </div>
      <form aria-label={text.title} action={action} className="space-y-4" noValidate>
        <Field
          name="name"
          label={text.name}
          hint={text.nameHint}
          defaultValue={state.status === "invalid" ? state.values?.name : ""}
          autoComplete="off"
          errors={state.fieldErrors?.name}
        />
        <Button type="submit" disabled={pending}>
          {pending ? text.submitting : text.submit}
        </Button>
      </form>
    </div>
  );
}
