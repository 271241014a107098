#!/bin/sh
# A creator's walkthrough of prov. It makes an identity, registers a few works
# with a license, a payout account and training permissions, looks at them and
# verifies them, signs a file for stock minisign, checks the registry's commit
# signatures with stock git, shows a second identity claiming the same file,
# and shares records with a second registry.
#
# `make demo` runs it. To run it by hand:
#     make && PROV=$PWD/build/prov sh examples/creator.sh
# It works in a fresh temporary folder, removed at the end, with its own
# PROV_HOME there, so it never touches your own keys or registries. Each step
# prints a comment and the command it runs. If a step fails, the script stops
# and exits non-zero.
#
# Commands are quoted so they print as typed and expand only when run:
# shellcheck disable=SC2016,SC2034,SC2154
NAME=creator.sh
. "$(dirname "$0")/lib.sh"
# git checks SSH signatures with ssh-keygen; scripts/deps.sh installs all three.
for tool in git minisign ssh-keygen; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "creator.sh: '$tool' is needed (scripts/deps.sh installs it)" >&2
		exit 2
	}
done
PAYOUT=eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed

mkdir "$DEMO/studio"
cd "$DEMO/studio"
echo "Working in $DEMO (removed at exit)."

say "A registry is a bare git repository in .prov/. Like git, prov finds the" \
	"nearest one above the current folder (or takes --registry DIR)."
run 'prov init'

say "An identity is an Ed25519 key pair, named by its did:key. The secret key" \
	"is stored encrypted with a passphrase (Argon2id, XChaCha20-Poly1305). prov" \
	"asks for the passphrase on the terminal. A script can set PROV_PASSPHRASE" \
	"instead, as this one does, but keep a real passphrase out of scripts and" \
	"shell history."
run 'export PROV_PASSPHRASE="correct horse battery staple"'
run 'prov id new alice'
run 'prov id show alice'

say "Some works to register. They are generated here and stand in for your" \
	"own files."
run 'mkdir -p works/sketches'
run 'printf "The sea at dawn,\nslate grey and patient.\n" > works/poem.txt'
run "echo '<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"/>' > works/sketches/square.svg"
run 'head -c 4096 /dev/urandom > works/sketches/photo.jpg'

say "Register every file under works/ (-r). For each file, prov hashes it" \
	"(SHA-256) and signs one work record with alice's key. The record holds the" \
	"content hash, size, media type and name, the license (an SPDX expression)," \
	"the payout account (CAIP-10; eip155:1 is Ethereum mainnet), and the uses" \
	"this file is denied (--deny) or allowed (--allow). Uses not named stay" \
	"'not stated'. All the records go into one signed git commit."
run 'prov register -r works --license CC-BY-4.0 --payout "$PAYOUT" --deny ai_generative_training'

say "Registering the same claim again changes nothing."
run 'prov register works/poem.txt --license CC-BY-4.0 --payout "$PAYOUT" --deny ai_generative_training'

say "Everything the registry holds about a file. prov finds it by hashing the" \
	"file, so a copy under another name is found too. Signatures are checked as" \
	"the records are shown."
run 'cp works/poem.txt copy-of-poem.txt'
run 'prov show copy-of-poem.txt'

say "Records in the order they entered the registry, then counts by kind."
run 'prov log'
run 'prov status'

say "Re-check every record (id, path, signatures) and every commit. This" \
	"proves who signed each claim and that it is unchanged. It does not prove" \
	"that the claim is true."
run 'prov verify'

say "prov sign writes FILE.minisig in minisign's format. Anyone can check it" \
	"with stock minisign and alice's exported public key."
run 'prov sign works/poem.txt'
run 'prov id export alice --minisign > alice.pub'
run 'cat alice.pub'
run 'minisign -V -p alice.pub -m works/poem.txt'

say "A changed file no longer verifies."
run 'cp works/poem.txt changed.txt && echo "one more line" >> changed.txt'
run_fails 'minisign -V -q -p alice.pub -m changed.txt -x works/poem.txt.minisig'

say "Every command that changes the registry makes one git commit, signed with" \
	"the actor's key in git's SSH signature format. Stock git checks these" \
	"signatures against an allowed-signers file with one line per trusted key."
