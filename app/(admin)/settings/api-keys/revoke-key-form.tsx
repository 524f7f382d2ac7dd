"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { revokeApiKeyAction, type RevokeApiKeyState } from "./actions";

/**
 * Revoke with a confirmation step in the page (no window.confirm): the first click asks, the second revokes. Focus
 * moves to the question and back to Revoke on Cancel, so a keyboard user never loses their place. `describedBy`
 * names the key the buttons act on.
 */
export function RevokeKeyForm({
  id,
  describedBy,
  text,
}: {
  id: string;
  describedBy: string;
  text: { button: string; confirm: string; confirmButton: string; cancel: string };
}) {
  const [state, action, pending] = useActionState<RevokeApiKeyState, FormData>(revokeApiKeyAction, {});
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const revokeRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (asked.current) revokeRef.current?.focus();
    asked.current = confirming;
  }, [confirming]);

  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      {confirming ? (
        <div className="space-y-2 rounded-lg border border-red-200 bg-red-50 p-3">
          <p className="text-sm text-red-900">{text.confirm}</p>
          <div className="flex flex-wrap gap-2">
            <Button ref={confirmRef} type="submit" variant="danger" size="sm" disabled={pending} aria-describedby={describedBy}>
              {text.confirmButton}
            </Button>
            <Button variant="secondary" size="sm" onClick={() => setConfirming(false)}>
              {text.cancel}
            </Button>
          </div>
        </div>
      ) : (
        <Button ref={revokeRef} variant="dangerSecondary" size="sm" aria-describedby={describedBy} onClick={() => setConfirming(true)}>
          {text.button}
        </Button>
      )}
      <div aria-live="polite">{state.status === "failed" && <Alert tone="error" role={null}>{state.message}</Alert>}</div>
    </form>
  );
}
