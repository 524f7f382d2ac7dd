#!/usr/bin/env bash
# The README's first command, as a newcomer runs it: `npm run dev` on a fresh clone, look at the app, stop it.
# CI runs this before `npm test`, so the two commands are proven in that order (the dev run leaves data/ behind).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
PORT="${PORT:-3001}"
log="$(mktemp)"
setsid npm run dev >"$log" 2>&1 &
pid=$!
stop() { kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap stop EXIT

ok=""
for _ in $(seq 1 180); do
  if curl -fs -o /dev/null "http://localhost:${PORT}/api/health" && curl -fs -o /dev/null "http://localhost:${PORT}/login"; then
    ok=1
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
if [ -z "$ok" ]; then
  echo "dev smoke: npm run dev did not serve /api/health and /login on port ${PORT}" >&2
  cat "$log" >&2
  exit 1
fi
grep -q "/setup?token=" "$log" || [ -n "$(ls data/app.db 2>/dev/null)" ] || { echo "dev smoke: no setup link and no database" >&2; exit 1; }
echo "dev smoke: npm run dev served the dashboard at http://localhost:${PORT}"