run 'echo "alice namespaces=\"git\" $(prov id export alice --ssh)" > allowed_signers'
run 'cat allowed_signers'
run 'git --no-pager -C .prov -c gpg.ssh.allowedSignersFile="$PWD/allowed_signers" log --show-signature -1'
run 'git -C .prov -c gpg.ssh.allowedSignersFile="$PWD/allowed_signers" verify-commit HEAD'

say "A second identity, bob, stored unencrypted (--no-passphrase must be said" \
	"explicitly). With two identities, name the one that signs with --as (or" \
	"PROV_IDENTITY)."
run 'prov id new bob --no-passphrase'

say "bob claims alice's poem under another license. The registry cannot tell" \
	"who is right. It records both signed claims, warns, and shows them in the" \
	"order received."
run 'prov register works/poem.txt --license CC0-1.0 --as bob'
run 'prov show works/poem.txt'

say "A second registry, say a collective's, in another folder. Registries" \
	"share records through ordinary git remotes: a path, a file:// URL, or any" \
	"URL git understands."
run 'prov init "$DEMO/collective"'
run 'prov remote add collective "$DEMO/collective"'
run 'prov remote list'
run 'prov push collective'
run 'prov --registry "$DEMO/collective" status'

say "bob registers a new work in the collective's registry, and alice registers" \
	"another in her studio. The two registries have diverged."
run 'cd "$DEMO/collective"'
run 'echo "A tune in D minor" > tune.txt'
run 'prov register tune.txt --license CC-BY-SA-4.0 --as bob'
run 'cd "$DEMO/studio"'
run 'printf "Low tide,\nthe gulls argue.\n" > works/poem2.txt'
run 'prov register works/poem2.txt --license CC-BY-4.0 --payout "$PAYOUT" --deny ai_generative_training --as alice'

say "A push cannot overwrite records the remote has and this registry lacks." \
	"It refuses and asks for a pull first."
run_fails 'prov push collective'

say "pull fetches the collective's records and checks every incoming one: it" \
	"must parse, sit at its path and carry valid signatures. Records are" \
	"immutable, so the merge is a union of files. The same path with different" \
	"bytes would be a conflict, and nothing would be merged. Histories that" \
	"diverged need a merge commit, signed by --as."
run 'prov pull collective --as alice'
run 'prov push collective'
run 'git --no-pager -C .prov log --graph --oneline'

say "Both registries now hold the same records, and both verify."
run 'prov verify'
run 'prov --registry "$DEMO/collective" verify'

say "alice is also a photographer. A C2PA content credential travels inside" \
	"the JPEG: it needs an X.509 certificate for her key, issued by a private" \
	"root that other tools can be told to trust (--root-out)."
run 'cd "$DEMO/studio"'
run 'cp "$FIXTURES/c2pa/no_manifest.jpg" works/harbour.jpg'
run 'prov id cert alice --root-out "$DEMO/root.pem"'

say "sign embeds the credential: how the picture was made, her training" \
	"permissions (cawg.training-mining), a thumbnail, a link to the registry," \
	"and a hash of every byte outside the credential. --register also records" \
	"the signed file as a work. Every byte of the input outside the inserted" \
	"segments is kept."
run 'prov c2pa sign works/harbour.jpg -o works/harbour-cc.jpg --title "Harbour" --deny ai_training --deny ai_generative_training --register --license CC-BY-NC-4.0 --as alice'

say "Anyone can verify it: valid with an untrusted signer, trusted under her" \
	"root. Change one byte of the picture and it is invalid."
run 'prov c2pa verify works/harbour-cc.jpg'
run 'prov c2pa verify --trust "$DEMO/root.pem" works/harbour-cc.jpg'
run 'cp works/harbour-cc.jpg "$DEMO/tampered.jpg" && printf x | dd of="$DEMO/tampered.jpg" bs=1 seek=$(($(wc -c <works/harbour-cc.jpg) - 100)) conv=notrunc 2>/dev/null'
run_fails 'prov c2pa verify "$DEMO/tampered.jpg"'
run 'prov c2pa show works/harbour-cc.jpg'

say "Done. The temporary folder is removed now."
