import enAlerts from "@/messages/en/alerts.json";
import enApiKeys from "@/messages/en/apiKeys.json";
import enAuth from "@/messages/en/auth.json";
import enCommon from "@/messages/en/common.json";
import enConnect from "@/messages/en/connect.json";
import enErrors from "@/messages/en/errors.json";
import enGuide from "@/messages/en/guide.json";
import enLeads from "@/messages/en/leads.json";
import enLeadsPage from "@/messages/en/leadsPage.json";
import enLeadSettings from "@/messages/en/leadSettings.json";
import enStatus from "@/messages/en/status.json";
import enTroubleshooting from "@/messages/en/troubleshooting.json";
import ruAlerts from "@/messages/ru/alerts.json";
import ruApiKeys from "@/messages/ru/apiKeys.json";
import ruAuth from "@/messages/ru/auth.json";
import ruCommon from "@/messages/ru/common.json";
import ruConnect from "@/messages/ru/connect.json";
import ruErrors from "@/messages/ru/errors.json";
import ruGuide from "@/messages/ru/guide.json";
import ruLeads from "@/messages/ru/leads.json";
import ruLeadsPage from "@/messages/ru/leadsPage.json";
import ruLeadSettings from "@/messages/ru/leadSettings.json";
import ruStatus from "@/messages/ru/status.json";
import ruTroubleshooting from "@/messages/ru/troubleshooting.json";
import uzAlerts from "@/messages/uz/alerts.json";
import uzApiKeys from "@/messages/uz/apiKeys.json";
import uzAuth from "@/messages/uz/auth.json";
import uzCommon from "@/messages/uz/common.json";
import uzConnect from "@/messages/uz/connect.json";
import uzErrors from "@/messages/uz/errors.json";
import uzGuide from "@/messages/uz/guide.json";
import uzLeads from "@/messages/uz/leads.json";
import uzLeadsPage from "@/messages/uz/leadsPage.json";
import uzLeadSettings from "@/messages/uz/leadSettings.json";
import uzStatus from "@/messages/uz/status.json";
import uzTroubleshooting from "@/messages/uz/troubleshooting.json";
import type { Locale } from "./locales";

const en = {
  common: enCommon,
  alerts: enAlerts,
  apiKeys: enApiKeys,
  auth: enAuth,
  connect: enConnect,
  status: enStatus,
  errors: enErrors,
  guide: enGuide,
  leads: enLeads,
  leadsPage: enLeadsPage,
  leadSettings: enLeadSettings,
  troubleshooting: enTroubleshooting,
};

export type Messages = typeof en;

// Every namespace file per language is imported statically so a missing one fails the build, and the locale
// test checks that all three have the same keys.
const MESSAGES: Record<Locale, Messages> = {
  en,
  ru: {
    common: ruCommon,
    alerts: ruAlerts,
    apiKeys: ruApiKeys,
    auth: ruAuth,
    connect: ruConnect,
    status: ruStatus,
    errors: ruErrors,
    guide: ruGuide,
    leads: ruLeads,
    leadsPage: ruLeadsPage,
    leadSettings: ruLeadSettings,
    troubleshooting: ruTroubleshooting,
  },
  uz: {
    common: uzCommon,
    alerts: uzAlerts,
    apiKeys: uzApiKeys,
    auth: uzAuth,
    connect: uzConnect,
    status: uzStatus,
    errors: uzErrors,
    guide: uzGuide,
    leads: uzLeads,
    leadsPage: uzLeadsPage,
    leadSettings: uzLeadSettings,
    troubleshooting: uzTroubleshooting,
  },
};

export function loadMessages(locale: Locale): Messages {
  return MESSAGES[locale];
}
