import type { InputHTMLAttributes, ReactNode } from "react";
import { describedControl, FieldFrame } from "./field-frame";

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
  return (
    <FieldFrame
      id={inputId}
      label={label}
      hint={hint}
      errors={errors}
      control={
        <input
          name={name}
          {...input}
          {...describedControl({ id: inputId, hint, errors, describedBy: describedByExtra })}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-sky-600 focus:outline-2 focus:outline-sky-600 aria-invalid:border-red-500"
        />
      }
    >
      {children}
    </FieldFrame>
  );
}
