/* prov id new|list|show|export|cert: Ed25519 identities in $PROV_HOME/keys,
 * and their X.509 certificates for C2PA signing (cli/cert.c). */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/commands.h"

#define PASS_MAX CLI_PASS_MAX

int cli_new_passphrase(char *pass)
{
	char *again = sodium_malloc(PASS_MAX);
	int rc;

	if (!again)
		abort();
	if ((rc = cli_passphrase(pass, PASS_MAX, "the new key", NULL)))
		goto done;
	if (!getenv("PROV_PASSPHRASE")) {
		if ((rc = cli_passphrase(again, PASS_MAX, "the new key (again)",
					 NULL)))
			goto done;
		if (strcmp(pass, again)) {
			rc = prov_error_set(PROV_EINVALID, "passphrases differ");
			goto done;
		}
	}
	if (!*pass)
		rc = prov_error_set(PROV_EINVALID,
				    "empty passphrase (use --no-passphrase to "
				    "store the key unencrypted)");
done:
	sodium_free(again);
	return rc;
}

static int id_new(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov id new NAME [--no-passphrase] [--json]",
		"Creates an Ed25519 identity, stores its secret key encrypted "
		"(Argon2id, XChaCha20-Poly1305) in $PROV_HOME/keys/NAME.key, and "
		"prints its did:key. The passphrase comes from PROV_PASSPHRASE or "
		"the terminal.",
		1, 1, 0,
	};
	int json = 0, nopass = 0, rc;
	const struct opt opts[] = {
		OPT_FLAG_("no-passphrase", 0, &nopass,
			  "store the secret key unencrypted"),
		OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 };
	struct buf path = BUF_INIT, dir = BUF_INIT;
	struct key *k = NULL;
	char *pass = sodium_malloc(PASS_MAX);

	if (!pass)
		abort();
	pass[0] = '\0';
	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	buf_printf(&dir, "%s/keys", cli_home());
	if (cli_key_path(&path, args.v[0]) || mkdir_p(dir.ptr, 0700) ||
	    (!nopass && cli_new_passphrase(pass)) || key_generate(&k, args.v[0]) ||
	    key_save(k, path.ptr, nopass ? NULL : pass)) {
		rc = cli_fail(prov_error_code());
		if (prov_error_code() == PROV_EEXISTS)
			fprintf(stderr, "prov: an identity named '%s' exists\n",
				args.v[0]);
		goto done;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:b}", "name", k->name, "did",
				      k->did, "encrypted", !nopass);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s\n", k->did);
	}
done:
	sodium_free(pass);
	key_free(k);
	buf_release(&path);
	buf_release(&dir);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static json_t *key_json(const struct key *k, const char *path)
{
	struct buf ssh = BUF_INIT;
	char keyid[17];
	json_t *o;

	/* As minisign prints it: the 8 bytes as a little-endian number. */
	uint64_t id = 0;
	for (int i = 7; i >= 0; i--)
		id = id << 8 | k->keyid[i];
	snprintf(keyid, sizeof(keyid), "%" PRIX64, id);
	ssh_pubkey_format(&ssh, k->pk, k->name);
	if (ssh.len && ssh.ptr[ssh.len - 1] == '\n')
		ssh.ptr[--ssh.len] = '\0';
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "name", k->name, "did",
		      k->did, "minisign_key_id", keyid, "ssh", ssh.ptr,
		      "encrypted", k->encrypted, "file", path);
	buf_release(&ssh);
	return o;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int id_list(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov id list [--json]", "Lists identities: name and did:key.",
		0, 0, 0,
	};
	int json = 0, rc;
	const struct opt opts[] = { OPT_JSON(&json), OPT_END_ };
	struct strlist args = { 0 }, names = { 0 };
	struct buf dir = BUF_INIT;
	json_t *arr = json_array();
	struct dirent *d;
	DIR *dp;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	buf_printf(&dir, "%s/keys", cli_home());
	if ((dp = opendir(dir.ptr))) {
		while ((d = readdir(dp))) {
			size_t n = strlen(d->d_name);
			if (n > 4 && !strcmp(d->d_name + n - 4, ".key"))
				strlist_push(&names, d->d_name);
		}
		closedir(dp);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++) {
		struct buf path = BUF_INIT;
		struct key *k = NULL;
		buf_printf(&path, "%s/%s", dir.ptr, names.v[i]);
		if (key_load_public(&k, path.ptr)) {
			fprintf(stderr, "prov: %s\n", prov_error_last());
			rc = EXIT_USAGE;
		} else if (json) {
			json_array_append_new(arr, key_json(k, path.ptr));
		} else {
			printf("%-20s %s\n", k->name, k->did);
		}
		key_free(k);
		buf_release(&path);
	}
	if (json)
		cli_print_json(arr);
