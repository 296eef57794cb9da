#!/usr/bin/env bash
# The HTML report renders in headless Chromium.
#
# Usage: html_screenshot.sh PCSIM SRC_DIR OUT_DIR
#
# Writes the report of a failing seed scenario (a power cut, the zeroed EOF
# block lost: timeline, crash point, size chart, offending bytes) to
# OUT_DIR/report.html, has Chromium lay it out and take a screenshot,
# OUT_DIR/report.png (kept, for a person to look at), and checks:
#   - Chromium parsed the page: its DOM has the timeline, the size chart
#     and the byte map as SVG, and the failure's section;
#   - the screenshot is a PNG of the window's size;
#   - it is far from blank: several times the size of the screenshot of an
#     empty page of the same size (PNG compresses a blank page to little).
# Skipped (exit 77, with a message) where Chromium is not installed; the
# network is never needed (the page is self-contained, and Chromium is
# told not to reach out).
set -euo pipefail

PCSIM=$1
SRC=$2
OUT=$3
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
W=1600
H=2300

if [ ! -x "$CHROMIUM" ]; then
	echo "SKIPPED: $CHROMIUM is not installed (apt-get install chromium, or .ci/deps screenshot)"
	exit 77
fi

rm -rf "$OUT"
mkdir -p "$OUT"
profile=$(mktemp -d /tmp/pcsim-chromium-XXXXXX)
trap 'rm -rf "$profile"' EXIT

chromium() {
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" --hide-scrollbars \
		--window-size=$W,$H "$@" 2>>"$OUT/chromium.log"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cd "$SRC"
"$PCSIM" run -q scenarios/seed/05-ext4-iomap-zero-eof-truncate-up.scn \
	--html "$OUT/report.html" >/dev/null
printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"/></head><body></body></html>\n' \
	>"$OUT/blank.html"

# 1. the DOM Chromium built
chromium --dump-dom "file://$OUT/report.html" >"$OUT/dom.html" ||
	fail "chromium --dump-dom failed (see $OUT/chromium.log)"
for what in 'class="tl"' 'class="sz"' 'class="bm"' 'id="s0-v0"' 'crash point'; do
	grep -q -- "$what" "$OUT/dom.html" || fail "the page Chromium parsed has no $what"
done

# 2. the screenshots
chromium --screenshot="$OUT/report.png" "file://$OUT/report.html" >/dev/null ||
	fail "chromium --screenshot failed (see $OUT/chromium.log)"
chromium --screenshot="$OUT/blank.png" "file://$OUT/blank.html" >/dev/null ||
	fail "chromium --screenshot of a blank page failed"

png_check() {	# FILE: a PNG of W x H
	local sig w h
	[ -s "$1" ] || fail "$1 was not written"
	sig=$(od -A n -t x1 -N 8 "$1" | tr -d ' \n')
	[ "$sig" = 89504e470d0a1a0a ] || fail "$1 is not a PNG (starts $sig)"
	w=$(od -A n -t u1 -j 16 -N 4 "$1" | awk '{ print (($1*256+$2)*256+$3)*256+$4 }')
	h=$(od -A n -t u1 -j 20 -N 4 "$1" | awk '{ print (($1*256+$2)*256+$3)*256+$4 }')
	[ "$w" = $W ] && [ "$h" = $H ] || fail "$1 is ${w}x$h, not ${W}x$H"
}
png_check "$OUT/report.png"
png_check "$OUT/blank.png"
size=$(stat -c %s "$OUT/report.png")
blank=$(stat -c %s "$OUT/blank.png")
[ "$size" -ge $((blank * 8)) ] && [ "$size" -ge 40000 ] ||
	fail "report.png has $size bytes, a blank page $blank: the page did not render"
[ "$size" -le $((20 * 1024 * 1024)) ] || fail "report.png has $size bytes"
echo "ok: $OUT/report.png (${W}x$H, $size bytes; a blank page: $blank bytes)"
