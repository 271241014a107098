# prov run record|show: a training run as a signed in-toto statement;
# digests checked against sha256sum, the envelope against node's Ed25519.
. "$(dirname "$0")/lib.sh"

# js FILE EXPR: prints EXPR, with j the JSON in FILE.
js() {
	node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const v = eval(process.argv[2]); console.log(typeof v === "string" ? v : JSON.stringify(v));' "$1" "$2"
}
# le64 N: N as 8 little-endian bytes (printf with octal escapes, as POSIX
# sh has them).
le64() {
	n=$1 s="" i=0
	while [ $i -lt 8 ]; do
		s="$s\\$(printf '%03o' $((n % 256)))"
		n=$((n / 256)) i=$((i + 1))
	done
	printf "$s"
}
sha() { sha256sum "$1" | cut -c1-64; }
commits() { git -C .prov rev-list --count HEAD; }

prov init . >/dev/null
new_identity alice
new_identity curator
new_identity lab
mkdir data
echo one >data/one.txt
echo two >data/two.txt
prov register data/one.txt data/two.txt --license CC-BY-4.0 --as alice >/dev/null
prov manifest build faces --version 1 --from data --purpose research --as curator >/dev/null
echo three >data/three.txt
prov register data/three.txt --license MIT --as alice >/dev/null
prov manifest build voices --version 2 --from data --purpose research --as curator >/dev/null

# A small valid safetensors file, a plain checkpoint, a config and a log.
hdr='{"__metadata__":{"format":"pt"},"emb":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"out":{"dtype":"I8","shape":[3],"data_offsets":[16,19]}}'
{ le64 ${#hdr}; printf '%s' "$hdr"; head -c 19 /dev/zero; } >model.safetensors
head -c 100000 /dev/urandom >optim.bin
printf 'lr: 0.001\nepochs: 3\n' >train.yaml
printf 'step 1 loss 2.0\nstep 2 loss 1.5\n' >train.log

expect_exit 0 prov run record --dataset voices@2 --dataset faces@1 \
	--checkpoint optim.bin --checkpoint model.safetensors --config train.yaml \
	--log train.log --code https://git.example/lab/train@0123ABCdef \
	--started 2026-11-20T08:00:00Z --finished 2026-11-21T19:30:00+02:00 \
	--as lab --json
id=$(js "$TMP/out" j.id)
case $id in sha256:*) ;; *) fail "no id in the output" ;; esac

