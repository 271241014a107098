/* One function per command, each in cli/cmd_<verb>.c. */
#ifndef PROV_COMMANDS_H
#define PROV_COMMANDS_H

int cmd_init(int argc, char **argv);
int cmd_id(int argc, char **argv);
int cmd_register(int argc, char **argv);
int cmd_license(int argc, char **argv);
int cmd_optout(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_manifest(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_c2pa(int argc, char **argv);
int cmd_chain(int argc, char **argv);
int cmd_contracts(int argc, char **argv);
int cmd_anchor(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify_sig(int argc, char **argv);
int cmd_fingerprint(int argc, char **argv);

/* Near-duplicates of opted-out pictures for manifest builds
 * (cli/cmd_fingerprint.c): *out is NULL when no work on content opted out
 * of any of uses has a fingerprint (a build then decodes nothing); free it
 * with cli_near_free. */
struct manifest_near;
struct index;
struct store;
int cli_near_optouts(struct manifest_near **out, struct store *s,
		     const struct index *ix, unsigned uses);
void cli_near_free(struct manifest_near *near);
int cmd_status(int argc, char **argv);
int cmd_remote(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_challenge(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_usage(int argc, char **argv);
int cmd_royalties(int argc, char **argv);

/* prov royalties distribute and claim (cli/royalties_chain.c). */
int royalties_distribute(int argc, char **argv);
int royalties_claim(int argc, char **argv);

#endif
