#!/usr/bin/env bash
# `npm test`: build, lint, then the three test tiers (STYLE.md 6) in order, stopping at the first failure.
# --passWithNoTests: a tier with no test files yet passes (vitest prints "No test files found").
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build
npm run lint
npx vitest run --project unit --passWithNoTests
npx vitest run --project integration --passWithNoTests
npx vitest run --project e2e --passWithNoTests
