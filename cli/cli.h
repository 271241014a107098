/* Shared by the `prov` commands: option tables that also print --help,
 * error reporting and exit codes, finding the registry and identities. */
#ifndef PROV_CLI_H
#define PROV_CLI_H

#include "core/core.h"
#include "chain/chain.h"

/* Exit statuses (STYLE.md): 1 when a check fails, 2 when the command could
 * not run as asked (usage, invalid input, missing files). */
enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2 };
/* cli_parse's result when it printed --help: the command exits 0. */
#define CLI_HELP (-1)
#define CLI_EXIT(rc) ((rc) == CLI_HELP ? EXIT_OK : (rc))

struct strlist {
	char **v;
	size_t n;
};
void strlist_push(struct strlist *l, const char *s);
void strlist_release(struct strlist *l);
void strlist_sort(struct strlist *l); /* bytewise */
int strlist_has(const struct strlist *l, const char *s);

enum opt_type { OPT_FLAG, OPT_STRING, OPT_LIST, OPT_END };
struct opt {
	const char *name; /* long name, without "--" */
	char short_name;  /* 0 for none */
	enum opt_type type;
	void *value;      /* int *, const char **, struct strlist * */
	const char *arg;  /* argument name for --help */
	const char *help;
};
#define OPT_FLAG_(n, s, v, h) { n, s, OPT_FLAG, v, NULL, h }
#define OPT_STR(n, s, v, a, h) { n, s, OPT_STRING, v, a, h }
#define OPT_LIST_(n, s, v, a, h) { n, s, OPT_LIST, v, a, h }
#define OPT_JSON(v) { "json", 0, OPT_FLAG, v, NULL, "print JSON for scripts" }
#define OPT_AS(v) { "as", 0, OPT_STRING, v, "NAME", "the identity that signs (default: the only one, or $PROV_IDENTITY)" }
#define OPT_END_ { NULL, 0, OPT_END, NULL, NULL, NULL }
/* The chain commands' options. */
#define OPT_RPC(v) { "rpc", 0, OPT_LIST, v, "URL", "a JSON-RPC endpoint; several are tried in turn" }
#define OPT_CHAIN_KEY(v) { "key", 0, OPT_STRING, v, "NAME", "the chain key that pays ('prov chain key new')" }

struct cmd_help {
	const char *usage;   /* "prov register PATH... [options]" */
	const char *summary; /* one paragraph */
	int min_args, max_args; /* positional arguments; max -1: unlimited */
	int registry;           /* the command opens a registry (--registry) */
};

/* Parses argv[1..] (argv[0] is the command). Positional arguments are
 * returned in *args. Returns 0 to run, CLI_HELP when --help was printed,
 * or EXIT_USAGE after printing the error. */
int cli_parse(int argc, char **argv, const struct cmd_help *h,
	      const struct opt *opts, struct strlist *args);

/* The program's name in messages: "prov", or "prov-indexer". */
extern const char *cli_program;
/* Prints "prov: <last error>" and returns the exit status for rc. */
int cli_fail(int rc);
/* Prints "prov: <message>" and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --registry DIR, set by main from the global options. */
extern const char *cli_registry_opt;
/* Opens the registry: --registry, $PROV_REGISTRY, the nearest .prov above
 * the current folder, or $PROV_HOME/registry. */
int cli_open_store(struct store **out);
/* How long a writer waits for another to finish: $PROV_LOCK_WAIT_MS, or
 * 10 s. */
int cli_lock_wait_ms(void);
/* $PROV_HOME (default ~/.config/prov), and its keys folder. */
const char *cli_home(void);
int cli_key_path(struct buf *out, const char *name);
/* The secret key of this user's caches of registry data ($PROV_HOME/
 * cache.key, 32 random bytes, mode 0600, made on first use), in
 * sodium_malloc memory: free it with sodium_free. NULL when there is none
 * to be had (the caches are then not used; a key file others can read is
 * refused with a warning). */
uint8_t *cli_cache_key(void);
/* A file of did:keys, one per line (blank lines and # comments skipped),
 * appended to out; PROV_EINVALID names the first line that is not one. */
