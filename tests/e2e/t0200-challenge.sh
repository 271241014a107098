# prov challenge and prov resolve: signed disputes of any record, and
# verdicts on them; prov show lists both under the disputed record.
. "$(dirname "$0")/lib.sh"

count() { git -C .prov rev-list --count HEAD; }
json_id() { sed -n 's/^  "id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out"; }

prov init . >/dev/null
new_identity alice
new_identity bob
mkdir data
echo "a photo" >data/photo.jpg
echo "another" >data/other.jpg
expect_exit 0 prov register data/photo.jpg data/other.jpg --license CC-BY-4.0 --as alice
work=$(sed -n 's/^registered  \(sha256:[0-9a-f]*\)  .*photo.jpg$/\1/p' "$TMP/out")
[ -n "$work" ] || fail "no work id"
expect_exit 0 prov manifest build pics --version 1 --from data --purpose research --as alice --json
dataset=$(json_id)
[ -n "$dataset" ] || fail "no dataset id"

# A challenge of a work, with evidence files hashed (sorted by name).
echo "scan" >scan.pdf
mkdir ev
echo "note" >ev/a-note.txt
n=$(count)
expect_exit 0 prov challenge "$work" --reason "I painted this first" \
	--evidence scan.pdf --evidence ev/a-note.txt --as bob --json
expect_eq "$(count)" $((n + 1)) "one commit"
ch1=$(json_id)
expect_grep '"target": "'"$work"'"' "$TMP/out"
expect_grep '"target_kind": "work"' "$TMP/out"
expect_grep '"commit": "[0-9a-f]{40}"' "$TMP/out"
expect_eq "$(grep -o '"name": "[^"]*"' "$TMP/out" | tr '\n' ' ')" \
	'"name": "a-note.txt" "name": "scan.pdf" '
expect_grep "\"sha256\": \"$(sha256sum scan.pdf | cut -c1-64)\"" "$TMP/out"
expect_exit 0 prov show "$ch1" --json
expect_grep '"kind": "challenge"' "$TMP/out"
expect_grep '"reason": "I painted this first"' "$TMP/out"
expect_grep '"by": "did:key:' "$TMP/out"
expect_grep '"size": 5' "$TMP/out"
expect_eq "$(git -C .prov ls-tree -r --name-only HEAD | grep -c '^records/challenge/')" 1

# A challenge of a dataset, by unique prefix, without evidence.
prefix=$(echo "$dataset" | cut -c8-19)
expect_exit 0 prov challenge "$prefix" --reason "items not licensed for this" --as bob
expect_grep "^sha256:[0-9a-f]{64}  challenges dataset $dataset$" "$TMP/out"
ch2=$(cut -d' ' -f1 "$TMP/out")
expect_exit 0 prov show "$ch2" --json
expect_grep '"evidence": \[\]' "$TMP/out"

# Verdicts: one each way, by different identities.
n=$(count)
expect_exit 0 prov resolve "$ch1" --upheld --reason "dated sketches" --as alice --json
expect_eq "$(count)" $((n + 1)) "one commit"
res1=$(json_id)
expect_grep '"outcome": "upheld"' "$TMP/out"
expect_grep '"challenge": "'"$ch1"'"' "$TMP/out"
expect_exit 0 prov resolve "$(echo "$ch1" | cut -c8-20)" --dismissed --reason "no" --as bob
expect_grep "^sha256:[0-9a-f]{64}  dismissed challenge $ch1$" "$TMP/out"
expect_exit 0 prov show "$res1" --json
expect_grep '"kind": "resolution"' "$TMP/out"

# show lists the challenges against a record and their verdicts.
expect_exit 0 prov show "$work"
expect_grep "^challenge $ch1$" "$TMP/out"
expect_grep '^  reason +I painted this first$' "$TMP/out"
expect_grep '^  evidence +[0-9a-f]{64}  scan.pdf$' "$TMP/out"
expect_grep "^  resolved +upheld by did:key:[^ ]+ \(signature valid\), $res1: dated sketches$" "$TMP/out"
expect_grep '^  resolved +dismissed by ' "$TMP/out"
expect_exit 0 prov show "$work" --json
expect_eq "$(grep -c '"outcome"' "$TMP/out")" 2
expect_grep '"valid": true' "$TMP/out"
expect_exit 0 prov show "$dataset"
expect_grep "^challenge $ch2$" "$TMP/out"
expect_grep '^  resolved +not yet$' "$TMP/out"
expect_no_grep "$ch1" "$TMP/out"
expect_exit 0 prov show data/other.jpg --json
expect_no_grep '"challenges"' "$TMP/out"
expect_exit 0 prov log --kind challenge
expect_eq "$(wc -l <"$TMP/out")" 2
expect_exit 0 prov log --kind resolution
expect_eq "$(wc -l <"$TMP/out")" 2
expect_exit 0 prov verify
expect_exit 0 prov status

# A challenge is a record too, and can itself be challenged.
expect_exit 0 prov challenge "$ch1" --reason "bad faith" --as alice
expect_grep "challenges challenge $ch1" "$TMP/out"

# Bad input: clear message, exit 2, nothing written.
n=$(count)
expect_exit 2 prov challenge sha256:0000000000000000000000000000000000000000000000000000000000000000 --reason x --as bob
expect_grep "^prov: no record 'sha256:0{64}'$" "$TMP/err"
expect_exit 2 prov challenge 12345 --reason x --as bob
expect_grep "is not a record id" "$TMP/err"
expect_exit 2 prov challenge "$work" --as bob
expect_grep '^prov: challenge: --reason is required$' "$TMP/err"
expect_exit 2 prov challenge "$work" --reason "" --as bob
expect_grep 'must be 1 to 4000 bytes of UTF-8' "$TMP/err"
expect_exit 2 prov challenge "$work" --reason "$(printf 'bad \377 byte')" --as bob
expect_exit 2 prov challenge "$work" --reason x --evidence nothere.pdf --as bob
expect_grep "nothere.pdf" "$TMP/err"
cp scan.pdf ev/scan.pdf
expect_exit 2 prov challenge "$work" --reason x --evidence scan.pdf --evidence ev/scan.pdf --as bob
expect_grep "two evidence files are named 'scan.pdf'" "$TMP/err"
expect_exit 2 prov challenge "$work" "$dataset" --reason x --as bob
expect_exit 2 prov resolve "$work" --upheld --reason x --as bob
expect_grep "^prov: '$work' is a work record, not a challenge$" "$TMP/err"
expect_exit 2 prov resolve "$res1" --upheld --reason x --as bob
expect_grep "is a resolution record, not a challenge" "$TMP/err"
expect_exit 2 prov resolve "$ch1" --upheld --dismissed --reason x --as bob
expect_grep 'give exactly one of --upheld and --dismissed' "$TMP/err"
expect_exit 2 prov resolve "$ch1" --reason x --as bob
expect_grep 'give exactly one of --upheld and --dismissed' "$TMP/err"
expect_exit 2 prov resolve "$ch1" --upheld --as bob
expect_grep '^prov: resolve: --reason is required$' "$TMP/err"
expect_exit 2 prov resolve sha256:1111111111111111111111111111111111111111111111111111111111111111 --upheld --reason x --as bob
expect_grep "no record" "$TMP/err"
expect_exit 2 prov challenge "$work" --reason x --as nobody
expect_grep "no identity named 'nobody'" "$TMP/err"
expect_eq "$(count)" "$n" "bad input wrote nothing"
expect_exit 0 prov verify
