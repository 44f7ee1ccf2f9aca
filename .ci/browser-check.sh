#!/usr/bin/env bash
# Renders the HTML report of the bundled corpus in headless Chromium (Debian's package,
# installed by .ci/run), checks the rendered page has the frequency chart, the heat maps
# with their legend and the quote drill-downs, and takes a screenshot.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/verbatim"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "browser check: chromium is not installed" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --project "$root" report --quiet --out "$work/report.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile")
"$browser" "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/browser.log" || {
  cat "$work/browser.log" >&2
  exit 1
}
check() {
  if grep -q -- "$1" "$work/dom.html"; then
    echo "browser check: rendered page has $2"
  else
    echo "browser check: rendered page lacks $2 ($1)" >&2
    exit 1
  fi
}
check 'id="frequency-chart"' "the theme frequency chart"
check 'class="bar"' "chart bars"
check 'id="heatmap-area"' "the heat map by area"
check 'id="heatmap-sector"' "the heat map by sector"
check 'class="legend-scale"' "the colour legend"
check '<details class="drill">' "quote drill-downs"
bars=$(grep -o 'class="bar"' "$work/dom.html" | wc -l)
themes=$(grep -c '^\[\[theme\]\]' "$root/codebooks/seizing-the-moment-2020.toml")
[ "$bars" -eq "$themes" ] || { echo "browser check: $bars bars for $themes themes" >&2; exit 1; }
"$browser" "${flags[@]}" --hide-scrollbars --window-size=1280,2700 --screenshot="$work/report.png" "file://$work/report.html" 2>> "$work/browser.log"
[ -s "$work/report.png" ] || { echo "browser check: no screenshot" >&2; exit 1; }
mkdir -p "$root/target/browser-check"
cp "$work/report.png" "$root/target/browser-check/report.png"
echo "browser check: screenshot $(stat -c %s "$work/report.png") bytes in target/browser-check/report.png"