int cli_read_dids(struct strlist *out, const char *file);

/* A command made of subcommands (prov manifest build, ...): runs the one
 * argv[1] names; -h/--help prints help (usage lines, a blank line, what
 * the command is for); anything else is a usage error listing the names. */
struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
};
int cli_subcommand(int argc, char **argv, const char *command,
		   const struct subcommand *subs, size_t n, const char *help);
#define CLI_SUBCOMMAND(argc, argv, command, subs, help) \
	cli_subcommand(argc, argv, command, subs, sizeof(subs) / sizeof(*(subs)), help)

/* The signing identity: name, else $PROV_IDENTITY, else the only key. */
int cli_load_identity(struct key **out, const char *name);
/* --allow and --deny USE lists into training values ("allowed",
 * "notAllowed"); PROV_EINVALID for an unknown use or one in both. */
int cli_parse_uses(const char *training[TRAINING_USES],
		   const struct strlist *allow, const struct strlist *deny);
/* The passphrase callback: $PROV_PASSPHRASE, else a prompt on the terminal. */
int cli_passphrase(char *buf, size_t cap, const char *prompt, void *payload);
/* A new key's passphrase into pass (sodium_malloc, CLI_PASS_MAX bytes):
 * $PROV_PASSPHRASE, or typed twice; an empty one is refused. */
#define CLI_PASS_MAX 1024
int cli_new_passphrase(char *pass);

/* s as it may be printed on a terminal: C0 and C1 control characters, DEL
 * and invalid UTF-8 as \xNN, NULL as "(none)". Record fields and file names
 * are untrusted: they go through this before any printf. The result lives
 * until eight more calls on this thread. */
const char *cli_esc(const char *s);
/* Prints a JSON value followed by a newline, indented. */
void cli_print_json(const json_t *v);
/* stderr is a terminal: draw progress. */
int cli_progress_enabled(void);
void cli_progress(const char *what, size_t done, size_t total);
void cli_progress_end(void);


/* ---- records as the commands show them (cli/records.c) ------------------ */

/* The kind a store path holds: "work" under works/, <kind> under
 * records/<kind>/, NULL for anything else. */
const char *cli_path_kind(const char *path, char kind[32]);
/* Where the record with this id ("sha256:<hex>" or a unique hex prefix of
 * 8 or more digits) is stored, of any kind, without reading it: *path
 * (malloc'd) and its full id (optional). PROV_ENOTFOUND when there is none,
 * PROV_EINVALID for a malformed or ambiguous id. */
int cli_find_path(char **path, char id[RECORD_ID_MAX], struct store *s,
		  const char *arg);
/* Finds a record by id ("sha256:<hex>" or a unique hex prefix of 8 or more
 * digits); *path (optional, malloc'd) gets where it is stored, set even
 * when the record there does not parse. */
int cli_find_record(struct record **out, char **path, struct store *s,
		    const char *id);
/* A record as JSON for --json: id, kind, path, payload, signatures (each
 * with "valid"). */
json_t *cli_record_json(const struct record *r, const char *path);
/* A record as text for people. */
void cli_print_record(const struct record *r, const char *path);
/* The model an argument names: a record id or unique prefix (8+ hex
 * digits), or a name (the latest of that name); with by_weight also a
 * weight file or its SHA-256 (the latest model listing it; when none, the
 * error says whether a run names it). Only records that verify count;
 * ties in time go to the higher id. */
int cli_model_resolve(char id[RECORD_ID_MAX], struct store *s, const char *arg,
		      int by_weight);

/* The challenges whose target is the record id, in the registry's tree
 * order, each with its resolutions: [{"id", "by", "reason", "evidence",
 * "created", "valid", "resolutions": [{"id", "by", "outcome", "reason",
 * "created", "valid"}]}]. Records that do not parse are left out (prov
 * verify names them). */
json_t *cli_challenges_json(struct store *s, const char *id);
void cli_print_challenges(const json_t *challenges);

