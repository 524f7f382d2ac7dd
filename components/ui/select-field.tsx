import type { ReactNode, SelectHTMLAttributes } from "react";

/**
 * A labelled select with its hint and errors tied to it, the same way `Field` ties them to an input: the id defaults
 * to the name, and the error slot is `${id}-error`.
 */
export function SelectField({
  id,
  name,
  label,
  hint,
  errors,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & {
  name: string;
  id?: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  children: ReactNode;
}) {
  const selectId = id ?? name;
  const describedBy = [hint ? `${selectId}-hint` : null, errors?.length ? `${selectId}-error` : null].filter(Boolean).join(" ");
  return (
    <div>
      <label htmlFor={selectId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={selectId}
        name={name}
        {...select}
        aria-invalid={errors?.length ? true : undefined}
        aria-errormessage={errors?.length ? `${selectId}-error` : undefined}
        aria-describedby={describedBy || undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-sky-600 focus:outline-2 focus:outline-sky-600 disabled:bg-slate-100 disabled:text-slate-600 aria-invalid:border-red-500"
      >
        {children}
      </select>
      {hint && (
        <p id={`${selectId}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      )}
      <div id={`${selectId}-error`} aria-live="polite">
        {errors?.map((error) => (
          <p key={error} className="mt-1 text-sm text-red-700">
            {error}
          </p>
        ))}
      </div>
    </div>
  );
}
