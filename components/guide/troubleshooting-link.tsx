import type { ReactNode } from "react";
import { troubleshootingHref, type TroubleshootingTopic } from "./troubleshooting-topics";

/** Links an error code (or a setup problem) to its entry on /guide/troubleshooting, for /status and /connect. */
export function TroubleshootingLink({
  code,
  children,
  className = "font-medium text-sky-800 underline underline-offset-2 hover:text-sky-950",
}: {
  code: TroubleshootingTopic;
  children: ReactNode;
  className?: string;
}) {
  return (
    <a href={troubleshootingHref(code)} className={className}>
      {children}
    </a>
  );
}
