ALTER TABLE `connections` DROP COLUMN `refresh_lease_owner`;--> statement-breakpoint
ALTER TABLE `connections` DROP COLUMN `refresh_lease_expires_at`;