/* A required text option (--reason): 0, or EXIT_USAGE after saying why
 * (missing, empty, longer than max bytes, not UTF-8). */
int cli_text_arg(const char *cmd, const char *opt, const char *s, size_t max);
/* Hashes files named on the command line (not folders) through the
 * registry's stat cache, as file_digests named by base name into *out
 * (malloc'd; names borrowed from fs, which the caller releases). */
int cli_hash_files(struct file_digest **out, struct fileset *fs,
		   const struct strlist *paths, struct store *s);

/* A dataset manifest found by name. */
struct cli_dataset {
	const char *name, *version; /* version NULL: the latest */
	struct record *best;
	char *path;
	json_t *all; /* with list: every dataset record's payload + id */
};
/* NAME or NAME@V: the record (the latest version for a bare NAME), not yet
 * verified; PROV_ENOTFOUND "no dataset 'NAME@V'". */
int cli_find_dataset(struct cli_dataset *f, struct store *s, const char *spec);
/* Appends every dataset record's payload, with its "id", to all. */
int cli_list_datasets(json_t *all, struct store *s);
void cli_dataset_release(struct cli_dataset *f);
/* Where a blob is stored: blobs/<aa>/<hex>. */
void cli_blob_path(struct buf *out, const char *hex);
/* A dataset's blob (field "items" or "excluded_items" of its payload),
 * checked against the hash the record names: PROV_EVERIFY if altered. */
int cli_read_blob(struct buf *out, struct store *s, const json_t *payload,
		  const char *field);

/* ---- X.509 certificates for identities (cli/cert.c) ------------------- */

/* The CA `prov id cert` issues from unless told: $PROV_HOME/ca/prov-root.
 * key (its Ed25519 key, encrypted like an identity's) and .pem (its
 * self-signed root certificate, 10 years). */
#define CLI_CA_DEFAULT "prov-root"
#define CLI_CERT_DAYS_MAX 3650
/* c2pa-kp-claimSigning, beside emailProtection in every leaf. */
#define CLI_C2PA_CLAIM_SIGNING "1.3.6.1.4.1.62558.2.1"

/* What cli_cert_issue made, for printing. */
struct cli_cert {
	char name[KEY_NAME_MAX + 1], ca[KEY_NAME_MAX + 1], did[DID_MAX];
	char path[4096], root_path[4096];
	char subject[256], issuer[256];
	char not_before[21], not_after[21]; /* 2026-01-01T00:00:00Z */
	char serial[41];		    /* hex */
	char fingerprint[72];		    /* sha256:<hex of the DER> */
	int ca_created;
};
/* Issues identity name (only its public key is read) a C2PA signer
 * certificate valid for days (1..CLI_CERT_DAYS_MAX) from the CA ca (NULL:
 * CLI_CA_DEFAULT), stored as $PROV_HOME/certs/NAME.pem (replaced
 * atomically). The CA's key is loaded with cli_passphrase; a CA that does
 * not exist is made first, its key encrypted with the passphrase new_pass
 * gets. root_out (optional) receives a copy of the root's PEM. Each file
 * is written whole or not at all. PROV_ENOTFOUND for an unknown identity,
 * PROV_EINVALID for bad days or names, PROV_EIO naming the file. */
int cli_cert_issue(struct cli_cert *out, const char *name, const char *ca,
		   int days, const char *root_out, int (*new_pass)(char *pass));
/* k->name's x5chain for a COSE signature: DER, leaf first, without the
 * root (so only the leaf). Free each with buf_release, then *out with
 * free. PROV_ENOTFOUND when k has no certificate, PROV_EINVALID when it
 * is not for k->pk (both say to run prov id cert NAME). */
int cli_cert_chain(struct buf **out, size_t *n, const struct key *k);
/* The root certificate (PEM) of CA ca_name (NULL: CLI_CA_DEFAULT), for
 * trust lists. PROV_ENOTFOUND when there is no such CA. */
int cli_cert_root_pem(struct buf *out, const char *ca_name);

