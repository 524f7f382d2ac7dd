import type { HTMLAttributes, ReactNode } from "react";

const TONES = {
  error: "border-red-200 bg-red-50 text-red-900",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  info: "border-sky-200 bg-sky-50 text-sky-900",
} as const;

export type AlertTone = keyof typeof TONES;

/**
 * The one message box of the app. Errors and warnings are announced at once (role="alert"), the rest politely
 * (role="status"). `role` overrides that where a page already gives the message its meaning; `role={null}` leaves
 * the announcing to an enclosing live region (a form's aria-live slot), so a screen reader does not read it twice.
 * Other attributes (`id`, `data-*`) pass through to the box.
 */
export function Alert({
  tone,
  title,
  children,
  testId,
  role,
  className = "",
  ...attributes
}: Omit<HTMLAttributes<HTMLDivElement>, "role" | "title"> & {
  tone: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  testId?: string;
  role?: "alert" | "status" | null;
}) {
  const announced = role === undefined ? (tone === "error" || tone === "warning" ? "alert" : "status") : role;
  return (
    <div
      {...attributes}
      role={announced ?? undefined}
      data-testid={testId}
      className={`rounded-lg border px-4 py-3 text-sm ${TONES[tone]} ${className}`.trimEnd()}
    >
      {title ? (
        <>
          <p className="font-semibold">{title}</p>
          {children !== undefined && <div className="mt-1">{children}</div>}
        </>
      ) : (
        children
      )}
    </div>
  );
}
