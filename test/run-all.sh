#!/usr/bin/env bash
# `npm test`: build, lint, then the three test tiers (STYLE.md 6) in order, stopping at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "npm test needs the Debian packages: ${missing[*]} (install with: apt-get install -y ${missing[*]})" >&2
  exit 2
fi

npm run build
# Electronegativity over main/shell and the built renderer: its report is part of the CI output (issue 8).
npm run electronegativity
npm run lint
npx vitest run --project unit
npx vitest run --project integration
npx vitest run --project e2e
