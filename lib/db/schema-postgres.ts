import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp as pgTimestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { ALERT_CHANNELS, ALERT_DELIVERY_STATUSES, CONNECTION_STATES, LEAD_STATUSES, PLATFORMS } from "./schema";

/**
 * The same tables as lib/db/schema.ts, for PostgreSQL: same table, column and index names, same nullability, keys
 * and defaults, so lib/db's queries read the same on both engines. schema.ts stays the source of truth: a table or
 * column added there is added here the same way, and tests/unit/schema-parity.test.ts fails until it is.
 *
 * Dialect choices: times are `timestamptz(3)` (SQLite stores integer milliseconds; both read back as Date with
 * millisecond precision); flags are `boolean`; generated ids are identity columns; amoCRM ids are `bigint` read as
 * numbers (SQLite integers are 64-bit).
 */

const timestamp = (name: string) => pgTimestamp(name, { withTimezone: true, mode: "date", precision: 3 });
const createdAt = () => timestamp("created_at").notNull().defaultNow();
const serialId = () => integer("id").primaryKey().generatedByDefaultAsIdentity();
const amoId = (name: string) => bigint(name, { mode: "number" });

export const admins = pgTable("admins", {
  id: serialId(),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
  lastSignInAt: timestamp("last_sign_in_at"),
});

