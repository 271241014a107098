/* anvil for the unit tests that need a chain. A test process starts its
 * own (anvil_start) on a free port, and it is stopped at exit; a unit that
 * never calls anvil_start never starts one. Transactions come from dev
 * account 0 (DEV0), which anvil funds with 10000 ETH and whose key is
 * well known: anvil_send_tx signs with it as prov does (tx_sign). */
#ifndef ANVIL_H
#define ANVIL_H

#include "chain/chain.h"

#define ANVIL                                                                  \
	"tests/oracle/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
#define ANVIL_CHAIN_ID 31337

/* anvil's dev account 0, 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 */
extern const uint8_t DEV0[20];

/* A TCP socket bound to a port of 127.0.0.1 the kernel chose (in *port),
 * not yet listening; the caller closes it. Aborts on failure. */
int bind_local(int *port);

/* Starts anvil on a free port and waits until it answers (up to a minute
 * on a loaded machine); it is stopped at exit. -1 with the reason on
 * stderr (no anvil: scripts/npm-deps.sh was not run). */
int anvil_start(void);
/* Stops it now, if it runs. */
void anvil_stop(void);
/* "http://127.0.0.1:<port>" once anvil_start has chosen the port. */
const char *anvil_url(void);
/* A client for anvil with rpc_client_new's defaults; aborts on failure.
 * Free with rpc_client_free. */
struct rpc_client *anvil_client(void);

/* The receipt of transaction hash, polled for up to 10 s (anvil mines a
 * transaction shortly after accepting it): rpc_get_transaction_receipt's
 * result, PROV_ENOTFOUND if none came. Free *r with rpc_receipt_free. */
int anvil_wait_receipt(struct rpc_receipt **r, struct rpc_client *c,
		       const uint8_t hash[32]);

/* Dev account 0's key, from its well-known secret. Free with
 * chain_key_free. */
int anvil_dev0_key(struct chain_key **out);
/* Sends tx from dev account 0 and waits for its receipt (*r, NULL on
 * failure; free with rpc_receipt_free). The caller sets to or create,
 * value, data and gas_limit; this sets the chain id, the pending nonce and
 * the fees (twice the next base fee plus the node's tip), then signs with
 * tx_sign. raw, unless NULL, gets the signed bytes (tx_sign's).
 * PROV_EVERIFY if the node names another hash than tx_sign's; else the
 * failing call's code, its message set. */
int anvil_send_tx(struct rpc_receipt **r, struct buf *raw, struct rpc_client *c,
		  struct tx *tx);

#endif
