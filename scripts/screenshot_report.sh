#!/usr/bin/env bash
# Renders the desk report as one self-contained HTML file and takes a screenshot of it in
# headless Chromium (Debian's chromium package, installed when missing), so a person can look
# at what an editor gets. Builds a throwaway demo database from fixtures/seeds and a few
# fixtures/scenarios folders, records one review, then:
#   claimtrack report --format html -o /tmp/report.html
#   chromium --headless ... --screenshot=docs/report.png file:///tmp/report.html
#
# Usage: scripts/screenshot_report.sh [PNG]   (default docs/report.png)
# Environment: REPORT_HTML (default /tmp/report.html), WINDOW (default 1200,2400),
#              PDF=path also prints the report to PDF (to check the print layout).
set -euo pipefail

cd "$(dirname "$0")/.."
PNG=${1:-docs/report.png}
HTML=${REPORT_HTML:-/tmp/report.html}
WINDOW=${WINDOW:-1200,2400}

if ! command -v chromium >/dev/null 2>&1; then
    echo "installing Debian's chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

cargo build --quiet --bin claimtrack
BIN="${CARGO_TARGET_DIR:-target}/debug/claimtrack"

WORK=$(mktemp -d)
PROFILE=$(mktemp -d)
trap 'rm -rf "$WORK" "$PROFILE"' EXIT
export CLAIMTRACK_DB="$WORK/demo.db"
unset CLAIMTRACK_LEXICON

# Seeds are plain text without front matter: outlet and date are given on the command line.
"$BIN" ingest --outlet "Anadolu" --published 2024-12-06 fixtures/seeds >/dev/null || true
for s in 01-baseless-homs-withdrawal 06-control-hama 07-numeric-casualties-idlib \
         09-date-salamiyah 12-place-variants-palmyre-deraa 15-lookalike-changed-situation-palmyra; do
    "$BIN" ingest "fixtures/scenarios/$s" >/dev/null
done

# One review, so the "Resolved conflicts" table has a row: the first conflict, upheld on the
# side of its first claim, with a note, evidence and a confidence.
read -r CONFLICT CLAIM < <("$BIN" conflicts --format json | python3 -c '
import json, sys
c = json.load(sys.stdin)[0]
print(c["id"], c["claims"][0]["claim_id"])')
"$BIN" review "$CONFLICT" --verdict "upheld:$CLAIM" --by "Desk fact-checker" \
    --note "Satellite imagery of 7 Dec shows the positions empty; two residents confirm." \
    --evidence "https://example.org/imagery/2024-12-07" --confidence medium >/dev/null

"$BIN" report --format html -o "$HTML"

mkdir -p "$(dirname "$PNG")"
CHROME_FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$PROFILE")
chromium "${CHROME_FLAGS[@]}" --window-size="$WINDOW" --screenshot="$PNG" "file://$HTML" 2>/dev/null
if [ -n "${PDF:-}" ]; then
    chromium "${CHROME_FLAGS[@]}" --no-pdf-header-footer --print-to-pdf="$PDF" "file://$HTML" 2>/dev/null
    echo "wrote $PDF" >&2
fi
echo "wrote $HTML and $PNG" >&2
