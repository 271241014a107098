/*
 * core: what every other module of prov builds on.
 *
 * Errors, buffers, encodings, hashing, canonical JSON, keys and signatures
 * (Ed25519, did:key, minisign, SSH signatures), DSSE envelopes, records and
 * the git-backed store.
 *
 * Conventions (see STYLE.md): functions return 0 on success or a negative
 * PROV_E* code, having left a message in the last-error slot; outputs come
 * first; out of memory aborts.
 */
#ifndef PROV_CORE_H
#define PROV_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <jansson.h>

/* ---- errors ------------------------------------------------------------ */

enum {
	PROV_OK = 0,
	PROV_ERROR = -1,     /* anything not named below */
	PROV_ENOTFOUND = -2, /* no such record, key, file or ref */
	PROV_EINVALID = -3,  /* malformed input: a file, an expression, an id */
	PROV_EVERIFY = -4,   /* a check failed: signature, id, integrity */
	PROV_EIO = -5,       /* the operating system refused a read or write */
	PROV_ECONFLICT = -6, /* the same path holds different bytes */
	PROV_ELOCKED = -7,   /* another writer holds the registry */
	PROV_EEXISTS = -8,   /* refusing to overwrite */
	PROV_EPASS = -9,     /* wrong passphrase (or a tampered key file) */
};

/* strerror(e) in lower case, as messages are written. */
const char *errstr(int e);
/* Sets this thread's last error and returns code, so callers can write
 * `return prov_error_set(PROV_EINVALID, "...")`. */
