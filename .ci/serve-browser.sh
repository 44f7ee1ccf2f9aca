#!/usr/bin/env bash
# The web app in a browser: `verbatim serve --code` on a copy of the bundled project,
# driven in Debian's Chromium by playwright-core (tests/browser/serve.mjs): search, filter
# by one theme then two, open a quote in its source, accept, reject and add codes and write
# a memo from the page (the CLI then lists them), open a report cell's quotes, download its
# CSV, open a theme's page. SCREENSHOTS=DIR saves screenshots there (docs/screenshots/).
# Needs node and npm (installed by .ci/run when missing) and chromium.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/verbatim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/corpus" "$root/codebooks" "$root/verbatim.toml" "$work/"
cd "$root/tests/browser"
npm ci --no-audit --no-fund --silent
CHROMIUM=$(command -v chromium) node serve.mjs "$bin" "$work"
