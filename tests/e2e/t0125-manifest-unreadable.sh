# An unreadable file fails a build, naming it, unless --skip-unreadable, which
# excludes it with the reason. Root reads anything, so as root the build runs
# as nobody (util-linux's setpriv).
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity curator
mkdir data
echo one >data/one.txt
echo two >data/two.txt
echo secret >data/secret.txt
prov register data/one.txt data/two.txt --license CC0-1.0 >/dev/null
chmod 000 data/secret.txt

as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		chown -R 65534:65534 "$TMP"
		HOME="$TMP" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}
head_of() { git -c safe.directory="*" -C .prov rev-parse HEAD; }
before=$(head_of)
expect_exit 2 as_user "$PROV" manifest build d --version 1 --from data --purpose research
expect_grep "^prov: 'data/secret.txt': permission denied$" "$TMP/err"
expect_eq "$(head_of)" "$before" "a failed build changed the registry"

expect_exit 0 as_user "$PROV" manifest build d --version 1 --from data --purpose research --skip-unreadable --json
expect_grep '"included": 2' "$TMP/out"
expect_grep '"unreadable": 1' "$TMP/out"
expect_exit 0 as_user "$PROV" manifest show d@1 --excluded
expect_grep "^  unreadable +secret.txt +'data/secret.txt': permission denied$" "$TMP/out"
expect_exit 0 as_user "$PROV" verify
