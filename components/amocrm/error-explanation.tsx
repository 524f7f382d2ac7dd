import { getTranslations } from "next-intl/server";
import { TroubleshootingLink } from "@/components/guide/troubleshooting-link";
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
  const colors = tone === "error" ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900";
  return (
    <div role="alert" data-error-code={code} className={`rounded-lg border px-4 py-3 text-sm ${colors}`}>
      <p>{message}</p>
      <p className="mt-2">
        <TroubleshootingLink code={code} className="font-medium underline">
          {t("howToFix")}
        </TroubleshootingLink>
      </p>
    </div>
  );
}
