import { Fragment } from "react";

/**
 * Message text with amoCRM's own screen labels, written «like this» in every language, set in bold so the admin
 * can match them against the screen (and marked as Russian for screen readers). Keeps messages free of markup.
 */
export function UiText({ text }: { text: string }) {
  const parts = text.split(/(«[^»]+»)/);
  return (
    <>
      {parts.map((part, index) =>
        part.startsWith("«") && part.endsWith("»") ? (
          <strong key={index} lang="ru" className="font-semibold text-slate-900">
            {part}
          </strong>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}

/** Messages that are lists keep one item per line. */
export function splitLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}
