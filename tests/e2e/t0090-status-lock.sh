# prov status, and two writers at once: one waits, or fails cleanly.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
expect_exit 0 prov status
expect_grep "^records +0$" "$TMP/out"
mkdir d1 d2
i=0
while [ $i -lt 300 ]; do echo "one $i" >d1/f$i; echo "two $i" >d2/f$i; i=$((i + 1)); done
prov register -r d1 d2 --license MIT >/dev/null
expect_exit 0 prov status
expect_grep "^records +600$" "$TMP/out"
expect_grep "^  work +600$" "$TMP/out"
expect_grep "^unanchored +600$" "$TMP/out"
expect_exit 0 prov status --json
expect_grep '"unanchored": 600' "$TMP/out"

# The lock is held: with a short wait, register fails cleanly.
echo x >x.txt
flock .prov/prov.lock sleep 2 &
holder=$!
sleep 0.3
PROV_LOCK_WAIT_MS=200 expect_exit 2 prov register x.txt --license MIT
expect_grep "is locked by another writer" "$TMP/err"
# With the default wait, it waits for the holder and succeeds.
expect_exit 0 prov register x.txt --license MIT
wait $holder

# Two writers at the same moment both land, one after the other.
mkdir e1 e2
i=0
while [ $i -lt 200 ]; do echo "e1 $i" >e1/f$i; echo "e2 $i" >e2/f$i; i=$((i + 1)); done
"$PROV" register -r e1 --license MIT >/dev/null 2>"$TMP/e1.err" &
p1=$!
"$PROV" register -r e2 --license MIT >/dev/null 2>"$TMP/e2.err" &
p2=$!
wait $p1 || { cat "$TMP/e1.err"; fail "first writer failed"; }
wait $p2 || { cat "$TMP/e2.err"; fail "second writer failed"; }
expect_exit 0 prov verify
expect_grep "^verified 1001 records and 4 commits" "$TMP/out"
