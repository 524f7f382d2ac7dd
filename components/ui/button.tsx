import type { ComponentPropsWithRef } from "react";

const VARIANTS = {
  primary: "bg-sky-700 text-white hover:bg-sky-800",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
  danger: "bg-red-700 text-white hover:bg-red-800",
  /** A destructive action that is not the page's main one: opens a confirmation first. */
  dangerSecondary: "border border-red-300 bg-white text-red-800 hover:bg-red-50",
  /** Header and toolbar actions that should not compete with the page's own buttons. */
  quiet: "text-slate-700 hover:bg-slate-100",
} as const;

const SIZES = {
  sm: "px-3 py-1.5 text-sm",
  md: "px-4 py-2 text-sm",
  lg: "gap-2 px-6 py-3 text-base",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;
export type ButtonSize = keyof typeof SIZES;

/**
 * The one button look, for <button> (through `Button`) and for links that act as buttons (`buttonClass` on <a> or
 * <Link>). Size is a parameter rather than extra classes, because Tailwind resolves two padding classes by its own
 * stylesheet order, not by their order in `className`.
 */
export const buttonClass = (variant: ButtonVariant = "primary", size: ButtonSize = "md") =>
  `inline-flex items-center justify-center rounded-md font-semibold disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 ${SIZES[size]} ${VARIANTS[variant]}`;

/** `type` defaults to "button": a form is submitted only by a button that says `type="submit"`. `ref` passes through. */
export function Button({
  variant = "primary",
  size = "md",
  type = "button",
  className = "",
  ...props
}: ComponentPropsWithRef<"button"> & { variant?: ButtonVariant; size?: ButtonSize }) {
  return <button {...props} type={type} className={`${buttonClass(variant, size)} ${className}`.trimEnd()} />;
}