export const adminSessions = pgTable(
  "admin_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    adminId: integer("admin_id")
      .notNull()
      .references(() => admins.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (table) => [index("admin_sessions_admin_idx").on(table.adminId)],
);

export const setupTokens = pgTable("setup_tokens", {
  id: serialId(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at").notNull(),
  usedAt: timestamp("used_at"),
});

export const loginFailures = pgTable(
  "login_failures",
  {
    id: serialId(),
    scope: text("scope", { enum: ["email", "address"] }).notNull(),
    subject: text("subject").notNull(),
    at: timestamp("at").notNull(),
  },
  (table) => [index("login_failures_subject_idx").on(table.scope, table.subject, table.at)],
);

export const connections = pgTable("connections", {
  id: integer("id").primaryKey(),
  platform: text("platform", { enum: PLATFORMS }).notNull(),
  mode: text("mode", { enum: ["oauth", "long_lived"] })
    .notNull()
    .default("oauth"),
  clientId: text("client_id"),
  clientSecretEnc: text("client_secret_enc"),
  clientSecretSavedAt: timestamp("client_secret_saved_at"),
  expectedAccountHost: text("expected_account_host"),
  redirectUri: text("redirect_uri"),
  accountHost: text("account_host"),
  accountId: amoId("account_id"),
  accountName: text("account_name"),
  accountSubdomain: text("account_subdomain"),
  apiDomain: text("api_domain"),
  accessTokenEnc: text("access_token_enc"),
  refreshTokenEnc: text("refresh_token_enc"),
  accessTokenExpiresAt: timestamp("access_token_expires_at"),
  refreshTokenExpiresAt: timestamp("refresh_token_expires_at"),
  lastRefreshAt: timestamp("last_refresh_at"),
  state: text("state", { enum: CONNECTION_STATES }).notNull().default("not_configured"),
  lastErrorCode: text("last_error_code"),
  lastErrorDetail: text("last_error_detail"),
  lastErrorAt: timestamp("last_error_at"),
  lastCheckAt: timestamp("last_check_at"),
  lastCheckOk: boolean("last_check_ok"),
  lastCheckLatencyMs: integer("last_check_latency_ms"),
  generation: integer("generation").notNull().default(0),
  refreshIntentGeneration: integer("refresh_intent_generation"),
  refreshIntentAt: timestamp("refresh_intent_at"),
  failureCount: integer("failure_count").notNull().default(0),
  nextRetryAt: timestamp("next_retry_at"),
  connectedAt: timestamp("connected_at"),
  connectedBy: text("connected_by"),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

export const oauthStates = pgTable("oauth_states", {
  id: serialId(),
  stateHash: text("state_hash").notNull().unique(),
  adminId: integer("admin_id")
    .notNull()
    .references(() => admins.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at").notNull(),
  usedAt: timestamp("used_at"),
  outcome: text("outcome"),
});

export const connectionEvents = pgTable(
  "connection_events",
  {
    id: serialId(),
    connectionId: integer("connection_id").notNull(),
    at: timestamp("at").notNull(),
    actor: text("actor", { enum: ["admin", "system", "amocrm"] }).notNull(),
    actorEmail: text("actor_email"),
    type: text("type").notNull(),
    details: text("details"),
  },
  (table) => [index("connection_events_connection_idx").on(table.connectionId, table.at)],
);

export const leases = pgTable("leases", {
  name: text("name").primaryKey(),
  owner: text("owner").notNull(),
  expiresAt: timestamp("expires_at").notNull(),
});

export const guideProgress = pgTable(
  "guide_progress",
  {
    adminId: integer("admin_id")
      .notNull()
      .references(() => admins.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    doneAt: timestamp("done_at").notNull(),
  },
  (table) => [uniqueIndex("guide_progress_admin_step_idx").on(table.adminId, table.step)],
);

export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  createdAt: createdAt(),
  createdBy: text("created_by"),
  lastUsedAt: timestamp("last_used_at"),
  revokedAt: timestamp("revoked_at"),
});

export const leads = pgTable(
  "leads",
  {
    id: text("id").primaryKey(),
    apiKeyId: text("api_key_id"),
    source: text("source"),
    dataEnc: text("data_enc"),
    status: text("status", { enum: LEAD_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at").notNull(),
    lookUpFirst: boolean("look_up_first").notNull().default(false),
    claimedBy: text("claimed_by"),
    claimedAt: timestamp("claimed_at"),
    amocrmLeadId: amoId("amocrm_lead_id"),
    amocrmContactId: amoId("amocrm_contact_id"),
    notePending: boolean("note_pending").notNull().default(false),
    lastErrorCode: text("last_error_code"),
    lastErrorDetail: text("last_error_detail"),
    lastErrorAt: timestamp("last_error_at"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    sentAt: timestamp("sent_at"),
    deadAt: timestamp("dead_at"),
    erasedAt: timestamp("erased_at"),
  },
  (table) => [
    index("leads_due_idx").on(table.status, table.nextAttemptAt, table.createdAt),
    index("leads_created_idx").on(table.createdAt, table.id),
    index("leads_status_created_idx").on(table.status, table.createdAt, table.id),
  ],
);

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    apiKeyId: text("api_key_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status").notNull(),
    responseBody: text("response_body").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.apiKeyId, table.key] }), index("idempotency_keys_created_idx").on(table.createdAt)],
);

export const leadSettings = pgTable("lead_settings", {
  id: integer("id").primaryKey(),
  destination: text("destination", { enum: ["unsorted", "pipeline"] }).notNull().default("unsorted"),
  pipelineId: amoId("pipeline_id"),
  statusId: amoId("status_id"),
  nameTemplate: text("name_template").notNull(),
  tags: text("tags").notNull(),
  utmFieldCodes: text("utm_field_codes").notNull().default("[]"),
  utmFieldsCheckedAt: timestamp("utm_fields_checked_at"),
  updatedAt: timestamp("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

export const deliveryState = pgTable("delivery_state", {
  id: integer("id").primaryKey(),
  holdUntil: timestamp("hold_until"),
  holdReason: text("hold_reason"),
  lastDeliveredAt: timestamp("last_delivered_at"),
});

export const alertSettings = pgTable("alert_settings", {
  id: integer("id").primaryKey(),
  locale: text("locale").notNull().default("uz"),
  webhookUrl: text("webhook_url"),
  webhookSecretEnc: text("webhook_secret_enc"),
  emailRecipients: text("email_recipients").notNull().default("[]"),
  telegramCodeHash: text("telegram_code_hash"),
  telegramCodeExpiresAt: timestamp("telegram_code_expires_at"),
  /** Telegram update ids are not promised to stay under 2^31: bigint, read as a number (SQLite integers are 64-bit). */
  telegramUpdateOffset: bigint("telegram_update_offset", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

export const telegramChats = pgTable("telegram_chats", {
  chatId: text("chat_id").primaryKey(),
  label: text("label").notNull(),
  boundAt: timestamp("bound_at").notNull(),
  boundBy: text("bound_by"),
});

export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: serialId(),
    channel: text("channel", { enum: ALERT_CHANNELS }).notNull(),
    target: text("target").notNull().default(""),
    kind: text("kind").notNull(),
    dedupeKey: text("dedupe_key"),
    status: text("status", { enum: ALERT_DELIVERY_STATUSES }).notNull().default("queued"),
    occurrences: integer("occurrences").notNull().default(1),
    state: text("state"),
    previousState: text("previous_state"),
    detail: text("detail"),
    firstAt: timestamp("first_at").notNull(),
    lastAt: timestamp("last_at").notNull(),
    nextAttemptAt: timestamp("next_attempt_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    claimedBy: text("claimed_by"),
    lastErrorCode: text("last_error_code"),
    lastErrorAt: timestamp("last_error_at"),
    sentAt: timestamp("sent_at"),
    createdAt: timestamp("created_at").notNull(),
  },
  (table) => [
    index("alert_deliveries_due_idx").on(table.status, table.nextAttemptAt),
    index("alert_deliveries_kind_idx").on(table.channel, table.target, table.kind, table.createdAt),
  ],
);

export const alertChannelHealth = pgTable("alert_channel_health", {
  channel: text("channel", { enum: ALERT_CHANNELS }).primaryKey(),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  lastErrorCode: text("last_error_code"),
  lastErrorDetail: text("last_error_detail"),
  lastErrorAt: timestamp("last_error_at"),
  lastSuccessAt: timestamp("last_success_at"),
});

export const amocrmCallStarts = pgTable(
  "amocrm_call_starts",
  {
    // 64-bit: at amoCRM's 7 calls a second a 32-bit identity would run out in under ten years.
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    startedAt: timestamp("started_at").notNull(),
  },
  (table) => [index("amocrm_call_starts_started_idx").on(table.startedAt)],
);

export const leadRateBuckets = pgTable(
  "lead_rate_buckets",
  {
    apiKeyId: text("api_key_id").notNull(),
    minuteStart: timestamp("minute_start").notNull(),
    accepted: integer("accepted").notNull(),
  },
  (table) => [primaryKey({ columns: [table.apiKeyId, table.minuteStart] })],
);
