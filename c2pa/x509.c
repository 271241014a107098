/* Signer certificates: the C2PA certificate profile (spec 2.x, "X.509
 * Certificates") as the reference reader (c2pa-rs) enforces it, and trust
 * in a chain given PEM anchors. Every DER comes from an untrusted file:
 * each is parsed with its exact length and trailing bytes are refused. */
#include <limits.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "c2pa/c2pa.h"

#define INVALID "signingCredential.invalid"
#define EXPIRED "signingCredential.expired"

/* Parses one DER certificate that fills b exactly; NULL otherwise. */
static X509 *der_parse(const struct buf *b)
{
	const unsigned char *p = (const unsigned char *)b->ptr;
	X509 *x;

	if (!b->len || b->len > LONG_MAX)
		return NULL;
	x = d2i_X509(NULL, &p, (long)b->len);
	if (x && p != (const unsigned char *)b->ptr + b->len) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	return x;
}

/* The leaf's subject as one line, for explanations. */
static void subject_line(char *out, size_t cap, X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (!bio)
		return;
	if (X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
			       XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (n = BIO_get_mem_data(bio, &p)) > 0)
		snprintf(out, cap, "%.*s", (int)(n < 200 ? n : 200), p);
	BIO_free(bio);
	ERR_clear_error();
}

/* RSASSA-PSS parameters: the hash and MGF1's hash present, equal, and one
 * of SHA-256/384/512 (the defaults, SHA-1, are not allowed). NULL when
 * they hold, else why not. */
static const char *pss_params_bad(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj, *mobj;
	const void *pval;
	int ptype, hnid, mnid = NID_undef;
	RSA_PSS_PARAMS *pss = NULL;
	X509_ALGOR *mgfhash = NULL;
	const char *why = NULL;

	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (ptype != V_ASN1_SEQUENCE)
		return "RSASSA-PSS without parameters";
	pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
					(const ASN1_TYPE *)alg->parameter);
	if (!pss || !pss->hashAlgorithm || !pss->maskGenAlgorithm) {
		why = "RSASSA-PSS parameters without a hash or mask generation";
		goto done;
	}
	X509_ALGOR_get0(&mobj, &ptype, &pval, pss->maskGenAlgorithm);
	if (OBJ_obj2nid(mobj) != NID_mgf1 || ptype != V_ASN1_SEQUENCE) {
		why = "RSASSA-PSS with a mask generation other than MGF1";
		goto done;
	}
	mgfhash = ASN1_TYPE_unpack_sequence(
		ASN1_ITEM_rptr(X509_ALGOR),
		(const ASN1_TYPE *)pss->maskGenAlgorithm->parameter);
	if (mgfhash)
		mnid = OBJ_obj2nid(mgfhash->algorithm);
	hnid = OBJ_obj2nid(pss->hashAlgorithm->algorithm);
	if (hnid != mnid)
		why = "RSASSA-PSS whose MGF1 hash differs from its hash";
	else if (hnid != NID_sha256 && hnid != NID_sha384 &&
		 hnid != NID_sha512)
		why = "RSASSA-PSS with a hash other than SHA-256/384/512";
done:
	RSA_PSS_PARAMS_free(pss);
	X509_ALGOR_free(mgfhash);
	ERR_clear_error();
	return why;
}

/* The certificate's signature algorithm: NULL when allowed, else why not. */
static const char *sigalg_bad(X509 *x)
{
	const X509_ALGOR *tbs = X509_get0_tbs_sigalg(x), *outer;
	const ASN1_BIT_STRING *sig;
	const ASN1_OBJECT *obj;
	const void *pval;
	int ptype;

	X509_get0_signature(&sig, &outer, x);
	if (X509_ALGOR_cmp(tbs, outer))
		return "its two signature algorithm fields differ";
	X509_ALGOR_get0(&obj, &ptype, &pval, tbs);
	switch (OBJ_obj2nid(obj)) {
	case NID_sha256WithRSAEncryption:
	case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
	case NID_ecdsa_with_SHA256:
	case NID_ecdsa_with_SHA384:
	case NID_ecdsa_with_SHA512:
		return NULL;
	case NID_ED25519:
		/* RFC 8410: the parameters are absent. */
		return ptype == V_ASN1_UNDEF ? NULL
					     : "Ed25519 signature with parameters";
	case NID_rsassaPss:
		return pss_params_bad(tbs);
	default:
		return "a signature algorithm C2PA does not allow";
	}
}

