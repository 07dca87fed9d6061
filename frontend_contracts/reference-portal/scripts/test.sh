#!/usr/bin/env bash
# Every test of the reference micro-portal, as CI runs them (`make portal-test`):
#   1. Debian's chromium and a CJK font, installed if missing (needs root, as in CI);
#   2. npm ci;
#   3. unit tests (vitest);
#   4. the contract test: deliberate breaking changes to a copy of openapi.json
#      must fail the type check;
#   5. the build (client generated from openapi.json, vue-tsc, vite);
#   6. the browser tests (Playwright, headless chromium, phone-sized), which
#      serve the demo data (scripts/demo-api.sh) and the built portal themselves.
# Ports: LIANXI_E2E_API_PORT (8130) and LIANXI_E2E_PORTAL_PORT (8131).
set -euo pipefail
PORTAL=$(cd "$(dirname "$0")/.." && pwd)
cd "$PORTAL"

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ ! -x "$CHROMIUM" ] || [ ! -f "$FONT" ]; then
    echo "== installing chromium and a CJK font (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null
fi

echo "== npm ci"
npm ci --no-audit --no-fund

mkdir -p test-results
echo "== unit tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json

echo "== contract: breaking changes fail the type check"
node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination=test-results/contract.tap \
    scripts/contract-break.test.mjs

echo "== build"
npm run build

echo "== browser tests"
if ! npx playwright test; then
    LOG="${LIANXI_E2E_STATE:-$PORTAL/../../var/portal-e2e}/runserver.log"
    [ -f "$LOG" ] && { echo "== the demo server's last requests ($LOG)"; tail -n 40 "$LOG"; }
    exit 1
fi

node --input-type=module - <<'JS'
import { readFileSync } from 'node:fs'
const unit = JSON.parse(readFileSync('test-results/unit.json', 'utf8'))
const tap = readFileSync('test-results/contract.tap', 'utf8')
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(tap)?.[1] ?? 0)
const e2e = JSON.parse(readFileSync('test-results/results.json', 'utf8')).stats
const passed = unit.numPassedTests + count('pass') + e2e.expected
const failed = unit.numFailedTests + count('fail') + e2e.unexpected + e2e.flaky
console.log(`unit ${unit.numPassedTests}, contract ${count('pass')}, browser ${e2e.expected} (skipped ${e2e.skipped})`)
console.log(`portal: ${passed} passed, ${failed} failed`)
if (failed || !passed) process.exit(1)
JS
