# prov register: records, permissions, payouts, bad input, re-registering.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
mkdir -p art/sub
printf 'first work\n' >art/one.txt
printf 'second work\n' >art/sub/two.png
printf 'third work\n' >three.jpg

expect_exit 0 prov register art -r three.jpg --license CC-BY-4.0 \
	--payout eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed \
	--deny ai_generative_training --allow data_mining
expect_golden register.txt "$TMP/out"
expect_exit 0 prov register three.jpg --license CC-BY-4.0 \
	--payout eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed \
	--deny ai_generative_training --allow data_mining
expect_grep "^unchanged " "$TMP/out"
expect_grep "^0 registered, 1 unchanged" "$TMP/out"

expect_exit 0 prov show three.jpg --json
h=$(sha256sum three.jpg | cut -c1-64)
expect_grep "\"sha256\": \"$h\"" "$TMP/out"
expect_grep '"ai_generative_training": "notAllowed"' "$TMP/out"
expect_grep '"data_mining": "allowed"' "$TMP/out"
expect_grep '"payout": "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"' "$TMP/out"
expect_grep '"media_type": "image/jpeg"' "$TMP/out"
expect_grep '"valid": true' "$TMP/out"

# Case-insensitive SPDX ids are normalised; lower-case addresses checksummed.
printf 'fourth\n' >four.txt
expect_exit 0 prov register four.txt --license 'mit OR apache-2.0' \
	--payout eip155:10:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359 --json
expect_grep '"status": "registered"' "$TMP/out"
expect_exit 0 prov show four.txt --json
expect_grep '"license": "MIT OR Apache-2.0"' "$TMP/out"
expect_grep '"payout": "eip155:10:0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"' "$TMP/out"

before=$(git -C .prov rev-parse HEAD)
# Bad input: each is exit 2 with a message naming what is wrong.
expect_exit 2 prov register nothere.txt --license MIT
expect_grep "^prov: 'nothere.txt': no such file or directory$" "$TMP/err"
expect_exit 2 prov register art --license MIT
expect_grep "^prov: 'art' is a directory \(use -r\)$" "$TMP/err"
expect_exit 2 prov register four.txt --license 'Foo-1.0'
expect_grep "Foo-1.0" "$TMP/err"
expect_exit 2 prov register four.txt --license 'MIT AND'
expect_exit 2 prov register four.txt
expect_grep "license is required" "$TMP/err"
expect_exit 2 prov register four.txt --license MIT --payout 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
expect_grep "not a CAIP-10 account" "$TMP/err"
expect_exit 2 prov register four.txt --license MIT --payout eip155:1:0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed
expect_grep "EIP-55 checksum" "$TMP/err"
expect_exit 2 prov register four.txt --license MIT --payout eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA
expect_exit 2 prov register four.txt --license MIT --allow ai_everything
expect_grep "'ai_everything' is not a use" "$TMP/err"
expect_exit 2 prov register four.txt --license MIT --allow ai_training --deny ai_training
expect_grep "both allowed and denied" "$TMP/err"
expect_exit 2 prov register four.txt --license MIT --as nobody
expect_grep "no identity named 'nobody'" "$TMP/err"
expect_eq "$(git -C .prov rev-parse HEAD)" "$before" "a failed register changed the registry"

# A failed register of 1,000 files changes nothing: no commit, no objects.
mkdir many
i=0
while [ $i -lt 1000 ]; do echo "file $i" >many/f$i; i=$((i + 1)); done
ln -s /nonexistent many-broken
packs=$(ls .prov/objects/pack | wc -l)
loose=$(find .prov/objects -type f ! -path '*/pack/*' | wc -l)
expect_exit 2 prov register -r many many-broken --license MIT
expect_grep "many-broken" "$TMP/err"
expect_eq "$(git -C .prov rev-parse HEAD)" "$before"
expect_eq "$(ls .prov/objects/pack | wc -l)" "$packs" "pack files after a failed register"
expect_eq "$(find .prov/objects -type f ! -path '*/pack/*' | wc -l)" "$loose" "loose objects after a failed register"
# ... and the same files then register in one commit, one pack.
expect_exit 0 prov register -r many --license MIT
expect_grep "^1000 registered, 0 unchanged" "$TMP/out"
expect_eq "$(git -C .prov rev-list --count HEAD)" 3
expect_eq "$(ls .prov/objects/pack/*.pack | wc -l)" $((packs / 2 + 1))
expect_eq "$(find .prov/objects -type f ! -path '*/pack/*' | wc -l)" "$loose" "loose objects after a bulk register"
git -C .prov fsck --full --no-progress 2>"$TMP/fsck" || { cat "$TMP/fsck"; fail "git fsck"; }

# Another identity claiming the same content: recorded, with a warning;
# show lists every claimant in the order received.
new_identity mallory
expect_exit 0 prov register three.jpg --license CC0-1.0 --as mallory
expect_grep "warning: 'three.jpg' is also claimed by did:key:" "$TMP/err"
expect_exit 0 prov show three.jpg
expect_grep "^2 claims on sha256:$h, in the order received:" "$TMP/out"
alice=$(prov id show alice --json | sed -n 's/.*"did": "\(.*\)".*/\1/p')
mallory=$(prov id show mallory --json | sed -n 's/.*"did": "\(.*\)".*/\1/p')
[ "$(grep '^  creator' "$TMP/out" | awk '{print $2}' | tr '\n' ' ')" = "$alice $mallory " ] ||
	fail "claimants not in the order received"
expect_exit 0 prov verify

# File names are untrusted: not UTF-8 is stored with U+FFFD, control bytes
# are shown escaped, never sent raw to the terminal.
mkdir odd
printf x >"odd/$(printf 'bad\377.txt')"
printf y >"odd/$(printf 'esc\033[31mRED.txt')"
expect_exit 0 prov register -r odd --license MIT --as alice
expect_grep '^2 registered' "$TMP/out"
expect_grep 'esc\\x1b\[31mRED.txt' "$TMP/out"
expect_exit 0 prov log
if grep -q "$(printf '\033')" "$TMP/out"; then fail "an escape byte reached the terminal"; fi
grep -qF "bad$(printf '\357\277\275').txt" "$TMP/out" || fail "no U+FFFD in the stored name"
expect_exit 0 prov verify
