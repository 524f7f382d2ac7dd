"use client";

import { useState } from "react";

/** Copies a public value (a URL, never a secret) and says so for screen readers too. */
export function CopyButton({ value, label, copiedLabel }: { value: string; label: string; copiedLabel: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="inline-flex shrink-0 items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
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
    </button>
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
