/* anvil for the unit tests: see anvil.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "anvil.h"

const uint8_t DEV0[20] = {0xf3, 0x9f, 0xd6, 0xe5, 0x1a, 0xad, 0x88,
			  0xf6, 0xf4, 0xce, 0x6a, 0xb8, 0x82, 0x72,
			  0x79, 0xcf, 0xff, 0xb9, 0x22, 0x66};

/* dev account 0's secret, printed by anvil at every start */
static const char dev0_sk[] =
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

static pid_t pid;
static char url[64];

int bind_local(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		abort();
	*port = ntohs(a.sin_port);
	return fd;
}

void anvil_stop(void)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		pid = 0;
	}
}

const char *anvil_url(void)
{
	return url;
}

struct rpc_client *anvil_client(void)
{
	const char *urls[] = {url};
	struct rpc_client *c;

	if (rpc_client_new(&c, urls, 1))
		abort();
	return c;
}

int anvil_start(void)
{
	struct rpc_client *c;
	char port[16];
	uint64_t id;
	int p, fd = bind_local(&p);

	/* free once closed; anvil binds it a moment later */
	close(fd);
	snprintf(port, sizeof(port), "%d", p);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", p);
	if (access(ANVIL, X_OK)) {
		fprintf(stderr, "no %s: run scripts/npm-deps.sh\n", ANVIL);
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(ANVIL, "anvil", "--host", "127.0.0.1", "--port", port,
		      (char *)NULL);
		_exit(127);
	}
	atexit(anvil_stop);
	c = anvil_client();
	c->attempts = 1;
	c->timeout_ms = 1000;
	for (int i = 0; i < 300; i++) { /* up to a minute on a loaded machine */
		if (rpc_chain_id(&id, c) == 0) {
			rpc_client_free(c);
			return 0;
		}
		nanosleep(&(struct timespec){0, 200000000}, NULL);
	}
	rpc_client_free(c);
	fprintf(stderr, "anvil did not answer at %s\n", url);
	return -1;
}

int anvil_wait_receipt(struct rpc_receipt **r, struct rpc_client *c,
		       const uint8_t hash[32])
{
	int rc;

	for (int i = 0; i < 200; i++) {
		if ((rc = rpc_get_transaction_receipt(r, c, hash)) !=
		    PROV_ENOTFOUND)
			return rc;
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	return rc;
}

int anvil_dev0_key(struct chain_key **out)
{
	uint8_t sk[32];
	int rc;

	*out = NULL;
	if (hex_decode(sk, 32, dev0_sk, 64))
		return prov_error_set(PROV_EINVALID, "dev account 0's key");
	rc = chain_key_from_secret(out, sk);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

int anvil_send_tx(struct rpc_receipt **r, struct buf *raw, struct rpc_client *c,
		  struct tx *tx)
{
	struct chain_key *k = NULL;
	struct rpc_fees fees;
	struct buf own = BUF_INIT;
	uint8_t hash[32], sent[32];
	uint64_t tip;
	int rc;

	*r = NULL;
	if (!raw)
		raw = &own;
	if ((rc = anvil_dev0_key(&k)))
		goto done;
	tx->chain_id = ANVIL_CHAIN_ID;
	if ((rc = rpc_get_transaction_count(&tx->nonce, c, k->addr,
					    "pending")) ||
	    (rc = rpc_fee_history(&fees, c, 1, 50.0)) ||
	    (rc = rpc_max_priority_fee(&tip, c)))
		goto done;
	u256_from_u64(tx->max_priority_fee, tip);
	u256_from_u64(tx->max_fee, 2 * fees.base_fee_next + tip);
	if ((rc = tx_sign(raw, hash, tx, k)) ||
	    (rc = rpc_send_raw_transaction(sent, c, (const uint8_t *)raw->ptr,
					   raw->len)))
		goto done;
	if (memcmp(sent, hash, 32)) {
		rc = prov_error_set(PROV_EVERIFY, "anvil's transaction hash "
						  "is not tx_sign's");
		goto done;
	}
	rc = anvil_wait_receipt(r, c, hash);
done:
	chain_key_free(k);
	buf_release(&own);
	return rc;
}