expect_exit 0 prov run show "$id" --json
cp "$TMP/out" show.json
expect_eq "$(js show.json j.kind)" run
expect_eq "$(js show.json j.verified)" true
expect_eq "$(js show.json 'j.signatures[0].valid')" true
lab=$(prov id show lab --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p')
expect_eq "$(js show.json j.payload.predicate.provider)" "$lab"
expect_eq "$(js show.json j.payload._type)" https://in-toto.io/Statement/v1
expect_eq "$(js show.json j.payload.predicateType)" urn:prov:training-run:v1
# subjects sorted by name, digests as sha256sum computes them
expect_eq "$(js show.json 'j.payload.subject.map(s => s.name).join(" ")')" \
	"model.safetensors optim.bin"
expect_eq "$(js show.json 'j.payload.subject[0].digest.sha256')" "$(sha model.safetensors)"
expect_eq "$(js show.json 'j.payload.subject[1].digest.sha256')" "$(sha optim.bin)"
expect_eq "$(js show.json 'j.payload.subject[1].annotations.size')" 100000
expect_eq "$(js show.json 'j.payload.subject[0].annotations.size')" \
	"$(stat -c %s model.safetensors)"
expect_eq "$(js show.json 'j.payload.subject[1].annotations.safetensors')" undefined
# the header hash: the first 8 + N bytes, cut out independently
expect_eq "$(js show.json 'j.payload.subject[0].annotations.safetensors.header_sha256')" \
	"$(head -c $((8 + ${#hdr})) model.safetensors | sha256sum | cut -c1-64)"
expect_eq "$(js show.json 'j.payload.subject[0].annotations.safetensors.tensors')" 2
# datasets as manifest show has them, sorted by id
for v in faces@1 voices@2; do
	prov manifest show $v --json >m.json
	mid=$(js m.json j.id)
	expect_eq "$(js show.json "j.payload.predicate.datasets.find(d => d.id === '$mid').root")" \
		"$(js m.json j.payload.merkle.root)"
	expect_eq "$(js show.json "j.payload.predicate.datasets.find(d => d.id === '$mid').name + '@' + j.payload.predicate.datasets.find(d => d.id === '$mid').version")" "$v"
done
expect_eq "$(js show.json 'j.payload.predicate.datasets.length')" 2
expect_eq "$(js show.json 'j.payload.predicate.datasets[0].id < j.payload.predicate.datasets[1].id')" true
# config inline, log, code, times in UTC
expect_eq "$(js show.json j.payload.predicate.config.sha256)" "$(sha train.yaml)"
expect_eq "$(js show.json j.payload.predicate.config.size)" "$(stat -c %s train.yaml)"
expect_eq "$(js show.json 'j.payload.predicate.config.text === require("fs").readFileSync("train.yaml", "utf8")')" true
expect_eq "$(js show.json 'j.payload.predicate.logs[0].sha256')" "$(sha train.log)"
expect_eq "$(js show.json 'j.payload.predicate.logs[0].name')" train.log
expect_eq "$(js show.json j.payload.predicate.code.uri)" https://git.example/lab/train
expect_eq "$(js show.json j.payload.predicate.code.commit)" 0123abcdef
expect_eq "$(js show.json j.payload.predicate.started)" 2026-11-20T08:00:00Z
expect_eq "$(js show.json j.payload.predicate.finished)" 2026-11-21T17:30:00Z

expect_exit 0 prov run show "$(echo "$id" | cut -c8-19)"
expect_grep '^run sha256:' "$TMP/out"
expect_grep "^  checkpoint $(sha optim.bin)  100000 bytes  optim.bin$" "$TMP/out"
expect_grep '^  +header [0-9a-f]{64}  2 tensors$' "$TMP/out"
expect_grep '^  dataset    faces@1  sha256:[0-9a-f]{64}  root 0x[0-9a-f]{64}$' "$TMP/out"
expect_grep '^  code       https://git.example/lab/train @ 0123abcdef$' "$TMP/out"
expect_grep '^  status     signatures valid, signed by its provider$' "$TMP/out"
expect_exit 0 prov verify
expect_exit 0 prov log --kind run
expect_eq "$(wc -l <"$TMP/out")" 1

# The envelope, read with stock tools: DSSE with in-toto's payloadType, a
# Statement v1 inside, and an Ed25519 signature over the PAE that node's
# crypto accepts for the key the did:key names.
path=$(git -C .prov ls-tree -r --name-only HEAD records/run)
expect_eq "$path" "records/run/$(echo "$id" | cut -c8-9)/$(echo "$id" | cut -c8-).json"
git -C .prov show "HEAD:$path" >env.json
expect_eq "$(js env.json j.payloadType)" application/vnd.in-toto+json
js env.json j.payload | base64 -d >payload.json
expect_eq "sha256:$(sha payload.json)" "$id"
expect_eq "$(js payload.json j._type)" https://in-toto.io/Statement/v1
expect_eq "$(js payload.json j.predicateType)" urn:prov:training-run:v1
expect_eq "$(js payload.json 'j.subject.map(s => s.name + ":" + s.digest.sha256).join(" ")')" \
	"model.safetensors:$(sha model.safetensors) optim.bin:$(sha optim.bin)"
node -e '
const fs = require("fs"), crypto = require("crypto");
const env = JSON.parse(fs.readFileSync("env.json", "utf8"));
const body = Buffer.from(env.payload, "base64"), type = env.payloadType;
const pae = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
const A = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
let n = 0n;
for (const c of env.signatures[0].keyid.slice("did:key:z".length)) n = n * 58n + BigInt(A.indexOf(c));
const raw = Buffer.from(n.toString(16).padStart(68, "0"), "hex");
if (raw[0] !== 0xed || raw[1] !== 0x01) process.exit(3);
const key = crypto.createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw.subarray(2)]), format: "der", type: "spki" });
process.exit(crypto.verify(null, pae, key, Buffer.from(env.signatures[0].sig, "base64")) ? 0 : 4);
' || fail "node does not verify the DSSE signature"

# A config that is not text, or too long, is named by its hash alone.
head -c 5000 /dev/zero | tr '\0' x >big.yaml
expect_exit 0 prov run record --dataset faces@1 --checkpoint optim.bin --config big.yaml --as lab --json
expect_eq "$(js "$TMP/out" j.statement.predicate.config.text)" undefined
expect_eq "$(js "$TMP/out" j.statement.predicate.config.sha256)" "$(sha big.yaml)"
expect_eq "$(js "$TMP/out" 'j.statement.predicate.logs')" undefined
expect_eq "$(js "$TMP/out" 'j.statement.predicate.started')" undefined
printf 'a\000b' >nul.yaml
expect_exit 0 prov run record --dataset faces@1 --checkpoint optim.bin --config nul.yaml --as lab --json
expect_eq "$(js "$TMP/out" j.statement.predicate.config.text)" undefined
expect_exit 0 prov run record --dataset faces@1 --checkpoint optim.bin --as lab
expect_grep '^sha256:[0-9a-f]{64}  run: 1 checkpoint from 1 dataset$' "$TMP/out"

