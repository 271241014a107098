# prov show and prov log, as text (golden) and JSON.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
printf 'a painting\n' >painting.png
printf 'a poem\n' >poem.txt
prov register painting.png --license CC-BY-NC-4.0 --deny ai_training \
	--payout eip155:1:0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB >/dev/null
prov register poem.txt --license CC0-1.0 --allow ai_training >/dev/null

expect_exit 0 prov show painting.png
expect_golden show-painting.txt "$TMP/out"
expect_exit 0 prov log
expect_golden log.txt "$TMP/out"
expect_exit 0 prov log --kind work --json
expect_eq "$(grep -c '"commit": ' "$TMP/out")" 2
expect_exit 0 prov log --kind dataset
expect_eq "$(wc -c <"$TMP/out")" 0
expect_exit 2 prov log --kind nonsense

# By content hash, by full record id, by an id prefix.
h=$(sha256sum poem.txt | cut -c1-64)
expect_exit 0 prov show "$h"
expect_grep "^  content +$h  7 bytes  text/plain  poem.txt$" "$TMP/out"
id=$(sed -n 's/^work \(sha256:[0-9a-f]*\)$/\1/p' "$TMP/out")
expect_exit 0 prov show "$id" --json
expect_grep "\"id\": \"$id\"" "$TMP/out"
expect_exit 0 prov show "$(echo "$id" | cut -c8-19)"
expect_grep "^work $id$" "$TMP/out"
expect_exit 2 prov show 0000000000000000000000000000000000000000000000000000000000000000
expect_grep "nothing in the registry about .0{64}." "$TMP/err"
expect_exit 2 prov show not-a-thing
expect_grep "'not-a-thing' is not a record id" "$TMP/err"
expect_exit 2 prov show missing/file.txt
expect_grep "^prov: .missing/file.txt.: no such file$" "$TMP/err"
