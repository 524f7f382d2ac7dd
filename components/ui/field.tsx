import type { InputHTMLAttributes, ReactNode } from "react";

/**
 * Errors per input, keyed by the input's `name`: the one convention for every form's action state, so
 * `fieldErrors[name]` always lands next to the input that has that name.
 */
export type FieldErrors<Name extends string> = Partial<Record<Name, string[]>>;

/**
 * A labelled input with its hint and errors tied to it for assistive technology. The id defaults to the input's
 * name, and the error slot is `${id}-error`.
 */
export function Field({
  id,
  name,
  label,
  hint,
  errors,
  children,
  "aria-describedby": describedByExtra,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  id?: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  children?: ReactNode;
}) {
  const inputId = id ?? name;
  const describedBy = [hint ? `${inputId}-hint` : null, errors?.length ? `${inputId}-error` : null, describedByExtra]
    .filter(Boolean)
    .join(" ");
  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={inputId}
        name={name}
        {...input}
        aria-invalid={errors?.length ? true : undefined}
        aria-errormessage={errors?.length ? `${inputId}-error` : undefined}
        aria-describedby={describedBy || undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-sky-600 focus:outline-2 focus:outline-sky-600 aria-invalid:border-red-500"
      />
      {hint && (
        <p id={`${inputId}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      )}
      <div id={`${inputId}-error`} aria-live="polite">
        {errors?.map((error) => (
          <p key={error} className="mt-1 text-sm text-red-700">
            {error}
          </p>
        ))}
      </div>
      {children}
    </div>
  );
}
