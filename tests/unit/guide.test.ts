import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { deploymentKind } from "@/components/guide/deployment";
import { StepIllustration } from "@/components/guide/illustrations";
import { fitText } from "@/components/guide/illustrations/kit";
import {
  AMOCRM_STEPS,
  CALLOUT_COUNTS,
  GUIDE_STEPS,
  doneSteps,
  firstStepNotDone,
  isGuideStep,
  landingStep,
  neighbourSteps,
  stepDoneReason,
  stepHref,
  stepNumber,
} from "@/components/guide/steps";
import { TroubleshootingLink } from "@/components/guide/troubleshooting-link";
import {
  ERROR_GROUPS,
  ERROR_GROUP_OF,
  RELATED_PROBLEM_OF,
  SETUP_PROBLEMS,
  codesInGroup,
  troubleshootingHref,
} from "@/components/guide/troubleshooting-topics";
import { splitLines } from "@/components/guide/ui-text";
import { ALL_ERROR_CODES } from "@/lib/error-codes";
import enGuide from "@/messages/en/guide.json";
import enTroubleshooting from "@/messages/en/troubleshooting.json";
import ruGuide from "@/messages/ru/guide.json";
import ruTroubleshooting from "@/messages/ru/troubleshooting.json";
import uzGuide from "@/messages/uz/guide.json";
import uzTroubleshooting from "@/messages/uz/troubleshooting.json";

type Tree = { [key: string]: string | Tree };

const LOCALES = {
  en: { guide: enGuide as Tree, troubleshooting: enTroubleshooting as Tree },
  ru: { guide: ruGuide as Tree, troubleshooting: ruTroubleshooting as Tree },
  uz: { guide: uzGuide as Tree, troubleshooting: uzTroubleshooting as Tree },
};
const LOCALE_NAMES = Object.keys(LOCALES) as (keyof typeof LOCALES)[];
const NAMESPACES = ["guide", "troubleshooting"] as const;

