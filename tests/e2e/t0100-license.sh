# prov license: the table, show, check (verdicts, reasons, exit codes),
# custom licenses as signed records, and bad input.
. "$(dirname "$0")/lib.sh"

# expect_out FILE: FILE must equal the here-document on stdin, exactly.
expect_out() {
	cat >"$TMP/want"
	diff -u "$TMP/want" "$1" >&2 || fail "unexpected output in $1"
}

v=$(prov license list --json | sed -n 's/^  "spdx_list_version": "\(.*\)",$/\1/p')
[ -n "$v" ] || fail "no spdx_list_version in 'license list --json'"
expect_eq "$v" "$(sed -n 's/^const char license_spdx_list_version\[\] = "\(.*\)";$/\1/p' "$ROOT/license/spdx_ids.c")"

# ---- list and show, without a registry ----------------------------------

expect_exit 0 prov license list
expect_eq "$(sed -n 1p "$TMP/out")" "SPDX License List $v; 101 licenses in prov's table"
expect_grep "^id +commercial +derivatives +share-alike +attribution +use-restrictions$" "$TMP/out"
grep -qx 'CC-BY-NC-ND-4.0                    no         no          -                yes         no' "$TMP/out" || fail "CC-BY-NC-ND-4.0 row"
grep -qx 'CC-BY-SA-4.0                       yes        yes         CC-BY-SA         yes         no' "$TMP/out" || fail "CC-BY-SA-4.0 row"
grep -qx 'LGPL-2.1-only                      yes        yes         LGPL-2.1 (weak)  yes         no' "$TMP/out" || fail "LGPL-2.1-only row"
grep -qx 'LicenseRef-Gemma                   yes        yes         -                yes         yes' "$TMP/out" || fail "Gemma row"
expect_eq "$(grep -c '^CC' "$TMP/out")" 56 "Creative Commons rows"
expect_no_grep "defined in the registry" "$TMP/out"
expect_exit 0 prov license list --json
expect_eq "$(grep -c '"source": "table"' "$TMP/out")" 101

expect_exit 0 prov license show cc-by-nc-sa-4.0
expect_out "$TMP/out" <<EOF
id:               CC-BY-NC-SA-4.0
name:             Creative Commons Attribution Non Commercial Share Alike 4.0 International
url:              https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode
source:           prov's table (SPDX License List $v)
commercial use:   not allowed (NC)
derivatives:      allowed, trained weights included
share-alike:      CC-BY-NC-SA (combinable under CC-BY-NC-SA)
attribution:      required
use restrictions: none
note:             credit the creator; noncommercial only; shared adaptations under this or a later CC BY-NC-SA license
EOF
expect_exit 0 prov license show CC0-1.0
expect_grep "^conditions: +none \(public domain / no conditions\)$" "$TMP/out"
expect_exit 0 prov license show LicenseRef-Llama-2 --json
expect_grep '^  "source": "table",$' "$TMP/out"
expect_grep '^    "use_restrictions": true,$' "$TMP/out"
expect_grep '700M monthly users' "$TMP/out"
# On the SPDX list, not in the table: known, attributes unknown.
expect_exit 0 prov license show zlib
expect_out "$TMP/out" <<EOF
id:               Zlib
source:           SPDX License List $v
attributes:       not in prov's table: evaluation treats them as not allowed
EOF
expect_exit 2 prov license show CC-BY-4
expect_out "$TMP/err" <<EOF
prov: unknown license id 'CC-BY-4' (did you mean CC-BY-4.0?)
EOF

# ---- check: verdicts and exit statuses ------------------------------------

expect_exit 0 prov license check 'MIT OR GPL-3.0-only' --purpose commercial --use ai_training --distribute-weights
expect_out "$TMP/out" <<EOF
allowed: MIT OR GPL-3.0-only
purpose: commercial; uses: ai_training; trained weights distributed: yes
chosen: MIT
reasons:
  OR: chose 'MIT': 2 of 2 alternatives allow it, and it has the fewest conditions
  MIT: commercial use allowed
  MIT: derivatives allowed: trained weights may be distributed
obligations:
  MIT: attribution: credit the creators and name the license
