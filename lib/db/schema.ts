import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestamp = (name: string) => integer(name, { mode: "timestamp_ms" });
const createdAt = () =>
  timestamp("created_at")
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const admins = sqliteTable("admins", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
  lastSignInAt: timestamp("last_sign_in_at"),
});
export type Admin = typeof admins.$inferSelect;
export type NewAdmin = typeof admins.$inferInsert;

/**
 * Signed-in sessions. The session cookie is a self-contained JWT, which alone could not be taken back: it names one
 * of these rows, and a cookie whose row is gone (signed out) no longer opens any page, even if a request that was
 * in flight during the sign-out brings the cookie back to the browser. Only the SHA-256 of the session id is kept.
 */
export const adminSessions = sqliteTable(
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

/** One-time links that let the first admin choose an email and password. Only the SHA-256 of the token is kept. */
export const setupTokens = sqliteTable("setup_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at").notNull(),
  usedAt: timestamp("used_at"),
});
export type SetupToken = typeof setupTokens.$inferSelect;

/** Failed sign-ins, counted per email and per client address so a restart does not reset the throttle. */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    scope: text("scope", { enum: ["email", "address"] }).notNull(),
    subject: text("subject").notNull(),
    at: timestamp("at").notNull(),
  },
  (table) => [index("login_failures_subject_idx").on(table.scope, table.subject, table.at)],
);

export const CONNECTION_STATES = [
  "not_configured",
  "configured",
  "connected",
  "degraded",
  "needs_reauth",
  "revoked",
  "error",
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export const PLATFORMS = ["amocrm.ru", "kommo.com"] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * The amoCRM connection. The app connects one account, so there is one row (id 1); the table shape still allows
 * more. Secret columns hold ciphertext from lib/crypto (never plain text), bound to this table, column and row.
 */
export const connections = sqliteTable("connections", {
  id: integer("id").primaryKey(),
  platform: text("platform", { enum: PLATFORMS }).notNull(),
  mode: text("mode", { enum: ["oauth", "long_lived"] })
    .notNull()
    .default("oauth"),
  clientId: text("client_id"),
  clientSecretEnc: text("client_secret_enc"),
  clientSecretSavedAt: timestamp("client_secret_saved_at"),
  /** The account address the admin typed (normalized host), if any; the callback must then come from it. */
  expectedAccountHost: text("expected_account_host"),
  /** The Redirect URI sent when the tokens were obtained; refresh must send the same bytes. */
  redirectUri: text("redirect_uri"),
  accountHost: text("account_host"),
  accountId: integer("account_id"),
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
  lastCheckOk: integer("last_check_ok", { mode: "boolean" }),
  lastCheckLatencyMs: integer("last_check_latency_ms"),
  /** Bumped on every stored token pair; a refresh that finds it moved knows another process already refreshed. */
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
export type Connection = typeof connections.$inferSelect;
export type NewConnection = typeof connections.$inferInsert;

/** OAuth `state` values: single use, bound to the admin who clicked Authorize, twenty minutes of life. */
export const oauthStates = sqliteTable("oauth_states", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  stateHash: text("state_hash").notNull().unique(),
  adminId: integer("admin_id")
    .notNull()
    .references(() => admins.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at").notNull(),
  usedAt: timestamp("used_at"),
  /** What the callback that used it ended with, so a reload can say "already used" truthfully. */
  outcome: text("outcome"),
});
export type OauthState = typeof oauthStates.$inferSelect;

export const connectionEvents = sqliteTable(
  "connection_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    connectionId: integer("connection_id").notNull(),
    at: timestamp("at").notNull(),
    actor: text("actor", { enum: ["admin", "system", "amocrm"] }).notNull(),
    actorEmail: text("actor_email"),
    type: text("type").notNull(),
    /** JSON without secrets: error codes, hints, hosts, expiry times. */
    details: text("details"),
  },
  (table) => [index("connection_events_connection_idx").on(table.connectionId, table.at)],
);
export type ConnectionEvent = typeof connectionEvents.$inferSelect;

/**
 * Named leases (lib/db/lease.ts): one holder at a time for a token refresh, the keep-alive job and later workers.
 * `owner` names the holding process and acquisition; a holder renews `expires_at` while it works.
 */
export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  owner: text("owner").notNull(),
  expiresAt: timestamp("expires_at").notNull(),
});

/** Guide steps an admin marked as done by hand. */
export const guideProgress = sqliteTable(
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

/** Site API keys: the website's server authenticates its lead posts with one. Only the SHA-256 of a key is kept. */
export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** The first characters of the key (`amc_` and a few more), shown so an admin can tell keys apart. */
  prefix: text("prefix").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  createdAt: createdAt(),
  createdBy: text("created_by"),
  lastUsedAt: timestamp("last_used_at"),
  revokedAt: timestamp("revoked_at"),
});
export type ApiKey = typeof apiKeys.$inferSelect;

export const LEAD_STATUSES = ["queued", "sending", "sent", "held", "dead"] as const;

/**
 * Website leads and their delivery to amoCRM: the durable outbox. Personal data (name, phone, email, message, page,
 * UTM) lives only in `data_enc`, encrypted and bound to this row; it is erased after delivery plus the retention.
 */
