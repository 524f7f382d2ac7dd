CREATE TABLE `admins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_sign_in_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admins_email_unique` ON `admins` (`email`);--> statement-breakpoint
CREATE TABLE `connection_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connection_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`actor_email` text,
	`type` text NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `connection_events_connection_idx` ON `connection_events` (`connection_id`,`at`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` integer PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`mode` text DEFAULT 'oauth' NOT NULL,
	`client_id` text,
	`client_secret_enc` text,
	`client_secret_saved_at` integer,
	`expected_account_host` text,
	`redirect_uri` text,
	`account_host` text,
	`account_id` integer,
	`account_name` text,
	`account_subdomain` text,
	`api_domain` text,
	`access_token_enc` text,
	`refresh_token_enc` text,
	`access_token_expires_at` integer,
	`refresh_token_expires_at` integer,
	`last_refresh_at` integer,
	`state` text DEFAULT 'not_configured' NOT NULL,
	`last_error_code` text,
	`last_error_detail` text,
	`last_error_at` integer,
	`last_check_at` integer,
	`last_check_ok` integer,
	`last_check_latency_ms` integer,
	`generation` integer DEFAULT 0 NOT NULL,
	`refresh_intent_generation` integer,
	`refresh_intent_at` integer,
	`refresh_lease_owner` text,
	`refresh_lease_expires_at` integer,
	`failure_count` integer DEFAULT 0 NOT NULL,
	`next_retry_at` integer,
	`connected_at` integer,
	`connected_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `guide_progress` (
	`admin_id` integer NOT NULL,
	`step` text NOT NULL,
	`done_at` integer NOT NULL,
	FOREIGN KEY (`admin_id`) REFERENCES `admins`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `guide_progress_admin_step_idx` ON `guide_progress` (`admin_id`,`step`);--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scope` text NOT NULL,
	`subject` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_failures_subject_idx` ON `login_failures` (`scope`,`subject`,`at`);--> statement-breakpoint
CREATE TABLE `oauth_states` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`state_hash` text NOT NULL,
	`admin_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`outcome` text,
	FOREIGN KEY (`admin_id`) REFERENCES `admins`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oauth_states_state_hash_unique` ON `oauth_states` (`state_hash`);--> statement-breakpoint
CREATE TABLE `setup_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `setup_tokens_token_hash_unique` ON `setup_tokens` (`token_hash`);