EOF

# NC fails a commercial purpose; research counts as noncommercial.
expect_exit 1 prov license check CC-BY-NC-4.0 --purpose commercial --use ai_training
expect_out "$TMP/out" <<EOF
not allowed: CC-BY-NC-4.0
purpose: commercial; uses: ai_training; trained weights distributed: no
reasons:
  CC-BY-NC-4.0: noncommercial only (NC): the purpose is commercial
EOF
expect_exit 0 prov license check CC-BY-NC-4.0 --purpose research --use ai_training
expect_grep "^  CC-BY-NC-4.0: noncommercial only \(NC\): research counts as noncommercial$" "$TMP/out"
expect_grep "^  CC-BY-NC-4.0: keep the use noncommercial \(NC\)$" "$TMP/out"

# ND fails only when weights are distributed.
expect_exit 0 prov license check CC-BY-ND-4.0 --purpose commercial
expect_grep "^  CC-BY-ND-4.0: do not share trained weights or other adaptations \(ND\)$" "$TMP/out"
expect_exit 1 prov license check 'CC-BY-ND-4.0 OR CC-BY-NC-4.0' --purpose commercial --distribute-weights
expect_out "$TMP/out" <<EOF
not allowed: CC-BY-ND-4.0 OR CC-BY-NC-4.0
purpose: commercial; uses: none declared; trained weights distributed: yes
reasons:
  OR: none of the 2 alternatives allows it
  CC-BY-ND-4.0: no derivatives (ND): trained weights may not be distributed
  CC-BY-NC-4.0: noncommercial only (NC): the purpose is commercial
EOF

# Share-alike: different families conflict, the same family combines, and
# an OR branch that avoids a conflict is found.
expect_exit 1 prov license check 'CC-BY-SA-4.0 AND ODbL-1.0' --purpose research
expect_grep "^  share-alike conflict: ODbL-1.0 \(share-alike ODbL\) cannot be combined with CC-BY-SA-4.0 \(share-alike CC-BY-SA, GPL-3.0\)$" "$TMP/out"
expect_exit 0 prov license check 'CC-BY-SA-3.0 AND CC-BY-SA-4.0' --purpose commercial
expect_exit 0 prov license check 'CC-BY-SA-4.0 AND (ODbL-1.0 OR MIT)' --purpose commercial --distribute-weights
expect_grep "^chosen: CC-BY-SA-4.0 AND MIT$" "$TMP/out"
expect_grep "^  OR: chose 'CC-BY-SA-4.0 AND MIT', the only one of 2 alternatives that allows it$" "$TMP/out"

# Use-based restrictions are obligations; unknown attributes are a "no".
expect_exit 0 prov license check licenseref-openrail-m --purpose commercial --use ai_generative_training --distribute-weights
expect_grep "^allowed: LicenseRef-OpenRAIL-M$" "$TMP/out"
expect_grep "^  LicenseRef-OpenRAIL-M: use-based restrictions: honour them and pass them on" "$TMP/out"
expect_exit 1 prov license check Zlib --purpose research
expect_grep "^  attributes of Zlib are not in prov's table \(treated as not allowed\)$" "$TMP/out"

expect_exit 0 prov license check CC-BY-NC-4.0 --purpose research --use ai_training --use data_mining --json
expect_grep '^  "allowed": true,$' "$TMP/out"
expect_grep '^  "chosen": "CC-BY-NC-4.0",$' "$TMP/out"
expect_grep '^  "purpose": "research",$' "$TMP/out"
expect_grep '^    "data_mining"$' "$TMP/out"
expect_grep '^  "distribute_weights": false$' "$TMP/out"
expect_exit 1 prov license check CC-BY-NC-4.0 --purpose commercial --json
expect_grep '^  "allowed": false,$' "$TMP/out"
expect_grep '^  "chosen": null,$' "$TMP/out"

# ---- bad input: exit 2, naming what is wrong --------------------------------

