CREATE TABLE `alert_channel_health` (
	`channel` text PRIMARY KEY NOT NULL,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`last_error_code` text,
	`last_error_detail` text,
	`last_error_at` integer,
	`last_success_at` integer
);
--> statement-breakpoint
CREATE TABLE `alert_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`target` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`dedupe_key` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`occurrences` integer DEFAULT 1 NOT NULL,
	`state` text,
	`previous_state` text,
	`detail` text,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claimed_by` text,
	`last_error_code` text,
	`last_error_at` integer,
	`sent_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_due_idx` ON `alert_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_kind_idx` ON `alert_deliveries` (`channel`,`target`,`kind`,`created_at`);--> statement-breakpoint
CREATE TABLE `alert_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`locale` text DEFAULT 'uz' NOT NULL,
	`webhook_url` text,
	`webhook_secret_enc` text,
	`email_recipients` text DEFAULT '[]' NOT NULL,
	`telegram_code_hash` text,
	`telegram_code_expires_at` integer,
	`telegram_update_offset` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `telegram_chats` (
	`chat_id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`bound_at` integer NOT NULL,
	`bound_by` text
);
