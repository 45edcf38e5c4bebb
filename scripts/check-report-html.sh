#!/usr/bin/env bash
# Opens a run's report.html in headless Chromium (Debian's chromium package) with the network off and saves
# a screenshot next to it, so a person can see the chart as it renders. Usage:
#   scripts/check-report-html.sh reports/<run folder>   ->   reports/<run folder>/report.png
# Fails when Chromium asks for anything outside the file (the page must be self-contained).
set -euo pipefail
dir="$(cd "$1" && pwd)"
page="$dir/report.html"
shot="$dir/report.png"
[ -f "$page" ] || { echo "no $page" >&2; exit 1; }
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "Chromium is not installed: apt-get install chromium" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
log="$profile/net.log"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --log-net-log="$log" \
  --window-size=900,1100 --screenshot="$shot" "file://$page" >/dev/null 2>&1
[ -s "$shot" ] || { echo "no screenshot was written" >&2; exit 1; }
if grep -Eo '"url":"(https?|wss?)://[^"]*' "$log" | grep -v '"url":"http://127.0.0.1' | head -n 1 | grep -q .; then
  echo "report.html asked for a resource over the network:" >&2
  grep -Eo '"url":"(https?|wss?)://[^"]*' "$log" | sort -u >&2
  exit 1
fi
echo "screenshot: $shot"
