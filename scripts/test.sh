#!/usr/bin/env bash
# Every check, in the order a failure is cheapest to find: types, lint, unit tests, production build, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n== %s\n' "$1"; }

step "typecheck"
npx tsc --noEmit
step "lint"
npx eslint . --max-warnings=0
step "unit tests"
npx vitest run
step "production build"
npx next build
step "multi-instance tests (two servers on one PostgreSQL)"
npx vitest run --config vitest.build.config.mts
step "browser tests"
bash scripts/ensure-chromium.sh
npx playwright test "$@"