/* The subject public key: RSA of 2048 bits or more with an odd exponent
 * of at least 3, EC on P-256/384/521, or Ed25519 without parameters. */
static const char *pubkey_bad(X509 *x)
{
	X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
	const ASN1_OBJECT *obj;
	X509_ALGOR *palg = NULL;
	const void *pval;
	EVP_PKEY *pk;
	BIGNUM *e = NULL;
	char group[64];
	const char *why = NULL;
	int ptype;

	if (!xpk || !X509_PUBKEY_get0_param(NULL, NULL, NULL, &palg, xpk))
		return "an unreadable public key";
	X509_ALGOR_get0(&obj, &ptype, &pval, palg);
	if (OBJ_obj2nid(obj) == NID_ED25519 && ptype != V_ASN1_UNDEF)
		return "an Ed25519 public key with parameters";
	if (!(pk = X509_get0_pubkey(x))) {
		ERR_clear_error();
		return "an unreadable public key";
	}
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		if (EVP_PKEY_get_bits(pk) < 2048)
			why = "an RSA key shorter than 2048 bits";
		else if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E,
						&e) ||
			 !BN_is_odd(e) || BN_cmp(e, BN_value_one()) <= 0)
			why = "an RSA public exponent that is not odd and at "
			      "least 3";
		break;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_utf8_string_param(pk,
						    OSSL_PKEY_PARAM_GROUP_NAME,
						    group, sizeof(group), NULL) ||
		    (strcmp(group, "prime256v1") && strcmp(group, "P-256") &&
		     strcmp(group, "secp384r1") && strcmp(group, "P-384") &&
		     strcmp(group, "secp521r1") && strcmp(group, "P-521")))
			why = "an EC key not on P-256, P-384 or P-521";
		break;
	case EVP_PKEY_ED25519:
		break;
	default:
		why = "a public key type C2PA does not allow";
	}
	BN_free(e);
	ERR_clear_error();
	return why;
}

/* A signer is an end entity: a CA's certificate is never one. */
static const char *ca_bad(X509 *x)
{
	BASIC_CONSTRAINTS *bc;
	int crit = -1, ca;

	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	ca = bc && bc->ca;
	BASIC_CONSTRAINTS_free(bc);
	ERR_clear_error();
	if (!bc && crit != -1)
		return crit == -2 ? "more than one basicConstraints"
				  : "a malformed basicConstraints";
	return ca ? "a CA certificate (basicConstraints CA:TRUE)" : NULL;
}

/* What the reader accepts as a claim signer's purpose: its default list
 * (valid_eku_oids.cfg) with the C2PA one. */
static const char *const accepted_eku[] = {
	"1.3.6.1.5.5.7.3.4",	     /* emailProtection */
	"1.3.6.1.5.5.7.3.36",	     /* documentSigning (RFC 9336) */
	"1.3.6.1.5.5.7.3.8",	     /* timeStamping */
	"1.3.6.1.5.5.7.3.9",	     /* OCSPSigning */
	"1.3.6.1.4.1.311.76.59.1.9", /* Microsoft C2PA signing */
	"1.3.6.1.4.1.62558.2.1",     /* c2pa-kp-claimSigning */
};

/* The EKU extension: present, not anyExtendedKeyUsage, with an accepted
 * purpose, and timeStamping or OCSPSigning only alone. */
