import { getTranslations } from "next-intl/server";
import { CopyField } from "@/components/ui/copy-button";
import { getEnv } from "@/lib/env";
import { deploymentKind } from "./deployment";
import { getLiveValues } from "./live-values";

const KIND_MESSAGE = { local: "server.local", "public-http": "server.publicHttp", "public-https": "server.publicHttps" } as const;

/**
 * This server's Redirect URI and disconnect hook URL with copy buttons, and what they mean for development versus
 * production, told with the live values from APP_URL.
 */
export async function ServerAddresses() {
  const t = await getTranslations("guide");
  const live = getLiveValues();
  return (
    <section aria-labelledby="guide-server-addresses" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 id="guide-server-addresses" className="text-lg font-semibold text-slate-900">
        {t("server.title")}
      </h2>
      <div className="mt-3 space-y-4">
        <CopyField
          value={live.redirectUri}
          label={t("server.redirectUri")}
          copyLabel={t("copy")}
          copiedLabel={t("copied")}
          testId="guide-redirect-uri"
        />
        <CopyField
          value={live.hookUrl}
          label={t("server.hookUrl")}
          copyLabel={t("copy")}
          copiedLabel={t("copied")}
          testId="guide-hook-url"
        />
      </div>
      <div className="mt-4 space-y-2 text-sm text-slate-700 [overflow-wrap:anywhere]">
        <p>{t("server.intro", live)}</p>
        <p>
          {getEnv().isProduction ? t("server.production") : t("server.development")}{" "}
          {t(KIND_MESSAGE[deploymentKind(live.appUrl)], live)}
        </p>
        <p>{t("server.twoServers")}</p>
      </div>
    </section>
  );
}
