# prov trace --html's page in headless Chromium, from hand-written reports
# that need no run or model records: a small one that passes, one with
# hostile strings (markup, quotes, control and bidi characters) and failed
# checks, and one of 50 nodes. tests/unit/manifest_trace_html writes them
# and their pages (from the top folder, where its report file is);
# tests/oracle/html-check.mjs checks what Chromium renders against each
# report, and a screenshot of it.
. "$(dirname "$0")/lib.sh"
CHECK="$ROOT/tests/oracle/html-check.mjs"
PAGES="$(dirname "$PROV")/tests/unit/manifest_trace_html"
command -v chromium >/dev/null || fail "no chromium: run scripts/deps.sh"
[ -x "$PAGES" ] || fail "no $PAGES: run make unit"

(cd "$ROOT" && "$PAGES" --write "$TMP") || fail "cannot write the pages"
for name in small hostile large; do
	expect_exit 0 node "$CHECK" "$name.json" "$name.html" "$name.png"
	cp "$TMP/out" "$name.check"
done
expect_grep ': ok \(4 boxes, 6 checks, 0 failed, .*, 0 red outline pixels\)$' small.check
expect_grep ': ok \(5 boxes, 8 checks, 2 failed, .*, [1-9][0-9]* red outline pixels\)$' hostile.check
expect_grep ': ok \(50 boxes, 47 checks, 3 failed, ' large.check

# The checker fails a page that lost its red outline or gained a script.
sed 's/#e00000/#5f6368/' hostile.html >no-red.html
expect_exit 1 node "$CHECK" hostile.json no-red.html
expect_grep 'the red outline of dataset sha256:4{64} \(a check failed\) is not visible' "$TMP/err"
sed 's|</body>|<script>document.title="x"</script></body>|' small.html >script.html
expect_exit 1 node "$CHECK" small.json script.html
expect_grep 'an element prov does not write: <script>' "$TMP/err"
