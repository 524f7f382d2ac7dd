import type { ReactNode, SelectHTMLAttributes } from "react";
import { describedControl, FieldFrame } from "./field-frame";

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
  return (
    <FieldFrame
      id={selectId}
      label={label}
      hint={hint}
      errors={errors}
      control={
        <select
          name={name}
          {...select}
          {...describedControl({ id: selectId, hint, errors })}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-sky-600 focus:outline-2 focus:outline-sky-600 disabled:bg-slate-100 disabled:text-slate-600 aria-invalid:border-red-500"
        >
          {children}
        </select>
      }
    />
  );
}
