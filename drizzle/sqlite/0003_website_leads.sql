CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`created_by` text,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `delivery_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`hold_until` integer,
	`hold_reason` text,
	`last_delivered_at` integer
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`api_key_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`api_key_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `lead_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`destination` text DEFAULT 'unsorted' NOT NULL,
	`pipeline_id` integer,
	`status_id` integer,
	`name_template` text NOT NULL,
	`tags` text NOT NULL,
	`utm_field_codes` text DEFAULT '[]' NOT NULL,
	`utm_fields_checked_at` integer,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`api_key_id` text,
	`source` text,
	`data_enc` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`look_up_first` integer DEFAULT false NOT NULL,
	`claimed_by` text,
	`claimed_at` integer,
	`amocrm_lead_id` integer,
	`amocrm_contact_id` integer,
	`note_pending` integer DEFAULT false NOT NULL,
	`last_error_code` text,
	`last_error_detail` text,
	`last_error_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	`dead_at` integer,
	`erased_at` integer
);
--> statement-breakpoint
CREATE INDEX `leads_due_idx` ON `leads` (`status`,`next_attempt_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `leads_created_idx` ON `leads` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_status_created_idx` ON `leads` (`status`,`created_at`,`id`);