int prov_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefixes the current message with "<context>: ". Returns the current code. */
int prov_error_wrap(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *prov_error_last(void); /* never NULL */
/* Untrusted text as a message may quote it: printable ASCII as is, other
 * bytes as \xNN (a terminal must not interpret them), cut at SHOW_MAX bytes
 * with "...". Returns out. */
#define SHOW_MAX 120
#define SHOW_SIZE (4 * SHOW_MAX + 4)
const char *prov_show(char out[SHOW_SIZE], const char *s, size_t n);
int prov_error_code(void);
void prov_error_clear(void);

/* ---- memory and sizes ------------------------------------------------ */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 0 and *out set, or -1 when the result would overflow size_t. */
int size_add(size_t *out, size_t a, size_t b);
int size_mul(size_t *out, size_t a, size_t b);

/* ---- buffers ------------------------------------------------------------ */

/* A growable byte string. ptr is never NULL and always NUL-terminated.
 * max (0: unlimited) bounds the length, for buffers filled from untrusted
 * input; a write past it fails with PROV_EINVALID and leaves the buffer as
 * it was. */
struct buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max;
};
extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b); /* frees; the buffer is empty again */
void buf_wipe(struct buf *b);    /* zeroes the bytes, then releases */
void buf_clear(struct buf *b);   /* length 0, keeps memory */
char *buf_detach(struct buf *b); /* caller frees; buffer is empty again */
int buf_grow(struct buf *b, size_t extra);
int buf_put(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Reads a whole file, at most max bytes (0: unlimited). */
int buf_read_file(struct buf *b, const char *path, size_t max);

/* Writes data to path atomically (temp file in the same folder, fsync,
 * rename) with the given mode. With excl, fails PROV_EEXISTS if path exists. */
int write_file_atomic(const char *path, const void *data, size_t n, mode_t mode,
		      int excl);
/* The same for a file written in pieces, too large to hold: the pieces go
 * to a temporary file beside path, and path is untouched until commit. */
struct atomic_file {
	int fd;
	const char *path; /* borrowed */
	struct buf tmp;   /* the temporary file's name */
};
int atomic_file_open(struct atomic_file *f, const char *path, mode_t mode);
/* PROV_EIO names path and why (a full disk, a file size limit). */
int atomic_file_write(struct atomic_file *f, const void *data, size_t n);
/* Syncs and renames (with excl, links: PROV_EEXISTS if path exists). The
 * temporary file is gone afterwards, whatever the result. */
int atomic_file_commit(struct atomic_file *f, int excl);
/* Removes the temporary file unless committed; also after a failed open,
 * and more than once. */
void atomic_file_abort(struct atomic_file *f);
/* mkdir -p with mode for the created folders. */
int mkdir_p(const char *path, mode_t mode);

/* Caches kept beside a registry (the claim index, the build cache): the
 * bytes, then a 32-byte keyed BLAKE2b of a tag naming the kind of cache
 * and the bytes, under a secret key kept outside the registry: a cache
 * written by someone without the key, or edited, is not believed.
 * cache_read gives the bytes without the MAC, reading only a regular file
 * (no symlink, at most 2 GiB); PROV_ENOTFOUND, and out empty, for anything
 * else. cache_write replaces the file atomically. */
#define CACHE_KEY_LEN 32
int cache_read(struct buf *out, const char *tag, const char *path,
	       const uint8_t key[CACHE_KEY_LEN]);
int cache_write(const char *tag, const char *path, const void *data, size_t n,
		const uint8_t key[CACHE_KEY_LEN]);

/* ---- encodings ---------------------------------------------------------- */

/* out must hold 2n+1 bytes; lowercase, NUL-terminated. */
void hex_encode(char *out, const uint8_t *in, size_t n);
/* Decodes exactly outlen bytes from 2*outlen hex digits (either case). */
int hex_decode(uint8_t *out, size_t outlen, const char *in, size_t inlen);
/* Standard base64 with padding. */
int base64_encode(struct buf *out, const uint8_t *in, size_t n);
/* Decodes into out (capacity cap); *outlen set. Rejects bad characters and
 * padding, and more than cap bytes. */
int base64_decode(uint8_t *out, size_t cap, size_t *outlen, const char *in,
		  size_t inlen);
int base58_encode(struct buf *out, const uint8_t *in, size_t n);
int base58_decode(uint8_t *out, size_t cap, size_t *outlen, const char *in,
		  size_t inlen);

/* 1 if s is valid UTF-8 (no overlong forms, surrogates or code points
 * past U+10FFFF). */
int utf8_valid(const char *s);
/* A malloc'd copy of s that is valid UTF-8: each byte that is not part of
 * a valid sequence becomes U+FFFD. */
char *utf8_sanitize(const char *s);

/* ---- SHA-256 (OpenSSL EVP; uses the CPU's SHA extensions) --------------- */

struct sha256 {
	void *ctx; /* EVP_MD_CTX */
};
int sha256_init(struct sha256 *h);
int sha256_update(struct sha256 *h, const void *data, size_t n);
int sha256_final(struct sha256 *h, uint8_t out[32]); /* also releases */
void sha256_release(struct sha256 *h);
int sha256_buf(uint8_t out[32], const void *data, size_t n);
/* Streams a file in large reads; *size gets its length. PROV_EIO names it. */
int sha256_file(uint8_t out[32], uint64_t *size, const char *path);
/* Hashes the file that was stat()ed as *expect: opened without following a
 * final symlink unless follow, it must be the same file (device, inode,
 * size, mtime) before and after the read, else PROV_EIO "changed while it
 * was read". */
int sha256_file_checked(uint8_t out[32], const char *path,
			const struct stat *expect, int follow);
/* The same, adding the bytes read to *count as it goes (atomically, so
 * another thread can show progress through a large file). */
int sha256_file_counted(uint8_t out[32], const char *path,
			const struct stat *expect, int follow, uint64_t *count);
/* What caches of this program's verdicts are keyed by, so another build
 * never trusts them: a SHA-256 of the running binary (Linux:
 * /proc/self/exe) and of the versions of libsodium, OpenSSL, jansson and
 * libgit2 it loaded. Computed once; call it before starting threads. */
int prov_build_id(uint8_t out[32]);
/* "sha256:<64 hex>" into out[72]. */
void sha256_id(char out[72], const uint8_t digest[32]);
/* Accepts "sha256:<hex>" or bare 64 hex digits. */
int sha256_id_parse(uint8_t out[32], const char *s);

/* ---- JSON ----------------------------------------------------------------- */

/* Parses untrusted JSON: rejects duplicate keys, NUL in strings, input over
 * 64 MiB. what names the input in the error message. */
int json_parse(json_t **out, const char *data, size_t n, const char *what);
/* The same with another bound, for documents that grow with their data
 * (a payout batch of a million accounts). */
int json_parse_max(json_t **out, const char *data, size_t n, const char *what,
		   size_t max);
/* RFC 8785 (JCS) canonical form. Rejects reals: payloads hold no floats. */
int jcs_encode(struct buf *out, const json_t *v);
/* One string (n bytes of UTF-8) as JCS writes it, quotes included. */
int jcs_encode_string(struct buf *out, const char *s, size_t n);

/* ---- keys and identities ------------------------------------------------ */

#define DID_MAX 64 /* "did:key:z6Mk..." is 56 bytes */
#define KEY_NAME_MAX 64

/* An Ed25519 identity. sk (64 bytes, libsodium layout) lives in
 * sodium_malloc memory and is NULL for a public-only key. */
struct key {
	char name[KEY_NAME_MAX + 1];
	uint8_t pk[32];
	uint8_t *sk;
	uint8_t keyid[8]; /* minisign key id: first 8 bytes of BLAKE2b-256(pk) */
	char did[DID_MAX];
	int encrypted; /* as loaded from a key file: protected by a passphrase */
};

/* Asks for a passphrase into buf (cap bytes, sodium_malloc memory) when a
 * key is encrypted; returns 0 or a PROV_E* code. */
typedef int (*passphrase_fn)(char *buf, size_t cap, const char *prompt,
			     void *payload);

int key_name_check(const char *name);
/* Fills a public-only key (pk, keyid, did) from an Ed25519 public key. */
void key_public_init(struct key *k, const uint8_t pk[32]);
int key_generate(struct key **out, const char *name);
/* Writes the secret key file (0600, never overwriting). passphrase NULL or
 * "" stores it unencrypted (the MAC still detects corruption). */
int key_save(const struct key *k, const char *path, const char *passphrase);
/* Loads the public half only (no passphrase needed). */
int key_load_public(struct key **out, const char *path);
/* Loads and decrypts; calls ask only if the file is encrypted. */
int key_load(struct key **out, const char *path, passphrase_fn ask,
	     void *payload);
void key_free(struct key *k); /* wipes the secret */
/* The encrypted part of a key file, shared by every kind of key: seals n
 * secret bytes under a key derived from passphrase (Argon2id; NULL or ""
 * for none, the MAC still detecting damage) with ad bound to them, into
 * doc's "kdf", "cipher", "nonce" and "ciphertext" fields. */
int secret_seal(json_t *doc, const uint8_t *secret, size_t n,
		const uint8_t *ad, size_t adlen, const char *passphrase);
/* secret_seal, then doc as canonical JSON and a newline into a new file
 * at path: 0600, written atomically, never over an existing file
 * (PROV_EEXISTS). */
int secret_save(const char *path, json_t *doc, const uint8_t *secret,
		size_t n, const uint8_t *ad, size_t adlen,
		const char *passphrase);
/* Opens them into secret (n bytes, the caller's sodium_malloc memory),
 * calling ask (prompting with name) only when encrypted. PROV_EPASS for a
 * wrong passphrase or damaged file, PROV_EINVALID naming path for a
 * malformed one. */
int secret_open(uint8_t *secret, size_t n, const json_t *doc,
		const uint8_t *ad, size_t adlen, const char *name,
		const char *path, passphrase_fn ask, void *payload);
int key_sign(uint8_t sig[64], const struct key *k, const void *msg, size_t n);
int ed25519_verify(const uint8_t sig[64], const uint8_t pk[32], const void *msg,
		   size_t n);

/* did:key for an Ed25519 public key (multicodec 0xed01, base58btc). */
int did_from_pk(char out[DID_MAX], const uint8_t pk[32]);
int did_to_pk(uint8_t pk[32], const char *did);

/* ---- minisign formats ------------------------------------------------------ */

/* "untrusted comment: ...\n<base64(Ed || keyid || pk)>\n" */
int minisign_pubkey_format(struct buf *out, const struct key *k);
int minisign_pubkey_parse(uint8_t keyid[8], uint8_t pk[32], const char *data,
			  size_t n);
/* Signs a file (prehashed, "ED": BLAKE2b-512 of the contents). */
int minisign_sign_file(struct buf *out, const struct key *k, const char *path,
		       const char *trusted_comment);
/* Verifies sig (a .minisig file's bytes) over the file at path. On success
 * *trusted_comment (if not NULL) is set to a malloc'd copy. */
int minisign_verify_file(const char *sig, size_t siglen, const uint8_t keyid[8],
			 const uint8_t pk[32], const char *path,
			 char **trusted_comment);

/* ---- SSH formats ----------------------------------------------------------- */

/* "ssh-ed25519 <base64> <comment>\n" */
int ssh_pubkey_format(struct buf *out, const uint8_t pk[32], const char *comment);
/* An armored SSHSIG (PROTOCOL.sshsig) over msg with namespace ns and
 * SHA-512: what `ssh-keygen -Y sign` and git's SSH commit signing produce. */
int sshsig_sign(struct buf *out, const struct key *k, const char *ns,
		const void *msg, size_t n);
/* Verifies an armored SSHSIG; *pk gets the signer's key. */
int sshsig_verify(uint8_t pk[32], const char *armored, size_t len,
		  const char *ns, const void *msg, size_t n);

/* ---- DSSE envelopes ------------------------------------------------------- */

struct dsse_sig {
	char *keyid; /* a did:key */
	uint8_t sig[64];
};
struct dsse {
	char *payload_type;
	struct buf payload;
	struct dsse_sig *sigs;
	size_t nsigs;
};

/* "DSSEv1 <len> <type> <len> <body>" */
int dsse_pae(struct buf *out, const char *type, const void *body, size_t n);
/* A one-signature envelope as canonical JSON. */
int dsse_sign(struct buf *out, const char *payload_type, const void *payload,
	      size_t n, const struct key *k);
/* Parses an envelope; signatures that are not Ed25519 did:keys are an error. */
int dsse_parse(struct dsse *out, const char *json, size_t n);
/* Every signature must verify; PROV_EVERIFY names the first that does not. */
int dsse_verify(const struct dsse *env);
void dsse_release(struct dsse *env);

/* ---- records ---------------------------------------------------------------- */

#define RECORD_ID_MAX 72
#define PAYLOAD_TYPE_PREFIX "application/vnd.prov."
#define PAYLOAD_TYPE_SUFFIX ".v1+json"
/* A run is an in-toto Statement v1 with prov's predicate (docs/records.md). */
#define INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define INTOTO_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define RUN_PREDICATE_TYPE "urn:prov:training-run:v1"

/* A signed registry entry: a JCS payload in a DSSE envelope. */
struct record {
	char id[RECORD_ID_MAX]; /* sha256:<hex> of the canonical payload */
	char kind[32];
	json_t *payload;
	struct dsse env;
	struct buf raw; /* the envelope's bytes as stored */
};

int record_kind_valid(const char *kind);
/* Canonicalizes payload (which must have "kind", or be an in-toto
 * statement of a run: "_type" and "predicateType", no "kind"), signs it
 * under its payloadType, and returns the envelope bytes and the id. */
int record_create(struct buf *envelope, char id[RECORD_ID_MAX],
		  const json_t *payload, const struct key *k);
/* Parses stored bytes and recomputes the id; checks that the payload is in
 * canonical form and its kind matches the payloadType (a run: in-toto's,
 * with prov's predicateType). Does not verify
 * signatures (record_verify does). */
int record_parse(struct record **out, const char *data, size_t n);
/* Every signature verifies, and the record's actor (a work's creator, an
 * opt-out's "by", a run's predicate.provider, ...) is among the signers. */
int record_verify(const struct record *r);
void record_free(struct record *r);
/* The store path of a record: works by content hash, others by kind. */
int record_path(struct buf *out, const struct record *r);
int record_store_path(struct buf *out, const char *kind, const char *id,
		      const json_t *payload);
/* Checks that a path is where a record with this id and payload belongs. */
int record_path_check(const struct record *r, const char *path);

/* ---- Merkle trees (OpenZeppelin StandardMerkleTree) ------------------- */

/* One construction for dataset items, anchor batches and payout batches,
 * so @openzeppelin/merkle-tree and MerkleProof.sol check our roots and
 * proofs: leaf = keccak256(keccak256(abi.encode(values))), parent =
 * keccak256 of the sorted pair, leaves sorted by hash, the tree laid out as
 * an array of 2n-1 nodes with the i-th sorted leaf at node 2n-2-i. */
struct merkle {
	size_t nleaves;
	uint8_t (*nodes)[32]; /* 2n-1 nodes; nodes[0] is the root */
	size_t *where;        /* leaf given at position i -> its node index */
};

/* Leaf hashes for the value types the trees use. */
void merkle_leaf_bytes32(uint8_t out[32], const uint8_t value[32]);
/* (address, uint256): amount as 32 big-endian bytes. */
void merkle_leaf_address_uint256(uint8_t out[32], const uint8_t addr[20],
				 const uint8_t amount[32]);
/* Builds a tree over n >= 1 leaf hashes (in any order). PROV_EINVALID for
 * n == 0. */
int merkle_build(struct merkle **out, const uint8_t (*leaves)[32], size_t n);
void merkle_free(struct merkle *m);
/* The proof for the leaf given at position i: *n sibling hashes into
 * proof (malloc'd), leaf to root. */
int merkle_proof(uint8_t (**proof)[32], size_t *n, const struct merkle *m,
		 size_t i);
/* 0 if leaf and proof lead to root, PROV_EVERIFY otherwise. */
int merkle_verify(const uint8_t root[32], const uint8_t leaf[32],
		  const uint8_t (*proof)[32], size_t n);

/* ---- work records ------------------------------------------------------- */

/* The CAWG training-and-data-mining uses, in this order. */
#define TRAINING_USES 4
extern const char *const training_uses[TRAINING_USES];
/* Index of a use in training_uses, or -1. */
int training_use_index(const char *use);

/* What a creator claims about one file. license is an SPDX expression
 * already checked; payout (CAIP-10) and training values ("allowed",
 * "notAllowed", "constrained") may be NULL for "not stated". */
struct work_claim {
	uint8_t sha256[32];
	uint64_t size;
	const char *name;
	const char *media_type;
	const char *license;
	const char *payout;
	const char *training[TRAINING_USES];
	const char *fingerprint; /* "dct48:<hex>" of a JPEG's pixels, or NULL */
};
/* Builds a work payload, signed later by record_create. */
json_t *work_payload(const struct work_claim *c, const char *creator,
		     int64_t created);
/* 1 when two work payloads make the same claim: content, creator, license,
 * payout and training permissions (the file name and time may differ). */
int work_same_claim(const json_t *a, const json_t *b);

/* ---- files named in records, challenges --------------------------------- */

/* A file a record names by hash: a model's weights, a challenge's evidence.
 * name is the base name, borrowed. */
struct file_digest {
	const char *name;
	uint8_t sha256[32];
	uint64_t size;
};
/* [{"name", "sha256", "size"}], sorted by name (then digest, then size) so
 * the same files always give the same bytes. */
json_t *file_digests_json(const struct file_digest *v, size_t n);
/* PROV_EINVALID naming the first base name given twice ("two <what> files
 * are named ..."). */
int file_digests_unique(const struct file_digest *v, size_t n, const char *what);
/* 1 if id is a full record id as payloads hold it: "sha256:" and 64
 * lowercase hex digits. */
int record_id_full(const char *id);

/* Payloads of a dispute of any record (target, a full id) and of a verdict
 * on one (challenge, a full id). reason must be UTF-8; by is the signer's
 * did. */
json_t *challenge_payload(const char *by, const char *target, const char *reason,
			  const struct file_digest *evidence, size_t n,
			  int64_t created);
json_t *resolution_payload(const char *by, const char *challenge, int upheld,
			   const char *reason, int64_t created);

/* ---- the store -------------------------------------------------------------- */

struct store;

/* Creates DIR/.prov as a bare git repository; PROV_EEXISTS if present. */
int store_init(const char *dir);
/* Opens the registry: DIR/.prov, or DIR itself when it is one. */
int store_open(struct store **out, const char *dir);
void store_free(struct store *s);
const char *store_path(const struct store *s); /* the .prov folder */
void *store_repo(struct store *s);                 /* git_repository */

/* Takes the writer lock, waiting up to timeout_ms. */
int store_lock(struct store *s, int timeout_ms);
void store_unlock(struct store *s);

/* A write transaction: objects go to memory until store_commit packs them
 * into one pack and moves the branch; store_abort discards them. */
int store_begin(struct store *s);
/* Stages data at path. Returns 0 when added, 1 when the same bytes are
 * already there, PROV_ECONFLICT when different bytes are. */
int store_put(struct store *s, const char *path, const void *data, size_t n);
/* Commits the staged paths, signed with k; *staged (optional) gets the
 * number of paths added. Nothing staged is not an error: no commit is made
 * and commit_hex is set to "". commit_hex needs 41 bytes. */
int store_commit(struct store *s, const struct key *k, const char *message,
		 char *commit_hex);
void store_abort(struct store *s);

/* Reads a file of the current tip. */
int store_read(struct buf *out, struct store *s, const char *path);
/* Reads the blob named by its SHA-256 (blobs/<aa>/<hex>) and checks its
 * bytes against the name: PROV_EVERIFY, naming the hash found, when they
 * differ. Not to be called while other threads use the store. */
int store_read_blob(struct buf *out, struct store *s, const char *sha256_hex);
/* Calls fn for every file under prefix ("" for all) at the tip, in tree
 * order; a non-zero return from fn stops the walk and is returned. */
typedef int (*store_walk_fn)(const char *path, const void *data, size_t n,
			     void *payload);
int store_walk(struct store *s, const char *prefix, store_walk_fn fn,
	       void *payload);
/* Lists files under prefix without reading them. */
typedef int (*store_list_fn)(const char *path, void *payload);
int store_list(struct store *s, const char *prefix, store_list_fn fn,
	       void *payload);
int store_has_commits(struct store *s);
/* The commit the reads see (hex, in id[41]); 1 and "" for an empty
 * registry. */
int store_tip(struct store *s, char id[41]);
/* The git object id (hex) of the file or folder at path in the tip; 1 and
 * "" when there is none. Equal ids, equal contents. */
int store_entry_id(struct store *s, const char *path, char id[41]);

/* History, oldest first: for each commit, fn gets the commit and the paths it
 * added, changed and deleted (relative to its first parent). */
struct store_commit_info {
	char id[41];
	int64_t time;
	const char *summary;
	const char *author;
	int signed_ok;      /* 1 good SSH signature, 0 none, -1 bad */
	char signer_did[DID_MAX];
	size_t nparents;
};
enum store_change { STORE_ADDED, STORE_MODIFIED, STORE_DELETED };
typedef int (*store_history_fn)(const struct store_commit_info *c,
				enum store_change change, const char *path,
				void *payload);
/* fn is called once per commit with path NULL, then once per change. With
 * prefix (may be NULL) only changes under it are reported. */
int store_history(struct store *s, const char *prefix, store_history_fn fn,
		  void *payload);

/* What changed under prefix between commit from (hex) and the tip: fn gets
 * STORE_DELETED with the path (data NULL) and STORE_ADDED with the bytes; a
 * changed file comes as both. PROV_ENOTFOUND when from is not a commit
 * here. */
typedef int (*store_diff_fn)(enum store_change change, const char *path,
			     const void *data, size_t n, void *payload);
int store_diff(struct store *s, const char *from, const char *prefix,
	       store_diff_fn fn, void *payload);

/* Remotes: a git remote by name and URL (a path or file:// URL). */
int store_remote_add(struct store *s, const char *name, const char *url);
typedef int (*store_remote_fn)(const char *name, const char *url, void *payload);
int store_remote_list(struct store *s, store_remote_fn fn, void *payload);
/* Pushes the branch; a remote ahead of us is PROV_ECONFLICT. */
int store_push(struct store *s, const char *name);
/* Fetches the remote branch into refs/remotes/NAME/main and returns its tip
 * commit (hex) in theirs[41], "" if the remote is empty. */
int store_fetch(struct store *s, const char *name, char theirs[41]);
/* Merges commit theirs into the branch as a union of files; the same path
 * with different bytes is PROV_ECONFLICT naming the path. Calls check on every
 * file that is new to us before anything is written. *added gets the number
 * of new files. A merge commit is signed with k; with k NULL and a merge
 * commit needed, nothing is written and STORE_NEEDS_KEY (positive) is
 * returned, so the caller can load an identity only when one is needed. */
#define STORE_NEEDS_KEY 1
typedef int (*store_check_fn)(const char *path, const void *data, size_t n,
			      void *payload);
int store_merge(struct store *s, const char *theirs, const struct key *k,
		store_check_fn check, void *payload, size_t *added);

/* ---- stat cache --------------------------------------------------------------- */

/* (path, size, mtime, ctime, inode) -> sha256, kept beside the repository so
 * unchanged files are not hashed again. Entries are trusted only when the
 * file's mtime is older than the cache's write time (git's "racy" rule). */
struct statcache;
int statcache_open(struct statcache **out, const char *file);
/* 1 and digest set when a valid entry matches st; 0 otherwise. */
int statcache_get(struct statcache *c, const char *path,
		  const struct stat *st, uint8_t digest[32]);
void statcache_set(struct statcache *c, const char *path,
		   const struct stat *st, const uint8_t digest[32]);
/* Writes the cache back when an entry was set (atomically; PROV_EIO). */
int statcache_save(struct statcache *c);
void statcache_free(struct statcache *c);
/* A cache (never saved) from the bytes of a cache file, which are
 * untrusted: bytes that do not parse give an empty cache and
 * PROV_EINVALID. *out is set either way; free it with statcache_free(). */
int statcache_parse(struct statcache **out, const void *data, size_t n);
/* Appends the bytes of c's cache file, with written (ns) as its time. */
void statcache_format(struct buf *out, const struct statcache *c,
		      uint64_t written);

/* ---- Keccak and accounts ------------------------------------------------ */

/* Keccak-256 as Ethereum uses it (original padding, not SHA3-256). */
void keccak256(uint8_t out[32], const void *data, size_t n);

/* A CAIP-10 account on an EVM chain: "eip155:<chain id>:0x<40 hex>". */
struct account {
	uint64_t chain_id;
	uint8_t addr[20];
	char text[72]; /* normalised: eip155:<id>:<EIP-55 checksummed address> */
};
/* Parses a CAIP-10 eip155 account. The address must be 40 hex digits; when
 * it mixes cases its EIP-55 checksum must be right (PROV_EINVALID saying so,
 * with the expected spelling). */
int account_parse(struct account *out, const char *s);
/* "0x" + EIP-55 checksummed hex into out[43]. */
void address_checksum(char out[43], const uint8_t addr[20]);
/* An address alone, "0x" + 40 hex digits, checked as in account_parse. */
int address_parse(uint8_t out[20], const char *s);

/* ---- sets of files ---------------------------------------------------------- */

/* Files named on a command line or found under folders, hashed in parallel
 * through the stat cache: what register, optout and manifest build share. */
struct file_entry {
	char *path;      /* as found: the name the user knows it by */
	struct stat st;  /* at collection time */
	int follow;      /* named directly: a symlink there is followed */
	uint8_t sha256[32];
	int cached;      /* the digest came from the stat cache */
	int err;         /* PROV_E* if hashing failed */
	char *errmsg;
};
struct fileset {
	struct file_entry *v;
	size_t n, cap;
	size_t skipped; /* symlinks and special files met under folders */
};

/* Adds paths: files, and with recursive the regular files under folders
 * (not following symlinks, skipping .git and .prov), each with its
 * lstat(). A missing path, a folder without recursive or a special file is
 * an error naming it, as is a folder or file under one that cannot be
 * read. The set ends up sorted by path (strcmp). */
int fileset_add(struct fileset *fs, char *const *paths, size_t n, int recursive);
/* Hashes every entry, many at once (parallel_for_io: small files are
 * bound by reads, not CPU), unchanged files from the cache (which may be
 * NULL). progress (optional) is called from the calling thread only.
 * Returns the first failure (every entry's err says its own). */
typedef void (*progress_fn)(size_t done, size_t total, void *payload);
int fileset_hash(struct fileset *fs, struct statcache *cache, progress_fn progress,
		 void *payload);
/* Records the new digests in the cache. */
void fileset_cache_update(struct fileset *fs, struct statcache *cache);
void fileset_release(struct fileset *fs);

/* ---- misc ------------------------------------------------------------------- */

/* RFC 3339 UTC "2026-01-02T03:04:05Z". */
void time_rfc3339(char out[32], int64_t t);
/* Seconds since the epoch of an RFC 3339 time ("2026-01-02T03:04:05Z", or
 * with a fraction and a +hh:mm offset; the fraction is dropped).
 * PROV_EINVALID quoting s otherwise. */
int time_parse_rfc3339(int64_t *out, const char *s);
/* Guesses a media type from a file name's extension. */
const char *media_type_guess(const char *name);
/* Calls fn(i, payload) for every i in [0, n), spread over the machine's
 * cores (at most 16 threads, the calling one among them). fn must be safe
 * to run concurrently for different i. */
void parallel_for(size_t n, void (*fn)(size_t i, void *payload), void *payload);
/* The same for work that mostly waits on reads (hashing many files): at
 * least 16 threads, at most 64, so the disk sees many reads at once, and
 * taking i from as many far-apart parts of [0, n) (no order is promised). */
void parallel_for_io(size_t n, void (*fn)(size_t i, void *payload), void *payload);
/* Library setup; call once before anything else. */
int core_init(void);

#include "banned.h"

#endif
