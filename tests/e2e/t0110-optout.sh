# prov optout: signed refusals of uses, by content hash or file.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
mkdir -p art/sub
echo one >art/one.txt
echo two >art/sub/two.txt
prov register -r art --license CC-BY-4.0 >/dev/null

expect_exit 0 prov optout -r art --scope ai_training --scope data_mining \
	--reason "not for machines" --json
expect_grep '"scope": \[' "$TMP/out"
expect_eq "$(grep -c '"ai_training"\|"data_mining"' "$TMP/out")" 2
expect_grep '"unclaimed": 0' "$TMP/out"
id=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out")
expect_exit 0 prov show "$id" --json
h1=$(sha256sum art/one.txt | cut -c1-64)
h2=$(sha256sum art/sub/two.txt | cut -c1-64)
expect_grep "\"$h1\"" "$TMP/out"
expect_grep "\"$h2\"" "$TMP/out"
expect_grep '"reason": "not for machines"' "$TMP/out"
expect_grep '"kind": "optout"' "$TMP/out"
# hashes are sorted and unique, so the same refusal reads the same
first=$(printf '%s\n%s\n' "$h1" "$h2" | sort | head -n 1)
expect_eq "$(grep -o '"[0-9a-f]\{64\}"' "$TMP/out" | head -n 1)" "\"$first\""

# By digest, default scope = every use; content nobody here claimed warns.
expect_exit 0 prov optout "sha256:$h1"
expect_grep "opted out 1 work for every use" "$TMP/out"
expect_exit 0 prov optout 1111111111111111111111111111111111111111111111111111111111111111
expect_grep "warning: you have no work record for sha256:1{64}" "$TMP/err"
expect_exit 0 prov log --kind optout
expect_eq "$(wc -l <"$TMP/out")" 3
expect_exit 0 prov verify

# Bad input changes nothing.
before=$(git -C .prov rev-parse HEAD)
expect_exit 2 prov optout art
expect_grep "'art' is a directory \(use -r\)" "$TMP/err"
expect_exit 2 prov optout nothere.txt
expect_grep "'nothere.txt': no such file, and not a sha256 digest" "$TMP/err"
expect_exit 2 prov optout art/one.txt --scope everything
expect_grep "'everything' is not a use" "$TMP/err"
expect_exit 2 prov optout art/one.txt --reason ""
expect_exit 2 prov optout 12345
expect_eq "$(git -C .prov rev-parse HEAD)" "$before"

# show lists the opt-outs naming a file's content after its claims.
expect_exit 0 prov show art/one.txt
expect_grep "^opt-outs naming sha256:$h1:$" "$TMP/out"
expect_eq "$(grep -c '^optout sha256:' "$TMP/out")" 2
expect_exit 0 prov show art/one.txt --json
expect_eq "$(grep -c '^    "kind": "optout"' "$TMP/out")" 2
expect_eq "$(grep -c '^    "kind": "work"' "$TMP/out")" 1
