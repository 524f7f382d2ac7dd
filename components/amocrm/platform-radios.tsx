import type { ReactNode } from "react";

/**
 * The amoCRM / Kommo choice as two labelled radio buttons in a fieldset; `name` differs per form on a page, and the
 * error slot is `${name}-error`, as for every Field.
 */
export function PlatformRadios({
  name,
  legend,
  labels,
  defaultValue,
  errors,
}: {
  name: string;
  legend: ReactNode;
  labels: { "amocrm.ru": string; "kommo.com": string };
  defaultValue: string;
  errors?: string[];
}) {
  const errorId = `${name}-error`;
  return (
    <fieldset aria-describedby={errors?.length ? errorId : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-2 flex flex-wrap gap-3">
        {(["amocrm.ru", "kommo.com"] as const).map((value) => (
          <label
            key={value}
            className="flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm has-checked:border-sky-600 has-checked:bg-sky-50"
          >
            <input type="radio" name={name} value={value} defaultChecked={defaultValue === value} className="accent-sky-700" />
            {labels[value]}
          </label>
        ))}
      </div>
      <div id={errorId} aria-live="polite">
        {errors?.map((error) => (
          <p key={error} className="mt-1 text-sm text-red-700">
            {error}
          </p>
        ))}
      </div>
    </fieldset>
  );
}
