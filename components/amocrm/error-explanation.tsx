import { getTranslations } from "next-intl/server";
import { TroubleshootingLink } from "@/components/guide/troubleshooting-link";
import { Alert } from "@/components/ui/alert";
import type { ErrorCode } from "@/lib/error-codes";
import { describeError } from "@/lib/i18n/errors";

/** An error in words the admin can act on, with a link to the troubleshooting entry that explains it. */
export async function ErrorExplanation({
  code,
  detail,
  tone = "error",
}: {
  code: ErrorCode;
  detail?: Record<string, string | number>;
  tone?: "error" | "warning";
}) {
  const [message, t] = await Promise.all([describeError(code, detail), getTranslations("status")]);
  // role="alert" for both tones: /status?error=<code> promises an alert, and a degraded connection still needs eyes.
  return (
    <Alert tone={tone} role="alert" data-error-code={code}>
      <p>{message}</p>
      <p className="mt-2">
        <TroubleshootingLink code={code} className="font-medium underline">
          {t("howToFix")}
        </TroubleshootingLink>
      </p>
    </Alert>
  );
}
