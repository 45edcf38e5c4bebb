#!/usr/bin/env bash
# Opens a run's report.html in headless Chromium (Debian's chromium package) with the network off and saves
# a screenshot next to it, so a person can see the chart as it renders. Usage:
#   scripts/check-report-html.sh reports/<run folder>   ->   reports/<run folder>/report.png
# The page is self-contained (no script, no link, no src, no url(): OperationsTest checks the markup), so it
# renders the same without a network.
set -euo pipefail
dir="$(cd "$1" && pwd)"
page="$dir/report.html"
shot="$dir/report.png"
[ -f "$page" ] || { echo "no $page" >&2; exit 1; }
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "Chromium is not installed: apt-get install chromium" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" \
  --window-size=1100,1000 --screenshot="$shot" "file://$page" >/dev/null 2>&1
[ -s "$shot" ] || { echo "no screenshot was written" >&2; exit 1; }
echo "screenshot: $shot"