export const leads = sqliteTable(
  "leads",
  {
    id: text("id").primaryKey(),
    apiKeyId: text("api_key_id"),
    /** The form that sent it (not personal): shown and filtered on /leads. */
    source: text("source"),
    dataEnc: text("data_enc"),
    status: text("status", { enum: LEAD_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at").notNull(),
    /** Set when amoCRM may have created the lead without our knowing (a timeout, a crash): look it up first. */
    lookUpFirst: integer("look_up_first", { mode: "boolean" }).notNull().default(false),
    claimedBy: text("claimed_by"),
    claimedAt: timestamp("claimed_at"),
    amocrmLeadId: integer("amocrm_lead_id"),
    amocrmContactId: integer("amocrm_contact_id"),
    notePending: integer("note_pending", { mode: "boolean" }).notNull().default(false),
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
export type Lead = typeof leads.$inferSelect;

/** `Idempotency-Key` answers, replayed for 24 hours; bodies hold the lead id and status, no personal data. */
export const idempotencyKeys = sqliteTable(
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

/** Where leads go in amoCRM (/settings/leads); one row. Changing it never touches leads already sent. */
export const leadSettings = sqliteTable("lead_settings", {
  id: integer("id").primaryKey(),
  destination: text("destination", { enum: ["unsorted", "pipeline"] }).notNull().default("unsorted"),
  pipelineId: integer("pipeline_id"),
  statusId: integer("status_id"),
  nameTemplate: text("name_template").notNull(),
  /** JSON array of tag names. */
  tags: text("tags").notNull(),
  /** JSON array of the account's UTM field codes, read when the settings were saved or the worker last looked. */
  utmFieldCodes: text("utm_field_codes").notNull().default("[]"),
  utmFieldsCheckedAt: timestamp("utm_fields_checked_at"),
  updatedAt: timestamp("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

/** The delivery worker's shared facts: a hold after amoCRM's 403, the last delivery. One row. */
export const deliveryState = sqliteTable("delivery_state", {
  id: integer("id").primaryKey(),
  holdUntil: timestamp("hold_until"),
  holdReason: text("hold_reason"),
  lastDeliveredAt: timestamp("last_delivered_at"),
});

/**
 * Where alerts go (/settings/alerts); one row. The webhook's signing secret is sealed like every other secret; the
 * language is the admin's when they last saved, so alerts read in it even though no request is there to ask.
 */
export const alertSettings = sqliteTable("alert_settings", {
  id: integer("id").primaryKey(),
  locale: text("locale").notNull().default("uz"),
  webhookUrl: text("webhook_url"),
  webhookSecretEnc: text("webhook_secret_enc"),
  /** JSON array of email addresses. */
  emailRecipients: text("email_recipients").notNull().default("[]"),
  /** SHA-256 of the pending Telegram deep-link code, while one waits to be used. */
  telegramCodeHash: text("telegram_code_hash"),
  telegramCodeExpiresAt: timestamp("telegram_code_expires_at"),
  /** getUpdates' offset: the next update id to ask for. */
  telegramUpdateOffset: integer("telegram_update_offset").notNull().default(0),
  updatedAt: timestamp("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

/** Telegram chats bound through the deep link; each gets every alert. */
export const telegramChats = sqliteTable("telegram_chats", {
  chatId: text("chat_id").primaryKey(),
  /** The chat's name as Telegram gave it, shown so an admin can tell chats apart. */
  label: text("label").notNull(),
  boundAt: timestamp("bound_at").notNull(),
  boundBy: text("bound_by"),
});

export const ALERT_CHANNELS = ["webhook", "telegram", "email"] as const;
export const ALERT_DELIVERY_STATUSES = ["queued", "sending", "sent", "dead", "cancelled"] as const;

/**
 * Alert deliveries: the durable alert queue, one row per event kind, channel and target (a Telegram chat; "" for the
 * webhook and email). Events of a kind that arrive while its row still waits are folded into it (`occurrences`), so
 * a flapping connection becomes one summary instead of a message per flap.
 */
export const alertDeliveries = sqliteTable(
  "alert_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel", { enum: ALERT_CHANNELS }).notNull(),
    target: text("target").notNull().default(""),
    kind: text("kind").notNull(),
    /** Events with the same key are one episode (a refresh-token expiry, a hold): told once. */
    dedupeKey: text("dedupe_key"),
    status: text("status", { enum: ALERT_DELIVERY_STATUSES }).notNull().default("queued"),
    occurrences: integer("occurrences").notNull().default(1),
    state: text("state"),
    previousState: text("previous_state"),
    /** JSON of safe facts for the message (counts, dates); never a secret, never personal data. */
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
export type AlertDelivery = typeof alertDeliveries.$inferSelect;

/** Each channel's health: failures in a row (shown on /status when they repeat) and the last success. */
export const alertChannelHealth = sqliteTable("alert_channel_health", {
  channel: text("channel", { enum: ALERT_CHANNELS }).primaryKey(),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  lastErrorCode: text("last_error_code"),
  /** JSON of the failure's safe facts (HTTP status, host), so /status can say exactly why. */
  lastErrorDetail: text("last_error_detail"),
  lastErrorAt: timestamp("last_error_at"),
  lastSuccessAt: timestamp("last_success_at"),
});

/**
 * Throttles shared by several servers on one PostgreSQL database (lib/db/shared-throttles.ts). On SQLite, one server
 * process holds the database and counts in memory, so these stay empty there.
 */
/** When each recent call to amoCRM started (the database's clock): the 7-per-second window of every server at once. */
export const amocrmCallStarts = sqliteTable(
  "amocrm_call_starts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    startedAt: timestamp("started_at").notNull(),
  },
  (table) => [index("amocrm_call_starts_started_idx").on(table.startedAt)],
);

/** Accepted lead posts per site API key per calendar minute (`LEADS_RATE_PER_MINUTE` across servers). */
export const leadRateBuckets = sqliteTable(
  "lead_rate_buckets",
  {
    apiKeyId: text("api_key_id").notNull(),
    minuteStart: timestamp("minute_start").notNull(),
    accepted: integer("accepted").notNull(),
  },
  (table) => [primaryKey({ columns: [table.apiKeyId, table.minuteStart] })],
);