/** Every leaf as [dotted key, value]. */
function leaves(tree: Tree, prefix = ""): [string, unknown][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    value !== null && typeof value === "object" ? leaves(value as Tree, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

function lookup(tree: Tree, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);
}

const LIVE = {
  redirectUri: "https://admin.example.com/api/amocrm/callback",
  hookUrl: "https://admin.example.com/api/amocrm/disconnect-hook",
  appUrl: "https://admin.example.com",
  appOrigin: "https://admin.example.com",
  host: "admin.example.com",
  leadsApiUrl: "https://admin.example.com/api/v1/leads",
};

describe("guide steps", () => {
  it("has the six steps in order, each at /guide/<slug>", () => {
    expect(GUIDE_STEPS).toEqual(["sign-in", "open-amomarket", "create-integration", "fill-form", "copy-keys", "connect-website"]);
    expect(GUIDE_STEPS.map(stepHref)).toEqual([
      "/guide/sign-in",
      "/guide/open-amomarket",
      "/guide/create-integration",
      "/guide/fill-form",
      "/guide/copy-keys",
      "/guide/connect-website",
    ]);
    expect(GUIDE_STEPS.map(stepNumber)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("does not take troubleshooting or unknown slugs for steps", () => {
    expect(isGuideStep("troubleshooting")).toBe(false);
    expect(isGuideStep("copy-keys")).toBe(true);
    expect(isGuideStep("Copy-Keys")).toBe(false);
    expect(isGuideStep(undefined)).toBe(false);
  });

  it("links each step to its neighbours", () => {
    expect(neighbourSteps("sign-in")).toEqual({ previous: null, next: "open-amomarket" });
    expect(neighbourSteps("fill-form")).toEqual({ previous: "create-integration", next: "copy-keys" });
    expect(neighbourSteps("copy-keys")).toEqual({ previous: "fill-form", next: "connect-website" });
    expect(neighbourSteps("connect-website")).toEqual({ previous: "copy-keys", next: null });
  });
});

describe("guide progress", () => {
  const fresh = { credentialsSaved: false, connected: false, activeApiKey: false };

  it("starts at the first step and skips the steps the admin ticked, in guide order", () => {
    expect(firstStepNotDone(fresh, [])).toBe("sign-in");
    expect(firstStepNotDone(fresh, ["sign-in"])).toBe("open-amomarket");
    expect(firstStepNotDone(fresh, ["open-amomarket", "sign-in"])).toBe("create-integration");
    // A gap: the admin ticked later steps but not step 2.
    expect(firstStepNotDone(fresh, ["sign-in", "create-integration", "fill-form"])).toBe("open-amomarket");
  });

  it("ignores ticks for steps that are not in the guide", () => {
    expect(firstStepNotDone(fresh, ["troubleshooting", "old-step"])).toBe("sign-in");
    expect(doneSteps(fresh, ["old-step", "fill-form"])).toEqual(["fill-form"]);
  });

  it("counts every amoCRM step done once the credentials are saved or the account is connected, not the website step", () => {
    for (const progress of [
      { credentialsSaved: true, connected: false, activeApiKey: false },
      { credentialsSaved: true, connected: true, activeApiKey: false },
      { credentialsSaved: false, connected: true, activeApiKey: false },
    ]) {
      expect(doneSteps(progress, [])).toEqual([...AMOCRM_STEPS]);
      expect(firstStepNotDone(progress, [])).toBe("connect-website");
      expect(landingStep(progress, [])).toBe("connect-website");
      expect(doneSteps({ ...progress, activeApiKey: true }, [])).toEqual([...GUIDE_STEPS]);
      expect(firstStepNotDone({ ...progress, activeApiKey: true }, [])).toBeNull();
      expect(landingStep({ ...progress, activeApiKey: true }, [])).toBe("connect-website");
    }
  });

  it("counts the website step done by an active site API key, which proves nothing about amoCRM", () => {
    const withKey = { ...fresh, activeApiKey: true };
    expect(doneSteps(withKey, [])).toEqual(["connect-website"]);
    expect(stepDoneReason("connect-website", withKey, [])).toBe("apiKey");
    expect(stepDoneReason("connect-website", withKey, ["connect-website"])).toBe("apiKey");
    expect(stepDoneReason("connect-website", fresh, ["connect-website"])).toBe("marked");
    expect(stepDoneReason("connect-website", { credentialsSaved: true, connected: true, activeApiKey: false }, [])).toBeNull();
    expect(stepDoneReason("sign-in", withKey, [])).toBeNull();
    expect(firstStepNotDone(withKey, [])).toBe("sign-in");
  });

  it("lands on the last step when the admin ticked everything", () => {
    expect(firstStepNotDone(fresh, GUIDE_STEPS)).toBeNull();
    expect(landingStep(fresh, GUIDE_STEPS)).toBe("connect-website");
    expect(landingStep(fresh, ["sign-in"])).toBe("open-amomarket");
  });

  it("says why a step is done, the real state first", () => {
    expect(stepDoneReason("fill-form", fresh, [])).toBeNull();
    expect(stepDoneReason("fill-form", fresh, ["fill-form"])).toBe("marked");
    expect(stepDoneReason("fill-form", { credentialsSaved: true, connected: false, activeApiKey: false }, ["fill-form"])).toBe("credentials");
    expect(stepDoneReason("fill-form", { credentialsSaved: true, connected: true, activeApiKey: true }, [])).toBe("connected");
  });
});

describe("messages", () => {
  it.each(NAMESPACES)("%s has the same keys in en, ru and uz, with no empty value", (namespace) => {
    const keys = (locale: keyof typeof LOCALES) => leaves(LOCALES[locale][namespace]).map(([key]) => key).sort();
    expect(keys("ru")).toEqual(keys("en"));
    expect(keys("uz")).toEqual(keys("en"));
    for (const locale of LOCALE_NAMES) {
      for (const [key, value] of leaves(LOCALES[locale][namespace])) {
        expect(typeof value, `${locale} ${namespace}.${key}`).toBe("string");
        expect((value as string).trim(), `${locale} ${namespace}.${key}`).not.toBe("");
      }
    }
  });

  it.each(LOCALE_NAMES)("every error code has a troubleshooting entry in %s", (locale) => {
    const messages = LOCALES[locale].troubleshooting;
    for (const code of [...ALL_ERROR_CODES, ...SETUP_PROBLEMS]) {
      for (const part of ["title", "body", "fix"]) {
        const value = lookup(messages, `entries.${code}.${part}`);
        expect(typeof value === "string" && value.trim().length > 0, `${locale} entries.${code}.${part}`).toBe(true);
      }
    }
  });

  it("has no troubleshooting entry for a code that does not exist", () => {
    const known = new Set<string>([...ALL_ERROR_CODES, ...SETUP_PROBLEMS]);
    expect(Object.keys(enTroubleshooting.entries).filter((key) => !known.has(key))).toEqual([]);
  });

  it.each(LOCALE_NAMES)("every %s message formats with the live values (valid ICU, no missing argument)", (locale) => {
    for (const namespace of NAMESPACES) {
      const t = createTranslator({ locale, messages: { [namespace]: LOCALES[locale][namespace] } as never, namespace: namespace as never });
      for (const [key] of leaves(LOCALES[locale][namespace])) {
        const formatted = (t as unknown as (key: string, values: object) => string)(key, {
          ...LIVE,
          number: 2,
          total: 5,
          done: 1,
          title: "x",
        });
        expect(formatted, `${locale} ${namespace}.${key}`).not.toContain(`${namespace}.${key}`);
      }
    }
  });

  it.each(LOCALE_NAMES)("each %s step has one legend line per callout in its picture and a list of things to do", (locale) => {
    for (const step of GUIDE_STEPS) {
      const callouts = lookup(LOCALES[locale].guide, `steps.${step}.callouts`) as string;
      expect(splitLines(callouts), `${locale} ${step}`).toHaveLength(CALLOUT_COUNTS[step]);
      expect(splitLines(lookup(LOCALES[locale].guide, `steps.${step}.todo`) as string).length).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(LOCALE_NAMES)("%s keeps amoCRM's own Russian labels, as the admin sees them on screen", (locale) => {
    const text = JSON.stringify(LOCALES[locale].guide);
    for (const label of [
      "амоМаркет",
      "«Ключи и доступы»",
      "«Секретный ключ»",
      "«ID интеграции»",
      "«Создать интеграцию»",
      "«Внешняя интеграция»",
      "«Сохранить»",
      "«Настройки»",
    ]) {
      expect(text, `${locale}: ${label}`).toContain(label);
    }
  });

  it("maps «Секретный ключ» to the Client Secret and «ID интеграции» to the Client ID, never the other way", () => {
    for (const locale of LOCALE_NAMES) {
      const callouts = splitLines(lookup(LOCALES[locale].guide, "steps.copy-keys.callouts") as string);
      expect(callouts.find((line) => line.includes("«Секретный ключ»"))).toContain("Client Secret");
      expect(callouts.find((line) => line.includes("«ID интеграции»"))).toContain("Client ID");
    }
  });

  it("writes Uzbek with the Uzbek letters oʻ and gʻ, not ASCII apostrophes", () => {
    const text = JSON.stringify([uzGuide, uzTroubleshooting]);
    expect(text).not.toMatch(/[oOgG]'/);
    expect(text).toContain("oʻ");
    expect(text).toContain("gʻ");
  });

  it("names no hard-coded deployment: the addresses come from APP_URL", () => {
    const text = JSON.stringify(LOCALES);
    expect(text).not.toMatch(/acoustic\.uz|localhost:3001\/api/i);
  });
});

describe("troubleshooting topics", () => {
  it("puts every error code in exactly one group", () => {
    expect(Object.keys(ERROR_GROUP_OF).sort()).toEqual([...ALL_ERROR_CODES].sort());
    const grouped = ERROR_GROUPS.flatMap(codesInGroup);
    expect(grouped.sort()).toEqual([...ALL_ERROR_CODES].sort());
  });

  it("links each topic to its stable anchor", () => {
    expect(troubleshootingHref("redirect_uri_mismatch")).toBe("/guide/troubleshooting#redirect_uri_mismatch");
    expect(troubleshootingHref("no-integrations-section")).toBe("/guide/troubleshooting#no-integrations-section");
    const html = renderToStaticMarkup(TroubleshootingLink({ code: "state_expired", children: "What does this mean?" }));
    expect(html).toMatch(/^<a href="\/guide\/troubleshooting#state_expired"[^>]*>What does this mean\?<\/a>$/);
  });

  it("relates every step to a troubleshooting topic that exists: a setup problem, or the refused key for the website", () => {
    const topics = new Set<string>([...SETUP_PROBLEMS, ...ALL_ERROR_CODES]);
    for (const step of GUIDE_STEPS) expect(topics.has(RELATED_PROBLEM_OF[step]), step).toBe(true);
    for (const step of AMOCRM_STEPS) expect(SETUP_PROBLEMS).toContain(RELATED_PROBLEM_OF[step]);
    expect(RELATED_PROBLEM_OF["connect-website"]).toBe("invalid_api_key");
  });
});

describe("illustrations", () => {
  const values = {
    redirectUri: LIVE.redirectUri,
    hookUrl: LIVE.hookUrl,
    exampleName: "Website (admin.example.com)",
    exampleDescription: "Connects the website to amoCRM",
    website: { leadsApiUrl: LIVE.leadsApiUrl, keyNameLabel: "Key name", createKey: "Create key", siteServer: "Website server" },
  };

  it.each(GUIDE_STEPS)("%s is a responsive SVG image named by its <title> and described by its <desc>", (step) => {
    const html = renderToStaticMarkup(createElement(StepIllustration, { step, title: `Title ${step}`, desc: `Desc ${step}`, values }));
    expect(html).toMatch(/^<svg [^>]*viewBox="0 0 400 \d+"/);
    expect(html).toContain('width="100%"');
    expect(html).toContain('role="img"');
    const labelledBy = /aria-labelledby="([^"]+)"/.exec(html)?.[1];
    const describedBy = /aria-describedby="([^"]+)"/.exec(html)?.[1];
    expect(html).toContain(`<title id="${labelledBy}">Title ${step}</title>`);
    expect(html).toContain(`<desc id="${describedBy}">Desc ${step}</desc>`);
    expect(html).not.toMatch(/<image|href="http|@import|<script/);
    // One numbered marker per legend line.
    expect(html.match(/fill="#c2410c" stroke="#ffffff"/g)).toHaveLength(CALLOUT_COUNTS[step]);
  });

  it("shows the live Redirect URI and hook URL in the form picture", () => {
    const html = renderToStaticMarkup(createElement(StepIllustration, { step: "fill-form", title: "t", desc: "d", values }));
    expect(html).toContain(LIVE.redirectUri);
    expect(html).toContain(LIVE.hookUrl);
    expect(html).toContain("Ссылка для перенаправления");
    const local = renderToStaticMarkup(
      createElement(StepIllustration, {
        step: "fill-form",
        title: "t",
        desc: "d",
        values: { ...values, redirectUri: "http://localhost:3001/api/amocrm/callback", hookUrl: "http://localhost:3001/api/amocrm/disconnect-hook" },
      }),
    );
    expect(local).toContain(">http://localhost:3001/api/amocrm/disconnect-hook<");
  });

  it("shortens long values in the middle, keeping the end that tells URIs apart", () => {
    const long = "https://a-very-long-subdomain.customer-company.example.com/api/amocrm/callback";
    const short = fitText(long, 40);
    expect(short.length).toBeLessThanOrEqual(40);
    expect(short).toContain("…");
    expect(short.endsWith("amocrm/callback")).toBe(true);
    expect(fitText("http://localhost:3001", 40)).toBe("http://localhost:3001");
  });
});

describe("deploymentKind", () => {
  it.each([
    ["http://localhost:3001", "local"],
    ["http://127.0.0.1:3100", "local"],
    ["http://192.168.1.20:3001", "local"],
    ["http://[::1]:3001", "local"],
    ["http://crm.lan.local", "local"],
    ["http://admin.example.com", "public-http"],
    ["https://admin.example.com", "public-https"],
    ["https://172.32.0.1", "public-https"],
  ])("%s is %s", (url, kind) => {
    expect(deploymentKind(url)).toBe(kind);
  });
});

describe("the website step's picture", () => {
  it("shows this server's leads address and the admin's own words, never a usable key", () => {
    const html = renderToStaticMarkup(
      createElement(StepIllustration, {
        step: "connect-website",
        title: "t",
        desc: "d",
        values: {
          redirectUri: LIVE.redirectUri,
          hookUrl: LIVE.hookUrl,
          exampleName: "Sayt (admin.example.com)",
          exampleDescription: "x",
          website: { leadsApiUrl: LIVE.leadsApiUrl, keyNameLabel: "Kalit nomi", createKey: "Kalit yaratish", siteServer: "Sayt serveri" },
        },
      }),
    );
    expect(html).toContain(">admin.example.com<");
    expect(html).toContain(">/api/v1/leads<");
    expect(html).toContain("admin.example.com/settings/api-keys");
    for (const label of ["Kalit nomi", "Kalit yaratish", "Sayt serveri", "Sayt (admin.example.com)"]) expect(html).toContain(label);
    // A site key is amc_ and 43 base64url characters; the picture's sample is cut short.
    expect(html).not.toMatch(/amc_[A-Za-z0-9_-]{43}/);
  });
});
