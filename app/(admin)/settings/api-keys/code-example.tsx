import { CopyButton } from "@/components/ui/copy-button";

/**
 * One copy-ready example under its own heading, so each is a named region. The code wraps instead of scrolling
 * sideways: nothing on the page scrolls on a phone, and the copy button takes the text as it is.
 */
export function CodeExample({
  id,
  title,
  description,
  code,
  copyLabel,
  copiedLabel,
}: {
  id: string;
  title: string;
  description?: string;
  code: string;
  copyLabel: string;
  copiedLabel: string;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className="min-w-0">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          {title}
        </h3>
        <CopyButton value={code} label={copyLabel} copiedLabel={copiedLabel} />
      </div>
      {description && <p className="mt-1 text-sm text-slate-700">{description}</p>}
      <pre className="mt-2 rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100 whitespace-pre-wrap [overflow-wrap:anywhere] sm:text-sm">
        <code>{code}</code>
      </pre>
    </section>
  );
}
