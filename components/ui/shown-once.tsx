"use client";

import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { CopyButton } from "./copy-button";

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
        <div className="text-sm font-medium">{text.label}</div>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <code
            data-testid={testId}
            className="min-w-0 flex-1 break-all rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
          >
            {value}
          </code>
          <CopyButton value={value} label={text.copy} copiedLabel={text.copied} />
        </div>
      </div>
      <Button variant="secondary" size="sm" className="mt-3" onClick={onHide}>
        {text.hide}
      </Button>
    </Alert>
  );
}
