CREATE TABLE `amocrm_call_starts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `amocrm_call_starts_started_idx` ON `amocrm_call_starts` (`started_at`);--> statement-breakpoint
CREATE TABLE `lead_rate_buckets` (
	`api_key_id` text NOT NULL,
	`minute_start` integer NOT NULL,
	`accepted` integer NOT NULL,
	PRIMARY KEY(`api_key_id`, `minute_start`)
);