done:
	json_decref(arr);
	buf_release(&dir);
	strlist_release(&names);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static int id_show_export(int argc, char **argv, int export)
{
	static const struct cmd_help show_help = {
		"prov id show NAME [--json]",
		"Shows an identity: did:key, minisign key id, OpenSSH public key.",
		1, 1, 0,
	};
	static const struct cmd_help export_help = {
		"prov id export NAME --minisign|--ssh",
		"Prints an identity's public key as a minisign public key file "
		"(for 'minisign -V -p') or an OpenSSH public key line (for git's "
		"allowed signers file).",
		1, 1, 0,
	};
	int json = 0, mini = 0, ssh = 0, rc;
	const struct opt show_opts[] = { OPT_JSON(&json), OPT_END_ };
	const struct opt export_opts[] = {
		OPT_FLAG_("minisign", 0, &mini, "minisign public key format"),
		OPT_FLAG_("ssh", 0, &ssh, "OpenSSH public key format"),
		OPT_END_,
	};
	struct strlist args = { 0 };
	struct buf path = BUF_INIT, out = BUF_INIT;
	struct key *k = NULL;
	json_t *o = NULL;

	if ((rc = cli_parse(argc, argv, export ? &export_help : &show_help,
			    export ? export_opts : show_opts, &args)))
		goto done;
	if (export && mini + ssh != 1) {
		rc = cli_usage_error("id export: give one of --minisign, --ssh");
		goto done;
	}
	if (cli_key_path(&path, args.v[0]) || key_load_public(&k, path.ptr)) {
		if (prov_error_code() == PROV_ENOTFOUND)
			prov_error_set(PROV_ENOTFOUND, "no identity named '%s'",
				       args.v[0]);
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (export) {
		if (mini)
			minisign_pubkey_format(&out, k);
		else
			ssh_pubkey_format(&out, k->pk, k->name);
		fputs(out.ptr, stdout);
		goto done;
	}
	o = key_json(k, path.ptr);
	if (json) {
		cli_print_json(o);
	} else {
		printf("name:            %s\n", k->name);
		printf("did:             %s\n", k->did);
		printf("minisign key id: %s\n",
		       json_string_value(json_object_get(o, "minisign_key_id")));
		printf("ssh:             %s\n",
		       json_string_value(json_object_get(o, "ssh")));
		printf("encrypted:       %s\n",
		       json_is_true(json_object_get(o, "encrypted")) ? "yes" : "no");
		printf("file:            %s\n", path.ptr);
	}
done:
	json_decref(o);
	key_free(k);
	buf_release(&path);
	buf_release(&out);
	strlist_release(&args);
	return CLI_EXIT(rc);
}

static int id_show(int argc, char **argv)
{
	return id_show_export(argc, argv, 0);
}

static int id_export(int argc, char **argv)
{
	return id_show_export(argc, argv, 1);
}

/* --days: a plain decimal number; the range is cli_cert_issue's. */
static int parse_days(int *out, const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > CLI_CERT_DAYS_MAX)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > CLI_CERT_DAYS_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int id_cert(int argc, char **argv)
{
	static const struct cmd_help help = {
		"prov id cert NAME [--ca CA-NAME] [--days N] [--root-out "
		"ROOT.pem] [--json]",
		"Issues identity NAME an X.509 certificate for signing C2PA "
		"manifests: its Ed25519 key, subject O=prov, CN=NAME, its did:key "
		"as subjectAltName, key usage digitalSignature, extended key "
		"usage emailProtection and c2pa-kp-claimSigning. It is stored in "
		"$PROV_HOME/certs/NAME.pem, replacing an older one. The issuer is "
		"a private root CA (default prov-root) kept in "
		"$PROV_HOME/ca/CA-NAME.pem with its own key, made on first use; "
		"its key's passphrase comes from PROV_PASSPHRASE or the "
		"terminal. Give the root to other tools' trust lists with "
		"--root-out.",
		1, 1, 0,
	};
	const char *ca = NULL, *days_s = NULL, *root_out = NULL;
	int json = 0, days = 365, rc;
	const struct opt opts[] = {
		OPT_STR("ca", 0, &ca, "CA-NAME",
			"the issuing CA (default: " CLI_CA_DEFAULT ")"),
		OPT_STR("days", 0, &days_s, "N",
			"days the certificate is valid (default 365, at most "
			"3650)"),
		OPT_STR("root-out", 0, &root_out, "ROOT.pem",
			"also write the root certificate (PEM) there"),
		OPT_JSON(&json), OPT_END_,
	};
	struct strlist args = { 0 };
	struct cli_cert c;

	if ((rc = cli_parse(argc, argv, &help, opts, &args)))
		goto done;
	if (days_s && parse_days(&days, days_s)) {
		rc = cli_usage_error("id cert: --days takes a whole number of "
				     "days from 1 to %d, not '%s'",
				     CLI_CERT_DAYS_MAX, cli_esc(days_s));
		goto done;
	}
	if (cli_cert_issue(&c, args.v[0], ca, days, root_out,
			   cli_new_passphrase)) {
		rc = cli_fail(prov_error_code());
		goto done;
	}
	if (json) {
		json_t *o = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			"s:s, s:b, s:o}",
			"name", c.name, "did", c.did, "certificate", c.path,
			"subject", c.subject, "issuer", c.issuer, "serial",
			c.serial, "not_before", c.not_before, "not_after",
			c.not_after, "fingerprint", c.fingerprint, "ca", c.ca,
			"root", c.root_path, "ca_created", c.ca_created,
			"root_out", root_out ? json_string(root_out)
					     : json_null());
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("certificate: %s\n", cli_esc(c.path));
		printf("subject:     %s\n", cli_esc(c.subject));
		printf("issuer:      %s\n", cli_esc(c.issuer));
		printf("did:         %s\n", c.did);
		printf("valid:       %s to %s\n", c.not_before, c.not_after);
		printf("serial:      %s\n", c.serial);
		printf("fingerprint: %s\n", c.fingerprint);
		printf("root:        %s%s\n", cli_esc(c.root_path),
		       c.ca_created ? " (new CA)" : "");
		if (root_out)
			printf("root copy:   %s\n", cli_esc(root_out));
	}
done:
	strlist_release(&args);
	return CLI_EXIT(rc);
}

int cmd_id(int argc, char **argv)
{
	static const struct subcommand subs[] = {
		{ "new", id_new },
		{ "list", id_list },
		{ "show", id_show },
		{ "export", id_export },
		{ "cert", id_cert },
	};

	return CLI_SUBCOMMAND(argc, argv, "id", subs,
			      "usage: prov id new NAME [--no-passphrase] [--json]\n"
			      "       prov id list [--json]\n"
			      "       prov id show NAME [--json]\n"
			      "       prov id export NAME --minisign|--ssh\n"
			      "       prov id cert NAME [--ca CA-NAME] [--days N] "
			      "[--root-out ROOT.pem] [--json]\n\n"
			      "Ed25519 signing identities, named by did:key, and "
			      "their X.509\ncertificates for C2PA signing.");
}
