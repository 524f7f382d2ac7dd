import type { ReactNode } from "react";

/** The accessibility attributes that tie a form control to its hint and its errors (`${id}-hint`, `${id}-error`). */
export function describedControl({ id, hint, errors, describedBy }: { id: string; hint?: ReactNode; errors?: string[]; describedBy?: string }) {
  const invalid = Boolean(errors?.length);
  const describers = [hint ? `${id}-hint` : null, invalid ? `${id}-error` : null, describedBy].filter(Boolean).join(" ");
  return {
    id,
    "aria-invalid": invalid ? true : undefined,
    "aria-errormessage": invalid ? `${id}-error` : undefined,
    "aria-describedby": describers || undefined,
  };
}

/** Label above, hint and errors below: the frame every labelled control (`Field`, `SelectField`) sits in. */
export function FieldFrame({
  id,
  label,
  hint,
  errors,
  control,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  /** The input or select, given `describedControl`'s attributes. */
  control: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {control}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      )}
      <div id={`${id}-error`} aria-live="polite">
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
