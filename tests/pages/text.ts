import type { Locale } from "../../lib/i18n/locales";
import enAlerts from "../../messages/en/alerts.json";
import enApiKeys from "../../messages/en/apiKeys.json";
import enAuth from "../../messages/en/auth.json";
import enCommon from "../../messages/en/common.json";
import enConnect from "../../messages/en/connect.json";
import enGuide from "../../messages/en/guide.json";
import enLeadsPage from "../../messages/en/leadsPage.json";
import enLeadSettings from "../../messages/en/leadSettings.json";
import enStatus from "../../messages/en/status.json";
import enTroubleshooting from "../../messages/en/troubleshooting.json";
import ruAlerts from "../../messages/ru/alerts.json";
import ruApiKeys from "../../messages/ru/apiKeys.json";
import ruAuth from "../../messages/ru/auth.json";
import ruCommon from "../../messages/ru/common.json";
import ruConnect from "../../messages/ru/connect.json";
import ruGuide from "../../messages/ru/guide.json";
import ruLeadsPage from "../../messages/ru/leadsPage.json";
import ruLeadSettings from "../../messages/ru/leadSettings.json";
import ruStatus from "../../messages/ru/status.json";
import ruTroubleshooting from "../../messages/ru/troubleshooting.json";
import uzAlerts from "../../messages/uz/alerts.json";
import uzApiKeys from "../../messages/uz/apiKeys.json";
import uzAuth from "../../messages/uz/auth.json";
import uzCommon from "../../messages/uz/common.json";
import uzConnect from "../../messages/uz/connect.json";
import uzGuide from "../../messages/uz/guide.json";
import uzLeadsPage from "../../messages/uz/leadsPage.json";
import uzLeadSettings from "../../messages/uz/leadSettings.json";
import uzStatus from "../../messages/uz/status.json";
import uzTroubleshooting from "../../messages/uz/troubleshooting.json";

/**
 * The UI's own words, per language, for finding elements by their accessible names: a page object asks for "the
 * Save button" in the language the page is shown in, and a wording change in messages/ does not break the lookup.
 * Typing every language as the English shape makes a key missing in ru or uz a type error here.
 */
export interface UiText {
  alerts: typeof enAlerts;
  apiKeys: typeof enApiKeys;
  auth: typeof enAuth;
  common: typeof enCommon;
  connect: typeof enConnect;
  guide: typeof enGuide;
  leadsPage: typeof enLeadsPage;
  leadSettings: typeof enLeadSettings;
  status: typeof enStatus;
  troubleshooting: typeof enTroubleshooting;
}

const TEXT: Record<Locale, UiText> = {
  en: { alerts: enAlerts, apiKeys: enApiKeys, auth: enAuth, common: enCommon, connect: enConnect, guide: enGuide, leadSettings: enLeadSettings, leadsPage: enLeadsPage, status: enStatus, troubleshooting: enTroubleshooting },
  ru: { alerts: ruAlerts, apiKeys: ruApiKeys, auth: ruAuth, common: ruCommon, connect: ruConnect, guide: ruGuide, leadSettings: ruLeadSettings, leadsPage: ruLeadsPage, status: ruStatus, troubleshooting: ruTroubleshooting },
  uz: { alerts: uzAlerts, apiKeys: uzApiKeys, auth: uzAuth, common: uzCommon, connect: uzConnect, guide: uzGuide, leadSettings: uzLeadSettings, leadsPage: uzLeadsPage, status: uzStatus, troubleshooting: uzTroubleshooting },
};

export function uiText(locale: Locale): UiText {
  return TEXT[locale];
}

/** Fills `{name}` placeholders the way next-intl does for plain (non-plural) messages. */
export function fill(message: string, values: Record<string, string>): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