static const char *eku_bad(X509 *x)
{
	EXTENDED_KEY_USAGE *eku;
	int crit = -1, any = 0, ok = 0, ts = 0, ocsp = 0, others = 0;
	const char *why = NULL;
	char oid[80];

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (!eku) {
		ERR_clear_error();
		return crit == -1 ? "no extended key usage"
		       : crit == -2 ? "more than one extended key usage"
				    : "a malformed extended key usage";
	}
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		int nid = OBJ_obj2nid(o);
		if (nid == NID_anyExtendedKeyUsage)
			any = 1;
		else if (nid == NID_time_stamp)
			ts = 1;
		else if (nid == NID_OCSP_sign)
			ocsp = 1;
		else
			others = 1;
		if (OBJ_obj2txt(oid, sizeof(oid), o, 1) > 0)
			for (size_t j = 0; j < sizeof(accepted_eku) /
						       sizeof(*accepted_eku);
			     j++)
				if (!strcmp(oid, accepted_eku[j]))
					ok = 1;
	}
	if (!sk_ASN1_OBJECT_num(eku))
		why = "an empty extended key usage";
	else if (any)
		why = "anyExtendedKeyUsage";
	else if (!ok)
		why = "no accepted extended key usage (emailProtection, "
		      "documentSigning, c2pa-kp-claimSigning, ...)";
	else if ((ts && ocsp) || ((ts || ocsp) && others))
		why = "timeStamping or OCSPSigning together with other "
		      "purposes";
	EXTENDED_KEY_USAGE_free(eku);
	ERR_clear_error();
	return why;
}

/* Extensions the reader understands; any other one marked critical makes
 * the certificate invalid. */
static int known_extension(int nid)
{
	static const int known[] = {
		NID_authority_key_identifier, NID_subject_key_identifier,
		NID_key_usage, NID_certificate_policies, NID_policy_mappings,
		NID_subject_alt_name, NID_basic_constraints,
		NID_name_constraints, NID_policy_constraints,
		NID_ext_key_usage, NID_crl_distribution_points,
		NID_inhibit_any_policy, NID_info_access, NID_netscape_cert_type,
		NID_crl_number, NID_crl_reason, NID_invalidity_date,
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (known[i] == nid)
			return 1;
	return 0;
}

/* Extensions: each at most once and readable, no unknown critical one,
 * an Authority Key Identifier, Key Usage with digitalSignature
 * (and without keyCertSign). */
static const char *extensions_bad(X509 *x)
{
	ASN1_BIT_STRING *ku = NULL;
	AUTHORITY_KEYID *aki = NULL;
	const char *why = NULL;
	int crit;

	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
		if (X509_get_ext_by_OBJ(x, X509_EXTENSION_get_object(ext), i) !=
		    -1)
			return "an extension that occurs twice";
		if (!known_extension(nid)) {
			if (X509_EXTENSION_get_critical(ext))
				return "an unknown critical extension";
			continue;
		}
		void *v = X509V3_EXT_d2i(ext);
		if (!v) {
			ERR_clear_error();
			return "a malformed extension";
		}
		/* Parsed once more below by type; only readability here. */
		const X509V3_EXT_METHOD *m = X509V3_EXT_get(ext);
		if (m && m->it)
			ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
		else if (m && m->ext_free)
			m->ext_free(v);
	}
	aki = X509_get_ext_d2i(x, NID_authority_key_identifier, &crit, NULL);
	if (!aki) {
		why = "no Authority Key Identifier";
		goto done;
	}
	ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	if (!ku)
		why = "no Key Usage";
	else if (!ASN1_BIT_STRING_get_bit(ku, 0))
		why = "a Key Usage without digitalSignature";
	else if (ASN1_BIT_STRING_get_bit(ku, 5))
		why = "a Key Usage with keyCertSign on an end-entity certificate";
done:
	ASN1_BIT_STRING_free(ku);
	AUTHORITY_KEYID_free(aki);
	ERR_clear_error();
	return why;
}