/* A bytes32 inclusion proof as JSON: {"root", "leaf": [value], "proof":
 * [...], "types"?: ["bytes32"]}, as 'prov manifest prove', 'prov anchor
 * proof' and @openzeppelin/merkle-tree write it. */
struct cli_proof {
	json_t *doc;
	uint8_t root[32], value[32];
	uint8_t (*proof)[32];
	size_t n;
};
/* Reads one (at most 1 MiB); on error prints it and returns the exit
 * status. */
int cli_proof_read(struct cli_proof *p, const char *file);
/* 0 if the proof leads from the value's leaf to the root. */
int cli_proof_check(const struct cli_proof *p);
void cli_proof_release(struct cli_proof *p);

/* ---- the chain (cli/cmd_chain.c, cli/anchors.c) ------------------------ */

struct chain_key;
struct rpc_client;
/* The passphrase of a chain key: $PROV_CHAIN_PASSPHRASE, else as
 * cli_passphrase (so one PROV_PASSPHRASE can serve both keys). */
int cli_chain_passphrase(char *buf, size_t cap, const char *prompt,
			 void *payload);
/* A number option from lo to hi into *out (left alone when s is NULL);
 * otherwise prints the usage error and returns its exit status. */
int cli_parse_count(unsigned *out, const char *s, const char *opt, unsigned lo,
		    unsigned hi);
/* Loads $PROV_HOME/chain/NAME.key; PROV_ENOTFOUND naming it. */
int cli_load_chain_key(struct chain_key **out, const char *name);
/* A client for the --rpc endpoints and the chain id they report; with
 * want ("eip155:N", from --chain), PROV_EINVALID if the chain differs. */
int cli_rpc_open(struct rpc_client **out, uint64_t *chain_id,
		 const struct strlist *urls, const char *want);

/* 1 and the id in id when path is a record that anchors cover: every
 * record file but anchor records themselves (their transaction anchors
 * them); blobs are covered by their record's id. */
int cli_anchorable(char id[RECORD_ID_MAX], const char *path);
/* Every anchor record of the registry, with its proofs blob. */
struct cli_anchor {
	char id[RECORD_ID_MAX];
	char *path;
	json_t *payload;
	struct anchor_info info; /* borrows payload */
	struct buf proofs;
	char *problem; /* why the record or its blob does not hold; NULL */
};
struct cli_anchors {
	struct cli_anchor *v;
	size_t n;
	json_t *covered; /* "sha256:<hex>" -> index in v of a sound anchor */
};
/* Reads them all; an anchor record that does not verify, or whose blob
 * is missing or does not lead to its root, is kept with its problem and
 * covers nothing. */
int cli_anchors_load(struct cli_anchors *out, struct store *s);
void cli_anchors_release(struct cli_anchors *a);
/* prov verify --chain (cli/verify_chain.c): the exit status. */
int cli_verify_chain(struct store *s, const struct strlist *args,
		     const struct strlist *rpcs, const char *chain, int json);


/* ---- royalties (cli/royalties.c, docs/royalties.md) -------------------- */

struct payout_doc;
/* What a payout batch is computed from. */
struct royalties_inputs {
	const char *period, *asset, *by;
	const json_t *policy;        /* NULL: the default policy */
	const struct strlist *usage; /* record ids; NULL: every usage record
				      * of period and asset that verifies */
	const uint8_t *cache_key;    /* the claim index's, or NULL */
	int refuse_later;            /* fail when a later period is paid */
	struct strlist *skipped;     /* out: usage records that do not verify */
	char same[RECORD_ID_MAX];    /* out: the payout of period and asset
				      * already in the registry, or "" */
};
/* The batch the registry gives for in, signed by nobody yet (its id is
 * that of its payload). Release out either way. */
int royalties_compute(struct payout_doc *out, struct store *s,
		      struct royalties_inputs *in);
/* A batch file, or a payout record id (or unique prefix) in s (may be
 * NULL), whole and checked. Release out either way. */
int royalties_doc_load(struct payout_doc *out, struct store *s,
		       const char *arg);

#endif
