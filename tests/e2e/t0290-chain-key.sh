#!/bin/sh
# prov chain key new|address: secp256k1 keys, encrypted at rest like
# identities; the address is derived again from the decrypted key.
. "$(dirname "$0")/lib.sh"

PROV_PASSPHRASE=chain-secret expect_exit 0 prov chain key new ops
addr=$(cat "$TMP/out")
echo "$addr" | grep -Eq '^0x[0-9a-fA-F]{40}$' || fail "not an address: $addr"
echo "$addr" | grep -q '[A-F]' || echo "$addr" | grep -q '[a-f]' || fail "no EIP-55 case: $addr"
key=$PROV_HOME/chain/ops.key
expect_eq "$(stat -c %a "$key")" 600 "key file mode"
expect_eq "$(stat -c %a "$PROV_HOME/chain")" 700 "key folder mode"
grep -q '"prov-chain-key"' "$key" || fail "no format tag in the key file"
grep -q '"argon2id13"' "$key" || fail "key not encrypted"
expect_no_grep "chain-secret" "$key"

PROV_PASSPHRASE=chain-secret expect_exit 0 prov chain key address ops --json
expect_grep "^  \"address\": \"$addr\"$" "$TMP/out"
PROV_PASSPHRASE=wrong expect_exit 2 prov chain key address ops
expect_grep "wrong passphrase" "$TMP/err"

# Never overwritten; bad names and unknown keys are refused.
PROV_PASSPHRASE=x expect_exit 2 prov chain key new ops
expect_grep "a chain key named 'ops' exists" "$TMP/err"
expect_eq "$(PROV_PASSPHRASE=chain-secret prov chain key address ops)" "$addr" "address after a refused overwrite"
PROV_PASSPHRASE=x expect_exit 2 prov chain key new ../evil
expect_exit 2 prov chain key address nobody
expect_exit 0 prov chain key new plain --no-passphrase
expect_exit 0 prov chain key address plain
expect_exit 0 prov chain key new --help
expect_exit 2 prov chain key