int c2pa_cert_profile(struct c2pa_report *r, const char *url,
		      const struct buf *chain, size_t n, int64_t at)
{
	const ASN1_BIT_STRING *iuid, *suid;
	const char *why = NULL;
	char subject[256] = "";
	X509 *x = NULL;
	int before, after, rc = PROV_EVERIFY;

	if (!n) {
		c2pa_report_add(r, 1, INVALID, url,
				"the signature carries no certificate");
		return PROV_EVERIFY;
	}
	if (!(x = der_parse(&chain[0]))) {
		c2pa_report_add(r, 1, INVALID, url,
				"the signer certificate is not one DER X.509 "
				"certificate (%zu bytes)",
				chain[0].len);
		return PROV_EVERIFY;
	}
	subject_line(subject, sizeof(subject), x);
	/* In the reference reader's order: version, time, algorithms, then
	 * the extensions. */
	if (X509_get_version(x) != X509_VERSION_3) {
		c2pa_report_add(r, 1, INVALID, url,
				"the signer certificate (%s) is X.509 v%ld, "
				"not v3",
				subject, X509_get_version(x) + 1);
		goto done;
	}
	before = ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), (time_t)at);
	after = ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), (time_t)at);
	ERR_clear_error();
	if (before == -2 || after == -2) {
		why = "a malformed validity period";
	} else if (before > 0 || after < 0) {
		c2pa_report_add(r, 1, EXPIRED, url,
				"the signer certificate (%s) is %s at the "
				"validation time",
				subject,
				before > 0 ? "not yet valid" : "expired");
		goto done;
	}
	if (!why)
		why = sigalg_bad(x);
	if (!why)
		why = pubkey_bad(x);
	if (!why) {
		X509_get0_uids(x, &iuid, &suid);
		if (iuid || suid)
			why = "issuer or subject unique identifiers";
	}
	if (!why)
		why = ca_bad(x);
	if (!why)
		why = eku_bad(x);
	if (!why)
		why = extensions_bad(x);
	if (why) {
		c2pa_report_add(r, 1, INVALID, url,
				"the signer certificate (%s) has %s", subject,
				why);
		goto done;
	}
	rc = 0;
done:
	X509_free(x);
	return rc;
}

/* Adds every certificate of the PEM text to store: how many. */
static int load_anchors(X509_STORE *store, const char *pem, size_t n)
{
	BIO *bio;
	X509 *x;
	int count = 0;

	if (!n || n > INT_MAX || !(bio = BIO_new_mem_buf(pem, (int)n)))
		return 0;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (X509_STORE_add_cert(store, x))
			count++;
		X509_free(x);
	}
	BIO_free(bio);
	ERR_clear_error();
	return count;
}

int c2pa_cert_trust(struct c2pa_report *r, const char *url,
		    const struct buf *chain, size_t n, const char *anchors,
		    size_t anchors_n, int64_t at)
{
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *store = NULL;
	X509 *leaf = NULL;
	char subject[256] = "";
	int rc = PROV_EVERIFY;

	if (!n || !(leaf = der_parse(&chain[0]))) {
		c2pa_report_add(r, 1, "signingCredential.untrusted", url,
				"no readable signer certificate");
		goto done;
	}
	if (!(untrusted = sk_X509_new_null()) || !(store = X509_STORE_new()) ||
	    !(ctx = X509_STORE_CTX_new()))
		abort();
	for (size_t i = 1; i < n; i++) {
		X509 *c = der_parse(&chain[i]);
		if (!c) {
			c2pa_report_add(r, 1, "signingCredential.untrusted",
					url,
					"certificate %zu of the chain is not "
					"one DER X.509 certificate",
					i);
			goto done;
		}
		if (!sk_X509_push(untrusted, c))
			abort();
	}
	if (!load_anchors(store, anchors, anchors_n)) {
		c2pa_report_add(r, 1, "signingCredential.untrusted", url,
				"no trust anchors are configured");
		goto done;
	}
	/* As the reference reader does: strict, and an anchor may be an
	 * intermediate; no purpose is checked (the profile did). */
	X509_STORE_set_flags(store, X509_V_FLAG_X509_STRICT |
					    X509_V_FLAG_PARTIAL_CHAIN);
	if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted))
		abort();
	X509_STORE_CTX_set_time(ctx, 0, (time_t)at);
	if (X509_verify_cert(ctx) == 1) {
		STACK_OF(X509) *built = X509_STORE_CTX_get0_chain(ctx);
		X509 *root = sk_X509_value(built, sk_X509_num(built) - 1);
		subject_line(subject, sizeof(subject), root);
		c2pa_report_add(r, 0, "signingCredential.trusted", url,
				"the signer certificate chains to the trust "
				"anchor %s",
				subject);
		rc = 0;
	} else {
		int err = X509_STORE_CTX_get_error(ctx);
		subject_line(subject, sizeof(subject), leaf);
		c2pa_report_add(r, 1, "signingCredential.untrusted", url,
				"the signer certificate (%s) does not chain to "
				"a trust anchor: %s",
				subject, X509_verify_cert_error_string(err));
	}
done:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_pop_free(untrusted, X509_free);
	X509_free(leaf);
	return rc;
}
