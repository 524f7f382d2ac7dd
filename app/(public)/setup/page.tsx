import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PublicFrame } from "@/components/shell/public-frame";
import { Alert } from "@/components/ui/alert";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { countAdmins } from "@/lib/db/admins";
import { isSetupTokenValid } from "@/lib/db/setup-tokens";
import { SetupForm } from "./setup-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.setup");
  return { title: t("title") };
}

export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const t = await getTranslations("auth.setup");
  const valid = typeof token === "string" && token.length <= 200 && (await countAdmins()) === 0 && (await isSetupTokenValid({ token }));
  return (
    <PublicFrame title={t("title")}>
      {valid ? (
        <>
          <p className="mb-4 text-sm text-slate-600">{t("intro")}</p>
          <SetupForm
            token={token}
            text={{
              email: t("email"),
              password: t("password"),
              passwordHint: t("passwordHint", { min: PASSWORD_MIN_LENGTH }),
              confirm: t("confirm"),
              submit: t("submit"),
            }}
          />
        </>
      ) : (
        <div className="space-y-4">
          <Alert tone="error">{t("invalidLink")}</Alert>
          <Link href="/login" className="text-sm font-medium text-sky-800 underline">
            {t("goToLogin")}
          </Link>
        </div>
      )}
    </PublicFrame>
  );
}
