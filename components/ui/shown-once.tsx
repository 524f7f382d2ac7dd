"use client";

import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { CopyField } from "./copy-button";

export interface ShownOnceText {
  label: string;
  copy: string;
  copied: string;
  hide: string;
}

/**
 * A secret shown once, right after it was made (a site key, a webhook's signing secret): what it is, the value to
 * copy, and a button that hides it for good. The value lives only in the caller's state, never in the page's HTML.
 */
export function ShownOnce({
  title,
  children,
  value,
  testId,
  text,
  onHide,
}: {
  title: string;
  children: ReactNode;
  value: string;
  testId: string;
  text: ShownOnceText;
  onHide: () => void;
}) {
  return (
    <Alert tone="success" role={null} title={title}>
      {children}
      <div className="mt-3">
        <CopyField value={value} label={text.label} copyLabel={text.copy} copiedLabel={text.copied} testId={testId} />
      </div>
      <Button variant="secondary" size="sm" className="mt-3" onClick={onHide}>
        {text.hide}
      </Button>
    </Alert>
  );
}
