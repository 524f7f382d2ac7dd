import type { ReactNode } from "react";

const TONES = {
  warning: "border-amber-400 bg-amber-50 text-amber-950",
  info: "border-sky-500 bg-sky-50 text-sky-950",
} as const;

/** A highlighted remark with its own heading; static content, so no live-region role (unlike ui/alert). */
export function Note({
  id,
  tone,
  title,
  children,
}: {
  id: string;
  tone: keyof typeof TONES;
  title: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className={`rounded-xl border-l-4 px-4 py-3 text-sm sm:px-5 ${TONES[tone]}`}>
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      <div className="mt-1 space-y-2 [overflow-wrap:anywhere]">{children}</div>
    </section>
  );
}
