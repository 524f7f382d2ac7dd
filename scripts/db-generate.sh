#!/usr/bin/env bash
# npm run db:generate -- --name <what_changed>: one migration per engine from the same schema change.
set -euo pipefail
cd "$(dirname "$0")/.."
npx drizzle-kit generate --config drizzle.config.ts "$@"
npx drizzle-kit generate --config drizzle-postgres.config.ts "$@"
