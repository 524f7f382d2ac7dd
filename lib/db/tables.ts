import { databaseEngine } from "@/lib/env";
import * as sqliteTables from "./schema";
import * as postgresTables from "./schema-postgres";

/**
 * The active engine's tables, typed as SQLite's: lib/db's modules import their tables from here, never from
 * ./schema directly (an ESLint rule says so), and the same query then runs on either engine. A table added to
 * schema.ts and schema-postgres.ts is listed here too (tests/unit/schema-parity.test.ts checks all three agree).
 */
const active = (databaseEngine() === "postgres" ? postgresTables : sqliteTables) as unknown as typeof sqliteTables;

export const {
  admins,
  adminSessions,
  setupTokens,
  loginFailures,
  connections,
  oauthStates,
  connectionEvents,
  leases,
  guideProgress,
  apiKeys,
  leads,
  idempotencyKeys,
  leadSettings,
  deliveryState,
  alertSettings,
  telegramChats,
  alertDeliveries,
  alertChannelHealth,
  amocrmCallStarts,
  leadRateBuckets,
} = active;
