/*
 * chain: an EVM client for anchoring records on a chain (issue 6).
 *
 * RLP, ABI encoding, secp256k1 keys and EIP-1559 transactions signed
 * locally, and a JSON-RPC client over libcurl. Keccak-256 is core's
 * (core/keccak.c). Every decoder takes a pointer and a length of
 * untrusted bytes and checks every length before reading.
 */
#ifndef PROV_CHAIN_H
#define PROV_CHAIN_H

#include "core/core.h"

#endif
