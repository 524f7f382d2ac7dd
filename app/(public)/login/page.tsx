import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PublicFrame } from "@/components/shell/public-frame";
import { Alert } from "@/components/ui/alert";
import { safeRedirectPath } from "@/lib/auth/redirect";
import { getAdmin } from "@/lib/auth/session";
import { countAdmins } from "@/lib/db/admins";
import { LoginForm } from "./login-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.login");
  return { title: t("title") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl);
  if (await getAdmin()) redirect(callbackUrl);
  const t = await getTranslations("auth.login");
  return (
    <PublicFrame title={t("title")}>
      <p className="mb-4 text-sm text-slate-600">{t("intro")}</p>
      {params.signedOut && (
        <Alert tone="success" className="mb-4">
          {params.signedOut === "everywhere" ? t("signedOutEverywhere") : t("signedOut")}
        </Alert>
      )}
      {(await countAdmins()) === 0 && (
        // A fact about this server, not a failure of something the visitor did: polite, not an alert.
        <Alert tone="warning" role="status" className="mb-4">
          {t("noAdminYet")}
        </Alert>
      )}
      <LoginForm
        callbackUrl={callbackUrl}
        text={{
          email: t("email"),
          password: t("password"),
          submit: t("submit"),
          submitting: t("submitting"),
        }}
      />
    </PublicFrame>
  );
}
