"use client";

import { useState } from "react";
import { Button } from "./button";

/**
 * Copies a value already shown on the page and says so for screen readers too: a public value such as a URL, or a
 * new site API key at the one moment it is shown. Never a stored secret the page does not show.
 */
export function CopyButton({ value, label, copiedLabel }: { value: string; label: string; copiedLabel: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="secondary"
      size="sm"
      className="shrink-0"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        } catch {
          setCopied(false);
        }
      }}
    >
      <span aria-live="polite">{copied ? copiedLabel : label}</span>
    </Button>
  );
}

/** A read-only value shown in full with a copy button beside it. */
export function CopyField({
  value,
  label,
  copyLabel,
  copiedLabel,
  testId,
}: {
  value: string;
  label: string;
  copyLabel: string;
  copiedLabel: string;
  testId?: string;
}) {
  return (
    <div>
      <div className="text-sm font-medium text-slate-700">{label}</div>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <code
          data-testid={testId}
          className="min-w-0 flex-1 break-all rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900"
        >
          {value}
        </code>
        <CopyButton value={value} label={copyLabel} copiedLabel={copiedLabel} />
      </div>
    </div>
  );
}
