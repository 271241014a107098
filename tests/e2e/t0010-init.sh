# prov init, registry discovery, --help on every command, usage errors.
. "$(dirname "$0")/lib.sh"

expect_exit 0 prov init proj
expect_grep "initialised registry in .*/proj/.prov" "$TMP/out"
[ -f proj/.prov/HEAD ] || fail "no git repository in proj/.prov"
expect_eq "$(git -C proj/.prov rev-parse --is-bare-repository)" true

expect_exit 2 prov init proj
expect_grep "^prov: '.*proj/.prov' already exists$" "$TMP/err"

# Found from a subfolder, like git.
mkdir -p proj/a/b
(cd proj/a/b && "$PROV" status) >"$TMP/out"
expect_grep "^registry +.*/proj/.prov$" "$TMP/out"

# A folder that is not a registry, and a git repository that is not ours.
mkdir plain
expect_exit 2 prov --registry plain status
expect_grep "is not a prov registry" "$TMP/err"
git init -q --bare other.git
expect_exit 2 prov --registry other.git status
expect_grep "is not a prov registry" "$TMP/err"
(cd plain && PROV_HOME="$TMP/nohome" "$PROV" status >/dev/null 2>"$TMP/err") && fail "status outside a registry succeeded"
expect_grep "no registry here" "$TMP/err"

# --help everywhere, exit 0; unknown commands and options, exit 2.
for c in init register show log verify sign verify-sig status remote push pull; do
	expect_exit 0 prov "$c" --help
	expect_grep "^usage: prov $c" "$TMP/out"
done
for c in "id new" "id list" "id show" "id export"; do
	# shellcheck disable=SC2086
	expect_exit 0 prov $c --help
	expect_grep "^usage: prov $c" "$TMP/out"
done
expect_exit 0 prov --help
expect_grep "^  register" "$TMP/out"
expect_exit 2 prov frobnicate
expect_grep "'frobnicate' is not a prov command" "$TMP/err"
expect_exit 2 prov status --bogus
expect_grep "unknown option '--bogus'" "$TMP/err"
expect_exit 2 prov

# docs/cli.md quotes every --help; it must match the binary.
"$ROOT/scripts/cli-doc.sh" --check "$PROV" || fail "docs/cli.md is stale"