expect_exit 2 prov license check 'MIT OR CC-BY-4' --purpose research
expect_out "$TMP/err" <<EOF
prov: unknown SPDX license id 'CC-BY-4' (did you mean CC-BY-4.0?)
EOF
expect_exit 2 prov license check 'MIT AND (Apache-2.0' --purpose research
expect_out "$TMP/err" <<EOF
prov: missing ')' for the '(' at position 8 in 'MIT AND (Apache-2.0'
EOF
expect_exit 2 prov license check 'MIT and Apache-2.0' --purpose research
expect_grep "at position 4 in 'MIT and Apache-2.0', got 'and' \(operators are upper case: AND\)$" "$TMP/err"
expect_exit 2 prov license check LicenseRef-OpenRail --purpose research
expect_out "$TMP/err" <<EOF
prov: 'LicenseRef-OpenRail' is not defined: not in prov's table, and no license record in the registry defines it (did you mean LicenseRef-OpenRAIL-M?)
EOF
expect_exit 2 prov license check MIT
expect_grep "^prov: license check: --purpose is required" "$TMP/err"
expect_exit 2 prov license check MIT --purpose fun
expect_grep "^prov: 'fun' is not a purpose \(expected commercial, noncommercial or research\)$" "$TMP/err"
expect_exit 2 prov license check MIT --purpose research --use everything
expect_grep "^prov: 'everything' is not a use" "$TMP/err"
expect_exit 2 prov license frobnicate
expect_exit 0 prov license --help
expect_exit 0 prov license check --help
expect_grep "^usage: prov license check SPDX-EXPR --purpose" "$TMP/out"

# ---- custom licenses -----------------------------------------------------------

prov init . >/dev/null
new_identity alice
cat >acme.json <<'EOF'
{
  "id": "LicenseRef-Acme-Data-1.0",
  "name": "Acme Data License 1.0",
  "url": "https://acme.example/data-license",
  "text_sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
  "note": "noncommercial research and teaching; credit Acme",
  "attributes": {"commercial": false, "derivatives": true, "share_alike": null,
                 "attribution": true, "use_restrictions": false}
}
EOF
before=$(git -C .prov rev-list --count HEAD 2>/dev/null || echo 0)
expect_exit 0 prov license add acme.json
expect_grep "^added LicenseRef-Acme-Data-1.0 sha256:[0-9a-f]{64}$" "$TMP/out"
acme=$(awk '{print $3}' "$TMP/out")
expect_eq "$(git -C .prov rev-list --count HEAD)" $((before + 1))
expect_eq "$(git -C .prov ls-tree -r --name-only HEAD records/license)" "records/license/$(echo "$acme" | cut -c8-9)/$(echo "$acme" | cut -c8-).json"
expect_exit 0 prov verify
expect_exit 0 prov show "$acme" --json
expect_grep '^    "kind": "license",$' "$TMP/out"
expect_grep "^    \"by\": \"$(prov id show alice --json | sed -n 's/.*"did": "\(.*\)".*/\1/p')\",$" "$TMP/out"
# The same terms again change nothing.
expect_exit 0 prov license add acme.json --json
expect_grep '^  "status": "unchanged"' "$TMP/out"
expect_eq "$(git -C .prov rev-list --count HEAD)" $((before + 1))

expect_exit 0 prov license show LicenseRef-Acme-Data-1.0
normalise "$TMP/out" >"$TMP/show"
expect_out "$TMP/show" <<'EOF'
id:               LicenseRef-Acme-Data-1.0
name:             Acme Data License 1.0
url:              https://acme.example/data-license
source:           record <ID> signed by <DID>
text sha256:      2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
commercial use:   not allowed (NC)
derivatives:      allowed, trained weights included
share-alike:      none
attribution:      required
use restrictions: none
note:             noncommercial research and teaching; credit Acme
EOF
expect_exit 0 prov license list
expect_grep "^defined in the registry:$" "$TMP/out"
grep -qx 'LicenseRef-Acme-Data-1.0           no         yes         -                yes         no' "$TMP/out" || fail "custom license row"

# An expression using it: its terms apply, and say where they come from.
expect_exit 1 prov license check 'LicenseRef-Acme-Data-1.0 AND CC-BY-4.0' --purpose commercial --use ai_training
expect_out "$TMP/out" <<EOF
not allowed: LicenseRef-Acme-Data-1.0 AND CC-BY-4.0
purpose: commercial; uses: ai_training; trained weights distributed: no
reasons:
  LicenseRef-Acme-Data-1.0: noncommercial only (NC): the purpose is commercial
