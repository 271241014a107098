/* Keccak-256 as Ethereum uses it: the Keccak-f[1600] permutation of FIPS 202
 * with rate 1088 bits (136 bytes) and capacity 512, but with the original
 * Keccak padding (a 0x01 byte ... 0x80) rather than SHA-3's 0x06 domain
 * byte, so it is not SHA3-256. Written from FIPS 202 section 3; the state is
 * 25 lanes of 64 bits, lane (x, y) at index x + 5 * y, bytes little-endian
 * within a lane (FIPS 202 section 3.1.2). Nothing here is secret, so no
 * constant-time concerns. */
#include <string.h>

#include "core.h"

#define RATE 136 /* bytes: 1600 - 2 * 256 bits */
#define ROUNDS 24

/* Iota's round constants RC[i_r] (FIPS 202 Algorithm 6): bit 2^j - 1 of
 * RC[i_r] is rc(j + 7 * i_r) of the LFSR in Algorithm 5, for j = 0..6. */
static const uint64_t round_constants[ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rho's rotation offsets (FIPS 202 Table 2), indexed [y][x]: walking
 * (x, y) = (1, 0), then (y, (2x + 3y) mod 5), lane t of the walk rotates by
 * (t + 1)(t + 2) / 2 mod 64; lane (0, 0) does not move. */
static const unsigned rho_offsets[5][5] = {
	{ 0, 1, 62, 28, 27 },
	{ 36, 44, 6, 55, 20 },
	{ 3, 10, 43, 25, 39 },
	{ 41, 45, 15, 21, 8 },
	{ 18, 2, 61, 56, 14 },
};

#define LANE(x, y) ((x) + 5 * (y))

static uint64_t rotl(uint64_t v, unsigned n)
{
	/* n == 0 would shift by 64, which C leaves undefined. */
	return n ? (v << n) | (v >> (64 - n)) : v;
}

/* Keccak-f[1600]: 24 rounds of theta, rho, pi, chi and iota (FIPS 202
 * Algorithm 7, with each step mapping as in section 3.2). */
static void keccak_f(uint64_t a[25])
{
	uint64_t c[5], d[5], b[25];

	for (int round = 0; round < ROUNDS; round++) {
		/* theta: xor each lane with the parities of two nearby columns */
		for (int x = 0; x < 5; x++)
			c[x] = a[LANE(x, 0)] ^ a[LANE(x, 1)] ^ a[LANE(x, 2)] ^
			       a[LANE(x, 3)] ^ a[LANE(x, 4)];
		for (int x = 0; x < 5; x++)
			d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
		for (int y = 0; y < 5; y++)
			for (int x = 0; x < 5; x++)
				a[LANE(x, y)] ^= d[x];

		/* rho and pi together: lane (x, y) is rotated, then moved to
		 * (y, 2x + 3y); pi's A'[x, y] = A[(x + 3y) mod 5, x] is the
		 * same permutation read from the other side. */
		for (int y = 0; y < 5; y++)
			for (int x = 0; x < 5; x++)
				b[LANE(y, (2 * x + 3 * y) % 5)] =
					rotl(a[LANE(x, y)], rho_offsets[y][x]);

		/* chi: the only non-linear step, along each row */
		for (int y = 0; y < 5; y++)
			for (int x = 0; x < 5; x++)
				a[LANE(x, y)] = b[LANE(x, y)] ^
						(~b[LANE((x + 1) % 5, y)] &
						 b[LANE((x + 2) % 5, y)]);

		/* iota: breaks the symmetry between rounds */
		a[0] ^= round_constants[round];
	}
}

/* Xors one RATE-byte block into the first RATE / 8 lanes. */
static void absorb(uint64_t a[25], const uint8_t *block)
{
	for (int i = 0; i < RATE / 8; i++) {
		uint64_t lane = 0;
		for (int j = 7; j >= 0; j--)
			lane = lane << 8 | block[8 * i + j];
		a[i] ^= lane;
	}
}

void keccak256(uint8_t out[32], const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t a[25] = { 0 };
	uint8_t last[RATE];

	for (; n >= RATE; p += RATE, n -= RATE) {
		absorb(a, p);
		keccak_f(a);
	}

	/* pad10*1 with Keccak's (not SHA-3's) first bit: the final block
	 * always exists, so an input of exactly RATE bytes gets a whole block
	 * of padding. With n == RATE - 1 both bits land in one byte: 0x81. */
	memset(last, 0, sizeof(last));
	if (n)
		memcpy(last, p, n);
	last[n] ^= 0x01;
	last[RATE - 1] ^= 0x80;
	absorb(a, last);
	keccak_f(a);

	/* 256 bits fit in the first block of output: no further squeezing. */
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}
