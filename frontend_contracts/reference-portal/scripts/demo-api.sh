#!/usr/bin/env bash
# Serve the Anhui demo (the data of `make demo`) on 127.0.0.1:$PORT for the
# portal's browser tests, from a database and media folder of its own under
# var/portal-e2e/ (LIANXI_E2E_STATE), so a developer's own `make demo` data
# is neither used nor changed. Loading is idempotent: the first run takes a
# few minutes, later runs well under a minute. Runs in the foreground;
# Playwright's webServer starts it in the background and stops it after the
# tests (or run it yourself: PORT=8130 bash scripts/demo-api.sh &). The SMS
# codes the demo "sends" (its console gateway) land in runserver.log, where the
# login tests read them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
PORT=${PORT:-8130}
STATE=${LIANXI_E2E_STATE:-$ROOT/var/portal-e2e}
mkdir -p "$STATE"
export DATABASE_URL="sqlite:///$STATE/db.sqlite3"
export MEDIA_ROOT="$STATE/media"
export DEBUG=1
# The login tests ask for SMS codes on every run: a short resend wait (their
# "429 + countdown" case waits it out) and no daily cap worth meeting.
export LIANXI_LOGIN_CODE_RESEND=${LIANXI_LOGIN_CODE_RESEND:-5}
export LIANXI_LOGIN_CODE_DAILY=${LIANXI_LOGIN_CODE_DAILY:-100000}
# Several logins per run (and runs one after another while developing): lift the
# per-address login limit (30 an hour; the counters outlive the server, in the database).
export LIANXI_THROTTLE_RATES=${LIANXI_THROTTLE_RATES:-login=1000/hour}
cd "$ROOT"
make -s demo-data > "$STATE/demo-data.log" 2>&1 || { cat "$STATE/demo-data.log" >&2; exit 1; }
echo "demo data ready ($STATE); serving on 127.0.0.1:$PORT, log in $STATE/runserver.log" >&2
exec .venv/bin/python manage.py runserver --noreload 127.0.0.1:"$PORT" >>"$STATE/runserver.log" 2>&1