EOF
expect_exit 0 prov license check 'LicenseRef-Acme-Data-1.0 AND CC-BY-4.0' --purpose research --use ai_training
expect_grep "^  LicenseRef-Acme-Data-1.0: terms from record $acme signed by did:key:" "$TMP/out"
expect_grep "^  LicenseRef-Acme-Data-1.0: attribution: credit the creators and name the license$" "$TMP/out"
# Other folders find it through --registry.
mkdir elsewhere
(cd elsewhere && prov --registry "$TMP" license check LicenseRef-Acme-Data-1.0 --purpose research) >/dev/null ||
	fail "check with --registry"

# Bad files and ids: exit 2, nothing committed.
head=$(git -C .prov rev-parse HEAD)
printf '{"id": "MIT", "name": "x"}' >mit.json
expect_exit 2 prov license add mit.json
expect_out "$TMP/err" <<EOF
prov: 'mit.json': 'MIT' is an SPDX license id: a custom license's id starts with LicenseRef-
EOF
printf '{"id": "Acme-2", "name": "x"}' >plain.json
expect_exit 2 prov license add plain.json
expect_grep "^prov: 'plain.json': 'Acme-2' is not a custom license id: it must start with LicenseRef-$" "$TMP/err"
printf '{"id": "LicenseRef-Acme-2", ' >broken.json
expect_exit 2 prov license add broken.json
expect_grep "^prov: 'broken.json': malformed JSON at line 1" "$TMP/err"
sed 's/"attribution": true, //' acme.json >noattr.json
expect_exit 2 prov license add noattr.json
expect_grep "^prov: 'noattr.json': attribute \"attribution\" must be true or false$" "$TMP/err"
sed 's/"note"/"notes"/' acme.json >typo.json
expect_exit 2 prov license add typo.json
expect_grep "^prov: 'typo.json': unknown field 'notes'" "$TMP/err"
sed 's/LicenseRef-Acme-Data-1.0/LicenseRef-Gemma/' acme.json >gemma.json
expect_exit 2 prov license add gemma.json
expect_grep "^prov: 'gemma.json': 'LicenseRef-Gemma' is in prov's built-in table: choose another id$" "$TMP/err"
expect_exit 2 prov license add missing.json
expect_grep "missing.json" "$TMP/err"
# The same id with other terms: refused, a new version needs a new id.
sed 's/"commercial": false/"commercial": true/' acme.json >acme-changed.json
expect_exit 2 prov license add acme-changed.json
expect_out "$TMP/err" <<EOF
prov: 'LicenseRef-Acme-Data-1.0' is already defined by record $acme signed by $(prov id show alice --json | sed -n 's/.*"did": "\(.*\)".*/\1/p') (a new version needs a new id)
EOF
expect_eq "$(git -C .prov rev-parse HEAD)" "$head" "a refused add changed the registry"

# Two signers defining one id (registries merged): the first in the
# registry's order is used, with a warning naming both.
new_identity mallory
prov init other >/dev/null
prov --registry other license add acme-changed.json --as mallory >/dev/null
prov remote add other "$TMP/other"
prov pull other --as alice >/dev/null
expect_eq "$(git -C .prov ls-tree -r --name-only HEAD records/license | wc -l)" 2
first=$(git -C .prov ls-tree -r --name-only HEAD records/license | head -n 1 | sed 's#.*/\(.*\)\.json#sha256:\1#')
expect_exit 0 prov license show LicenseRef-Acme-Data-1.0
expect_grep "^source: +record $first signed by did:key:" "$TMP/out"
expect_grep "^prov: warning: LicenseRef-Acme-Data-1.0 is defined more than once: using record $first signed by did:key:[^ ]+, ignoring record sha256:[0-9a-f]{64} signed by did:key:" "$TMP/err"
expect_exit 0 prov license check LicenseRef-Acme-Data-1.0 --purpose research
expect_eq "$(grep -c 'is defined more than once' "$TMP/err")" 1 "warnings for one id"
