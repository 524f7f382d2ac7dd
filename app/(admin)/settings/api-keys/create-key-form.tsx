"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { ShownOnce } from "@/components/ui/shown-once";
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
          <ShownOnce
            title={created.title}
            value={created.key}
            testId="api-key-value"
            text={{ label: text.keyLabel, copy: text.copy, copied: text.copied, hide: text.hide }}
            onHide={() => setDismissed(state)}
          >
            <p>{text.createdBody}</p>
          </ShownOnce>
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