# Bad input: exit 2, a message, nothing written.
before=$(commits)
bad() { # bad MESSAGE-REGEX ARGS...
	msg=$1
	shift
	expect_exit 2 prov run record "$@"
	expect_grep "$msg" "$TMP/err"
}
mkdir sub
cp optim.bin sub/optim.bin
printf '\377\377\377\377\377\377\377\377{}' >bad.safetensors
printf '\002\000\000\000\000\000\000\000[]' >list.safetensors
bad "no dataset 'nope@1'" --dataset nope@1 --checkpoint optim.bin --as lab
bad "no dataset 'faces@9'" --dataset faces@9 --checkpoint optim.bin --as lab
bad "'faces': name a dataset version, NAME@V" --dataset faces --checkpoint optim.bin --as lab
bad "dataset 'faces@1' named twice" --dataset faces@1 --dataset faces@1 --checkpoint optim.bin --as lab
bad "'missing.bin': no such file" --dataset faces@1 --checkpoint missing.bin --as lab
bad "'data' is not a regular file" --dataset faces@1 --checkpoint data --as lab
bad "'missing.log': no such file" --dataset faces@1 --checkpoint optim.bin --log missing.log --as lab
bad "'bad.safetensors': safetensors header: its length [0-9]+ is over" --dataset faces@1 --checkpoint bad.safetensors --as lab
bad "'list.safetensors': safetensors header: not a JSON object" --dataset faces@1 --checkpoint list.safetensors --as lab
bad "'sub/optim.bin': another checkpoint is named 'optim.bin' already" --dataset faces@1 --checkpoint optim.bin --checkpoint sub/optim.bin --as lab
bad "a run needs --dataset and --checkpoint" --dataset faces@1 --as lab
bad "a run needs --dataset and --checkpoint" --checkpoint optim.bin --as lab
bad "--started: 'yesterday' is not an RFC 3339 time" --dataset faces@1 --checkpoint optim.bin --started yesterday --finished 2026-11-21T00:00:00Z --as lab
bad "--finished: '2026-02-30T00:00:00Z' is not an RFC 3339 time" --dataset faces@1 --checkpoint optim.bin --started 2026-02-01T00:00:00Z --finished 2026-02-30T00:00:00Z --as lab
bad "--started 2026-11-22T00:00:00Z is after --finished 2026-11-21T00:00:00Z" --dataset faces@1 --checkpoint optim.bin --started 2026-11-22T00:00:00Z --finished 2026-11-21T00:00:00Z --as lab
bad "--started and --finished go together" --dataset faces@1 --checkpoint optim.bin --started 2026-11-22T00:00:00Z --as lab
bad "--code 'https://git.example/x': expected URL@COMMIT" --dataset faces@1 --checkpoint optim.bin --code https://git.example/x --as lab
bad "expected URL@COMMIT" --dataset faces@1 --checkpoint optim.bin --code https://git.example/x@xyz1234 --as lab
bad "expected URL@COMMIT" --dataset faces@1 --checkpoint optim.bin --code https://git.example/x@abc12 --as lab
bad "the URL must be UTF-8 text" --dataset faces@1 --checkpoint optim.bin --code "$(printf 'https://x/\033[2Jy')@abcdef0" --as lab
bad "no identity 'nobody'|nobody" --dataset faces@1 --checkpoint optim.bin --as nobody
expect_exit 2 prov run record extra --dataset faces@1 --checkpoint optim.bin --as lab
expect_eq "$(commits)" "$before" "a refused run wrote something"

# show: only runs, ids that exist.
expect_exit 2 prov run show "$(prov manifest show faces@1 --json | sed -n 's/^  "id": "\(.*\)",$/\1/p')"
expect_grep 'is a dataset record, not a run' "$TMP/err"
expect_exit 2 prov run show sha256:0000000000000000000000000000000000000000000000000000000000000000
expect_grep "no record" "$TMP/err"
expect_exit 2 prov run show 12ab
expect_exit 2 prov run frobnicate
expect_exit 0 prov run --help
expect_exit 0 prov verify
