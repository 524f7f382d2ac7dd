import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
  primary: "bg-sky-700 text-white hover:bg-sky-800",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
  danger: "bg-red-700 text-white hover:bg-red-800",
} as const;

export const buttonClass = (variant: keyof typeof VARIANTS = "primary") =>
  `inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-semibold disabled:opacity-70 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 ${VARIANTS[variant]}`;

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS }) {
  return <button {...props} className={`${buttonClass(variant)} ${className}`} />;
}
