/* Merkle trees (core/merkle.c) against OpenZeppelin's StandardMerkleTree.
 *
 * The known vectors were produced by tests/oracle/oz-merkle.mjs
 * (@openzeppelin/merkle-tree 1.0.8) and are hard-coded here: bytes32 value
 * number k (k = 1, 2, ...) is k as a 256-bit big-endian number. The live
 * tests run the same oracle on random values and compare every root, leaf
 * hash and proof byte for byte, then have the oracle check our proofs; they
 * fail, not skip, when the oracle is not installed (scripts/npm-deps.sh). */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

/* One leaf of a known tree: the leaf given at position i, its hash, and its
 * proof as the concatenated hex of its sibling hashes, leaf to root. */
struct known {
	size_t i;
	const char *leaf;
	const char *proof;
};

/* The vectors, one hash a line. */
/* clang-format off */
/* b32_1 */
static const char *const b32_1_root =
	"b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22";
static const struct known b32_1_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "" },
};
/* b32_2 */
static const char *const b32_2_root =
	"e685571b7e25a4a0391fb8daa09dc8d3fbb3382504525f89a2334fbbf8f8e92c";
static const struct known b32_2_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0" },
	{ 1, "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0",
	  "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22" },
};
/* b32_3 */
static const char *const b32_3_root =
	"6115218373392d12cc18a3d50ad2a53a2c99b391060070dfc0ebbbbe158ec944";
static const struct known b32_3_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "673620737675e2755ce8269a99904022d15da8d5843f5aec205cd243ff80240a" },
	{ 1, "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0",
	  "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01"
	  "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22" },
	{ 2, "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01",
	  "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0"
	  "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22" },
};
/* b32_4 */
static const char *const b32_4_root =
	"4c8ce3926f0293b1d281eac81d8f773dc2a9333e951e7b199adeebc7d7a2ed66";
static const struct known b32_4_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6"
	  "673620737675e2755ce8269a99904022d15da8d5843f5aec205cd243ff80240a" },
	{ 1, "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0",
	  "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01"
	  "136294f805d88ac24e4b5175215b07d8c996803df31b99052af7cbd4f0925760" },
	{ 2, "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01",
	  "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0"
	  "136294f805d88ac24e4b5175215b07d8c996803df31b99052af7cbd4f0925760" },
	{ 3, "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6",
	  "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22"
	  "673620737675e2755ce8269a99904022d15da8d5843f5aec205cd243ff80240a" },
};
/* b32_5 */
static const char *const b32_5_root =
	"21abd2f655ded75d91fbd5e0b1ad35171a675fd315a077efa7f2d555a26e7094";
static const struct known b32_5_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01"
	  "c949c2dc5da2bd9a4f5ae27532dfbb3551487bed50825cd099ff5d0a8d613ab5" },
	{ 1, "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0",
	  "16db2e4b9f8dc120de98f8491964203ba76de27b27b29c2d25f85a325cd37477"
	  "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6"
	  "1a6dbeb0d179031e5261494ac4b6ee4e284665e8d2ea3ff44f7a2ddf5ca07bb7" },
	{ 2, "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01",
	  "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22"
	  "c949c2dc5da2bd9a4f5ae27532dfbb3551487bed50825cd099ff5d0a8d613ab5" },
	{ 3, "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6",
	  "161691c7185a37ff918e70bebef716ddd87844ac47f419ea23eaf4fe983fbf2c"
	  "1a6dbeb0d179031e5261494ac4b6ee4e284665e8d2ea3ff44f7a2ddf5ca07bb7" },
	{ 4, "16db2e4b9f8dc120de98f8491964203ba76de27b27b29c2d25f85a325cd37477",
	  "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0"
	  "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6"
	  "1a6dbeb0d179031e5261494ac4b6ee4e284665e8d2ea3ff44f7a2ddf5ca07bb7" },
};
/* b32_7 */
static const char *const b32_7_root =
	"30bdc5af9506c48acd14f3c4abaed9c8f2c530174653a20624cff023bd0a7d45";
static const struct known b32_7_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "b868bdfa8727775661e4ccf117824a175a33f8703d728c04488fbfffcafda9f9"
	  "cff8e1781584200105067c0684580a1524c9539de52c1f9889e2cf73830cfccc"
	  "c949c2dc5da2bd9a4f5ae27532dfbb3551487bed50825cd099ff5d0a8d613ab5" },
	{ 1, "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0",
	  "16db2e4b9f8dc120de98f8491964203ba76de27b27b29c2d25f85a325cd37477"
	  "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6"
	  "a0ba3a38f2d9863f257bf783a0d6ad7b141d9a81c77bf87daf9f0243258246d2" },
	{ 2, "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01",
	  "607bca8f7c1c56da874da29cd62c3769b9880d38a258a91fc6dd1cfb6b4d1a8e"
	  "a79ebbac0bd88ae2719a62d5aaba036edfff99dd3a91dded8556a579ac7038ec"
	  "c949c2dc5da2bd9a4f5ae27532dfbb3551487bed50825cd099ff5d0a8d613ab5" },
	{ 3, "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6",
	  "161691c7185a37ff918e70bebef716ddd87844ac47f419ea23eaf4fe983fbf2c"
	  "a0ba3a38f2d9863f257bf783a0d6ad7b141d9a81c77bf87daf9f0243258246d2" },
	{ 4, "16db2e4b9f8dc120de98f8491964203ba76de27b27b29c2d25f85a325cd37477",
	  "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0"
	  "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6"
	  "a0ba3a38f2d9863f257bf783a0d6ad7b141d9a81c77bf87daf9f0243258246d2" },
	{ 5, "b868bdfa8727775661e4ccf117824a175a33f8703d728c04488fbfffcafda9f9",
	  "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22"
	  "cff8e1781584200105067c0684580a1524c9539de52c1f9889e2cf73830cfccc"
	  "c949c2dc5da2bd9a4f5ae27532dfbb3551487bed50825cd099ff5d0a8d613ab5" },
	{ 6, "607bca8f7c1c56da874da29cd62c3769b9880d38a258a91fc6dd1cfb6b4d1a8e",
	  "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01"
	  "a79ebbac0bd88ae2719a62d5aaba036edfff99dd3a91dded8556a579ac7038ec"
	  "c949c2dc5da2bd9a4f5ae27532dfbb3551487bed50825cd099ff5d0a8d613ab5" },
};
/* b32_8 */
static const char *const b32_8_root =
	"61067c4379bac00d29e8e8ddbc412848e77a47df1b73d5a5c7b904874018a180";
static const struct known b32_8_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "a7c46294ffa3fad92dc8422b2e38b688ccf1b86172f5beaf864af9368d2844e5"
	  "5a8ead40cd9687835259cd89e45e2781d13c6ba02e8b0a08f1be6d3f47f69f74"
	  "c97e9e1eb896293c19f2649c796c9a276d997cfa58164c5f25d9a3f29b894cc9" },
	{ 1, "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0",
	  "16db2e4b9f8dc120de98f8491964203ba76de27b27b29c2d25f85a325cd37477"
	  "cff8e1781584200105067c0684580a1524c9539de52c1f9889e2cf73830cfccc"
	  "55eae8293fad5c5a79c4c42bbe0aaa4bc12d569e8e5753ff78abadb222c879f9" },
	{ 2, "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01",
	  "607bca8f7c1c56da874da29cd62c3769b9880d38a258a91fc6dd1cfb6b4d1a8e"
	  "161691c7185a37ff918e70bebef716ddd87844ac47f419ea23eaf4fe983fbf2c"
	  "55eae8293fad5c5a79c4c42bbe0aaa4bc12d569e8e5753ff78abadb222c879f9" },
	{ 3, "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6",
	  "b868bdfa8727775661e4ccf117824a175a33f8703d728c04488fbfffcafda9f9"
	  "356e323afe7dd9e4b5ce87e00eac3d02b34647d27ce55cc73d92d1d1db762060"
	  "c97e9e1eb896293c19f2649c796c9a276d997cfa58164c5f25d9a3f29b894cc9" },
	{ 4, "16db2e4b9f8dc120de98f8491964203ba76de27b27b29c2d25f85a325cd37477",
	  "1ab0c6948a275349ae45a06aad66a8bd65ac18074615d53676c09b67809099e0"
	  "cff8e1781584200105067c0684580a1524c9539de52c1f9889e2cf73830cfccc"
	  "55eae8293fad5c5a79c4c42bbe0aaa4bc12d569e8e5753ff78abadb222c879f9" },
	{ 5, "b868bdfa8727775661e4ccf117824a175a33f8703d728c04488fbfffcafda9f9",
	  "c167b0e3c82238f4f2d1a50a8b3a44f96311d77b148c30dc0ef863e1a060dcb6"
	  "356e323afe7dd9e4b5ce87e00eac3d02b34647d27ce55cc73d92d1d1db762060"
	  "c97e9e1eb896293c19f2649c796c9a276d997cfa58164c5f25d9a3f29b894cc9" },
	{ 6, "607bca8f7c1c56da874da29cd62c3769b9880d38a258a91fc6dd1cfb6b4d1a8e",
	  "2584db4a68aa8b172f70bc04e2e74541617c003374de6eb4b295e823e5beab01"
	  "161691c7185a37ff918e70bebef716ddd87844ac47f419ea23eaf4fe983fbf2c"
	  "55eae8293fad5c5a79c4c42bbe0aaa4bc12d569e8e5753ff78abadb222c879f9" },
	{ 7, "a7c46294ffa3fad92dc8422b2e38b688ccf1b86172f5beaf864af9368d2844e5",
	  "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22"
	  "5a8ead40cd9687835259cd89e45e2781d13c6ba02e8b0a08f1be6d3f47f69f74"
	  "c97e9e1eb896293c19f2649c796c9a276d997cfa58164c5f25d9a3f29b894cc9" },
};
/* b32_100 */
static const char *const b32_100_root =
	"d763564eca9dc776b4411204640fd14c886b8a193e63080cab6d323b8e72c1a4";
static const struct known b32_100_proofs[] = {
	{ 0, "b5d9d894133a730aa651ef62d26b0ffa846233c74177a591a4a896adfda97d22",
	  "b498ef6a27d7cfc3197c2ae21f168b0ae65116837bb2f726ef9702c79103c26b"
	  "0339438092d949e6b8b9bbc62d987ceaec79e90f21f92ef91ec8284da86d0972"
	  "63f30784aaa791123bf09d1023b1458774e546bcbd1b7d175e709d67e4fe0e94"
	  "08c7a881eb032dbec2575ec18d072b43df99223c2fb99490494c0fe5588197c9"
	  "1e8c47a9303e0f47d9f7b45f5736f3e2cf61898bba1675addb4b4ab2fb2daf74"
	  "303797228fc06c7dedae1ffdb0475f816e79517ee5cca44351963670550b891c"
	  "82f439b0e60c1ce7f6ab13815ebc42165e279b65a643a248b7ac8c875e6bc6d6" },
	{ 37, "4c4f8cb9eb67109c2bc7f44fa94ca324dd82c12a27912559857dc2f3b2da4b6b",
	  "50404675b009627c7b187771b541dc215b4557be574c02f0de7f4e11407bcc4c"
	  "aa5b8f592f6b33b50a29e03985bd925a2de19aac38491cba74ddb2f70a163d09"
	  "56f655cc63e5cea1b6159d8db3cf57a4014bce83a0f565d1e3cf9656f1a2f8b2"
	  "458d8085a98c948bf0ef88d8793eb618f943f44dcbcc741e2771ac2df86fc963"
	  "f3ff652052288bdf14aa1c670779fec969c3653c17abf5849d222716dc0cf1da"
	  "88ff413fe391f7b93926d5b4586a48c7ce28ff2a414a9fa97c302923aa30619b"
	  "82f439b0e60c1ce7f6ab13815ebc42165e279b65a643a248b7ac8c875e6bc6d6" },
	{ 99, "77f592bc17b20433aeae743b94966faa037e16a70ad7c488cf44b90a1e8bbacc",
	  "7b24b9a607de4786fbf025888eb65b3bd80a5f6bd51128cb184132e1e064160d"
	  "a736511d6a738d4869349b9e915fe33c126541ab2017121ccb0bdaadef279809"
	  "46966efcb775e509548e76bd6d8ac290fbd8720e8de5b021df57e29813d2a88a"
	  "680acfd3b2cdb34123198a8024eec697b89955d6a6c91efef55a9623564050a5"
	  "59bd289ffdf68978d1f3c04af7170d4ef4a922ba5240b03ca0ab413a52bac9d0"
	  "303797228fc06c7dedae1ffdb0475f816e79517ee5cca44351963670550b891c"
	  "82f439b0e60c1ce7f6ab13815ebc42165e279b65a643a248b7ac8c875e6bc6d6" },
};
/* addr_5 */
static const char *const addr_5_root =
	"a278be5d37101409fcf1d2d5e304130b6f5dacb250969066d310e499d60a0426";
static const struct known addr_5_proofs[] = {
	{ 0, "ed6c11aa506bc5a1977b813e93a8a440c47e9643e3a63e012d1061a82642c517",
	  "515296836768b9ee92d0ed76004b4c7d750cec1dc2d48bc45c1007813c23a906"
	  "9bc67436f51a64c4853f7976867219a3fe4883167d0d051475f854a9a12f6a05" },
	{ 1, "e77076f1b63b010ab8c52f5316c4779ff195c82bd00583fad098765cd0d22548",
	  "ddddf2992c4f1cab4a044e44665cb2360bbcb75cca79e61b1354fd7bc84b4136"
	  "f8a7f1e027dfedc5b13b800b592a1ee0444754da31fac46f399fff01cc1420b3" },
	{ 2, "dd05ddd79adc5569806124d3c5d8151b75bc81032a0ea21d4cd74fd964947bf5",
	  "17c33443418ac19c58230c68ce87108b0d2ccbf8888a887b8b093ddade0c3847"
	  "ed6c11aa506bc5a1977b813e93a8a440c47e9643e3a63e012d1061a82642c517"
	  "9bc67436f51a64c4853f7976867219a3fe4883167d0d051475f854a9a12f6a05" },
	{ 3, "ddddf2992c4f1cab4a044e44665cb2360bbcb75cca79e61b1354fd7bc84b4136",
	  "e77076f1b63b010ab8c52f5316c4779ff195c82bd00583fad098765cd0d22548"
	  "f8a7f1e027dfedc5b13b800b592a1ee0444754da31fac46f399fff01cc1420b3" },
	{ 4, "17c33443418ac19c58230c68ce87108b0d2ccbf8888a887b8b093ddade0c3847",
	  "dd05ddd79adc5569806124d3c5d8151b75bc81032a0ea21d4cd74fd964947bf5"
	  "ed6c11aa506bc5a1977b813e93a8a440c47e9643e3a63e012d1061a82642c517"
	  "9bc67436f51a64c4853f7976867219a3fe4883167d0d051475f854a9a12f6a05" },
};
/* dup_5 */
static const char *const dup_5_root =
	"3e91d8d3bee293457a929f72d5ab0490368e2be5a5288d260b173bed5975ae1d";
static const struct known dup_5_proofs[] = {
	{ 0, "331c83a13f09f8fedd3556023be29c6241626f339af33331c2e39b2ae9f2855a",
	  "331c83a13f09f8fedd3556023be29c6241626f339af33331c2e39b2ae9f2855a"
	  "fa1fa5decf51582e1482836fa8c6bd0ddf40521ce977c5596309e7b2d14602f1"
	  "048767541acb21c247d3ecb025ebae2a20b861fdb25afaad569b7e2b8d704609" },
	{ 1, "fa1fa5decf51582e1482836fa8c6bd0ddf40521ce977c5596309e7b2d14602f1",
	  "0ab932ed8bee8af2f4d314a64b1102aeefafa4e174a963a61e3de3be6fb25cc7"
	  "048767541acb21c247d3ecb025ebae2a20b861fdb25afaad569b7e2b8d704609" },
	{ 2, "331c83a13f09f8fedd3556023be29c6241626f339af33331c2e39b2ae9f2855a",
	  "331c83a13f09f8fedd3556023be29c6241626f339af33331c2e39b2ae9f2855a"
	  "fa1fa5decf51582e1482836fa8c6bd0ddf40521ce977c5596309e7b2d14602f1"
	  "048767541acb21c247d3ecb025ebae2a20b861fdb25afaad569b7e2b8d704609" },
	{ 3, "ee692dfecdec95964d7a9b1aead170d6cdd7ecaf4b863082e6b9ee269631ee1c",
	  "331c83a13f09f8fedd3556023be29c6241626f339af33331c2e39b2ae9f2855a"
	  "60460e5c047b3b96086b4f7ece93c28b9b9888b27e0dce56141df5a6642b62ea" },
	{ 4, "331c83a13f09f8fedd3556023be29c6241626f339af33331c2e39b2ae9f2855a",
	  "ee692dfecdec95964d7a9b1aead170d6cdd7ecaf4b863082e6b9ee269631ee1c"
	  "60460e5c047b3b96086b4f7ece93c28b9b9888b27e0dce56141df5a6642b62ea" },
};
/* clang-format on */

#define NKNOWN(a) (sizeof(a) / sizeof(*(a)))
/* C does not add const to a pointer to an array by itself. */
#define CONST32(p) ((const uint8_t(*)[32])(p))

/* The k-th bytes32 test value: k as a 256-bit big-endian number. */
static void value_b32(uint8_t v[32], uint64_t k)
{
	memset(v, 0, 32);
	for (int j = 0; j < 8; j++)
		v[31 - j] = (uint8_t)(k >> (8 * j));
}

/* hex of n 32-byte hashes, concatenated; caller frees. */
static char *hex_hashes(const uint8_t (*h)[32], size_t n)
{
	char *s = xmalloc(64 * n + 1);

	s[0] = '\0';
	for (size_t k = 0; k < n; k++)
		hex_encode(s + 64 * k, h[k], 32);
	return s;
}

static int hex_is(const char *what, size_t i, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "%s %zu: got %s\n  want %s\n", what, i, got, want);
	return 0;
}

/* Every way a proof can be wrong: each must be PROV_EVERIFY. */
static int rejects_tampering(const struct merkle *m, size_t i,
			     const uint8_t leaf[32])
{
	uint8_t (*p)[32] = NULL;
	uint8_t bad[32], root[32];
	size_t n = 0;
	int ok = 0;

	if (merkle_proof(&p, &n, m, i))
		goto done;
	memcpy(root, m->nodes[0], 32);
	if (merkle_verify(root, leaf, CONST32(p), n))
		goto done;
	/* one flipped bit in each element of the proof, at varying places */
	for (size_t k = 0; k < n; k++) {
		unsigned bit = (unsigned)((i * 7 + k * 13) % 256);
		p[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (merkle_verify(root, leaf, CONST32(p), n) != PROV_EVERIFY)
			goto done;
		p[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* a wrong leaf, a wrong root */
	memcpy(bad, leaf, 32);
	bad[i % 32] ^= 0x80;
	if (merkle_verify(root, bad, CONST32(p), n) != PROV_EVERIFY)
		goto done;
	memcpy(bad, root, 32);
	bad[31] ^= 1;
	if (merkle_verify(bad, leaf, CONST32(p), n) != PROV_EVERIFY)
		goto done;
	/* a proof cut short, or one element too long */
	if (n > 0 &&
	    merkle_verify(root, leaf, CONST32(p), n - 1) != PROV_EVERIFY)
		goto done;
	p = xrealloc(p, (n + 1) * 32);
	memcpy(p[n], leaf, 32);
	if (merkle_verify(root, leaf, CONST32(p), n + 1) != PROV_EVERIFY)
		goto done;
	ok = 1;
done:
	if (!ok)
		fprintf(stderr,
			"leaf %zu: a tampered proof was not rejected (%s)\n", i,
			prov_error_last());
	free(p);
	return ok;
}

/* Builds a tree over leaves and checks it against a known root and proofs,
 * then checks that every leaf's proof verifies and tampering is caught. */
static int tree_is(const uint8_t (*leaves)[32], size_t n, const char *root,
		   const struct known *k, size_t nk)
{
	struct merkle *m = NULL;
	char hex[65];
	int ok = 0;

	if (merkle_build(&m, leaves, n)) {
		fprintf(stderr, "merkle_build: %s\n", prov_error_last());
		return 0;
	}
	hex_encode(hex, m->nodes[0], 32);
	if (!hex_is("root of a tree of", n, hex, root))
		goto done;
	for (size_t j = 0; j < nk; j++) {
		uint8_t (*p)[32] = NULL;
		size_t np = 0;
		char *got;
		int same;

		hex_encode(hex, leaves[k[j].i], 32);
		if (!hex_is("leaf hash", k[j].i, hex, k[j].leaf))
			goto done;
		if (merkle_proof(&p, &np, m, k[j].i))
			goto done;
		got = hex_hashes(CONST32(p), np);
		same = hex_is("proof of leaf", k[j].i, got, k[j].proof);
		free(got);
		free(p);
		if (!same)
			goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (!rejects_tampering(m, i, leaves[i]))
			goto done;
	ok = 1;
done:
	merkle_free(m);
	return ok;
}

static int b32_tree_is(size_t n, const char *root, const struct known *k,
		       size_t nk)
{
	uint8_t (*leaves)[32] = xmalloc(n * 32);
	int ok;

	for (size_t i = 0; i < n; i++) {
		uint8_t v[32];

		value_b32(v, i + 1);
		merkle_leaf_bytes32(leaves[i], v);
	}
	ok = tree_is(CONST32(leaves), n, root, k, nk);
	free(leaves);
	return ok;
}

#define B32_TREE(n)                                                            \
	b32_tree_is(n, b32_##n##_root, b32_##n##_proofs,                       \
		    NKNOWN(b32_##n##_proofs))

static void test_bytes32_known(void)
{
	CHECK(B32_TREE(1));
	CHECK(B32_TREE(2));
	CHECK(B32_TREE(3));
	CHECK(B32_TREE(4));
	CHECK(B32_TREE(5));
	CHECK(B32_TREE(7));
	CHECK(B32_TREE(8));
	CHECK(B32_TREE(100));
}

static void test_one_leaf(void)
{
	/* a one-leaf tree's root is the leaf, and its proof is empty */
	uint8_t v[32], leaf[32];
	uint8_t (*p)[32] = NULL;
	struct merkle *m = NULL;
	size_t n = 99;

	value_b32(v, 1);
	merkle_leaf_bytes32(leaf, v);
	CHECK(merkle_build(&m, CONST32(&leaf), 1) == 0);
	CHECK(memcmp(m->nodes[0], leaf, 32) == 0);
	CHECK(m->where[0] == 0);
	CHECK(merkle_proof(&p, &n, m, 0) == 0);
	free(p);
	merkle_free(m);
	CHECK(n == 0);
	CHECK(merkle_verify(leaf, leaf, NULL, 0) == 0);
}

static void test_address_uint256_known(void)
{
	/* amounts 2^256-1, 2^256-2, 0, 1 and 10^18, to addresses 0x11..11,
	 * 0x22..22, 0x33..33, 0x44..44 and 0xab..ab */
	static const uint8_t addr_byte[5] = { 0x11, 0x22, 0x33, 0x44, 0xab };
	uint8_t leaves[5][32];

	for (size_t i = 0; i < 5; i++) {
		uint8_t addr[20], amount[32] = { 0 };

		memset(addr, addr_byte[i], 20);
		if (i == 0 || i == 1)
			memset(amount, 0xff, 32);
		if (i == 1)
			amount[31] = 0xfe;
		if (i == 3)
			amount[31] = 1;
		if (i == 4)
			value_b32(amount, 1000000000000000000ULL);
		merkle_leaf_address_uint256(leaves[i], addr, amount);
	}
	CHECK(tree_is(CONST32(leaves), 5, addr_5_root, addr_5_proofs,
		      NKNOWN(addr_5_proofs)));
}

static void test_duplicates(void)
{
	/* values 0xaa, 0xbb, 0xaa, 0xcc, 0xaa: OZ's stable sort keeps the three
	 * equal hashes in the order given, so the first 0xaa sits at the
	 * highest node index; the proofs of positions 0 and 4 differ. */
	static const uint64_t vals[5] = { 0xaa, 0xbb, 0xaa, 0xcc, 0xaa };
	uint8_t leaves[5][32];
	struct merkle *m = NULL;
	int order;

	for (size_t i = 0; i < 5; i++) {
		uint8_t v[32];

		value_b32(v, vals[i]);
		merkle_leaf_bytes32(leaves[i], v);
	}
	CHECK(tree_is(CONST32(leaves), 5, dup_5_root, dup_5_proofs,
		      NKNOWN(dup_5_proofs)));
	CHECK(merkle_build(&m, CONST32(leaves), 5) == 0);
	order = m->where[0] == m->where[2] + 1 &&
		m->where[2] == m->where[4] + 1;
	merkle_free(m);
	CHECK(order);
}

static void test_other_root(void)
{
	/* proofs from the 8-leaf tree do not verify against the 7-leaf tree
	 * over the same first seven values */
	uint8_t leaves[8][32];
	struct merkle *m7 = NULL, *m8 = NULL;
	int rejected = 1;

	for (size_t i = 0; i < 8; i++) {
		uint8_t v[32];

		value_b32(v, i + 1);
		merkle_leaf_bytes32(leaves[i], v);
	}
	CHECK(merkle_build(&m7, CONST32(leaves), 7) == 0);
	CHECK(merkle_build(&m8, CONST32(leaves), 8) == 0);
	for (size_t i = 0; i < 7; i++) {
		uint8_t (*p)[32] = NULL;
		size_t n = 0;

		if (merkle_proof(&p, &n, m8, i) ||
		    merkle_verify(m8->nodes[0], leaves[i], CONST32(p), n) !=
			    0 ||
		    merkle_verify(m7->nodes[0], leaves[i], CONST32(p), n) !=
			    PROV_EVERIFY)
			rejected = 0;
		free(p);
	}
	merkle_free(m7);
	merkle_free(m8);
	CHECK(rejected);
}

/* A tree big enough that merkle_build hashes its wide levels on several
 * threads, checked node by node against the layout: leaves ascending from
 * the last node backwards, where[] a permutation onto them, and every
 * internal node the keccak256 of its children, the smaller first. */
static void test_large(void)
{
	enum { N = 20000 };
	uint8_t (*leaves)[32] = xmalloc((size_t)N * 32);
	uint8_t *seen = xcalloc(N, 1);
	struct merkle *m = NULL;
	size_t bad = SIZE_MAX;

	for (size_t i = 0; i < N; i++) {
		uint8_t v[32];

		value_b32(v, i % 19000); /* 1,000 values twice */
		merkle_leaf_bytes32(leaves[i], v);
	}
	CHECK(merkle_build(&m, CONST32(leaves), N) == 0);
	for (size_t k = 1; k < N && bad == SIZE_MAX; k++)
		if (memcmp(m->nodes[2 * N - 2 - k], m->nodes[2 * N - 1 - k],
			   32) < 0)
			bad = 2 * N - 2 - k;
	for (size_t i = 0; i < N && bad == SIZE_MAX; i++) {
		size_t j = m->where[i];

		if (j < N - 1 || j > 2 * N - 2 || seen[j - (N - 1)]++ ||
		    memcmp(m->nodes[j], leaves[i], 32) != 0)
			bad = j;
	}
	for (size_t i = 0; i < N - 1 && bad == SIZE_MAX; i++) {
		const uint8_t *a = m->nodes[2 * i + 1],
			      *b = m->nodes[2 * i + 2];
		uint8_t cat[64], h[32];

		if (memcmp(a, b, 32) > 0) {
			const uint8_t *t = a;
			a = b;
			b = t;
		}
		memcpy(cat, a, 32);
		memcpy(cat + 32, b, 32);
		keccak256(h, cat, 64);
		if (memcmp(h, m->nodes[i], 32) != 0)
			bad = i;
	}
	for (size_t i = 0; i < N && bad == SIZE_MAX; i += 997)
		if (!rejects_tampering(m, i, leaves[i]))
			bad = i;
	merkle_free(m);
	free(leaves);
	free(seen);
	if (bad != SIZE_MAX)
		fprintf(stderr, "node %zu of a %d-leaf tree is wrong\n", bad,
			N);
	CHECK(bad == SIZE_MAX);
}

static void test_invalid(void)
{
	struct merkle *m = (struct merkle *)1;
	uint8_t leaf[32] = { 0 };
	uint8_t (*p)[32] = (uint8_t(*)[32])1;
	size_t n = 7;

	CHECK(merkle_build(&m, NULL, 0) == PROV_EINVALID);
	CHECK(m == NULL);
	CHECK(strstr(prov_error_last(), "no leaves") != NULL);
	CHECK(merkle_build(&m, CONST32(&leaf), 1) == 0);
	CHECK(merkle_proof(&p, &n, m, 1) == PROV_EINVALID);
	merkle_free(m);
	CHECK(p == NULL && n == 0);
	merkle_free(NULL);
}

/* ---- the live oracle ---------------------------------------------------- */

#define ORACLE "tests/oracle/oz-merkle.mjs"
#define ORACLE_MODULE                                                          \
	"tests/oracle/node_modules/@openzeppelin/merkle-tree/package.json"

static int oracle_installed(void)
{
	if (access(ORACLE_MODULE, R_OK) == 0)
		return 1;
	fprintf(stderr,
		"the Merkle oracle is not installed (no %s): "
		"run scripts/npm-deps.sh\n",
		ORACLE_MODULE);
	return 0;
}

/* Runs `node ORACLE mode` with input on stdin; out gets its stdout. */
static int oracle_run(struct buf *out, const char *mode,
		      const struct buf *input)
{
	char in[300], cmd[400], chunk[65536];
	FILE *f;
	size_t got;
	int st;

	snprintf(in, sizeof(in), "%s/oracle-in.json", unit_tmpdir());
	if (write_file_atomic(in, input->ptr, input->len, 0600, 0)) {
		fprintf(stderr, "%s\n", prov_error_last());
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "node %s %s <'%s'", ORACLE, mode, in);
	if (!(f = popen(cmd, "r"))) {
		perror("popen");
		return 0;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(out, chunk, got);
	st = pclose(f);
	if (st != 0) {
		fprintf(stderr,
			"`%s` failed (exit status %d): is node installed? "
			"run scripts/npm-deps.sh\n",
			cmd, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return 0;
	}
	return 1;
}

/* splitmix64: reproducible from the seed printed on failure */
static uint64_t rng;
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}
static uint64_t seed(void)
{
	const char *s = getenv("PROV_MERKLE_SEED");

	rng = s ? strtoull(s, NULL, 0)
		: (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
	return rng;
}
static void seed_show(uint64_t s)
{
	fprintf(stderr, "random values from PROV_MERKLE_SEED=%llu\n",
		(unsigned long long)s);
}

/* A value set in the oracle's terms: types, and each value's JSON. */
struct values {
	const char *types; /* a JSON array */
	size_t n;
	char **json; /* JSON array of one value */
	uint8_t (*leaves)[32];
};

static void values_release(struct values *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->json[i]);
	free(v->json);
	free(v->leaves);
}

static void random_bytes32(struct values *v, size_t n)
{
	uint8_t (*vals)[32] = xmalloc(n * 32);

	v->types = "[\"bytes32\"]";
	v->n = n;
	v->json = xcalloc(n, sizeof(char *));
	v->leaves = xmalloc(n * 32);
	rnd_bytes(vals[0], n * 32);
	/* duplicates, far apart and next to each other */
	memcpy(vals[n - 1], vals[3], 32);
	memcpy(vals[n / 2], vals[3], 32);
	memcpy(vals[11], vals[10], 32);
	/* a small value: leading zero bytes */
	memset(vals[7], 0, 31);
	for (size_t i = 0; i < n; i++) {
		char hex[65];

		hex_encode(hex, vals[i], 32);
		v->json[i] = xasprintf("[\"0x%s\"]", hex);
		merkle_leaf_bytes32(v->leaves[i], vals[i]);
	}
	free(vals);
}

static void random_address_uint256(struct values *v, size_t n)
{
	v->types = "[\"address\",\"uint256\"]";
	v->n = n;
	v->json = xcalloc(n, sizeof(char *));
	v->leaves = xmalloc(n * 32);
	for (size_t i = 0; i < n; i++) {
		uint8_t addr[20], amount[32];
		char ha[41], hm[65];

		rnd_bytes(addr, 20);
		rnd_bytes(amount, 32);
		if (i == 0 || i == 1) /* 2^256-1, 2^256-2 */
			memset(amount, 0xff, 32);
		if (i == 1)
			amount[31] = 0xfe;
		if (i == 2) /* zero to the zero address */
			memset(addr, 0, 20), memset(amount, 0, 32);
		if (i % 3 == 0 && i > 2) /* amounts of realistic size */
			memset(amount, 0, 20);
		hex_encode(ha, addr, 20);
		hex_encode(hm, amount, 32);
		v->json[i] = xasprintf("[\"0x%s\",\"0x%s\"]", ha, hm);
		merkle_leaf_address_uint256(v->leaves[i], addr, amount);
	}
	/* the same account and amount twice, and in three places */
	free(v->json[n - 1]);
	v->json[n - 1] = xstrdup(v->json[5]);
	memcpy(v->leaves[n - 1], v->leaves[5], 32);
	free(v->json[n / 2]);
	v->json[n / 2] = xstrdup(v->json[5]);
	memcpy(v->leaves[n / 2], v->leaves[5], 32);
}

/* The hex digits of a "0x..." JSON string. */
static const char *jhex(const json_t *v)
{
	const char *s = json_string_value(v);

	return s && strncmp(s, "0x", 2) == 0 ? s + 2 : "(not a 0x string)";
}
static const char *jstr(const json_t *a, size_t i)
{
	return jhex(json_array_get(a, i));
}

/* Our tree against the oracle's: root, every leaf hash, every proof. */
static int oracle_agrees(const struct values *v, const struct merkle *m)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	json_t *doc = NULL, *proofs, *hashes;
	char hex[65];
	int ok = 0;

	buf_printf(&in, "{\"types\":%s,\"values\":[", v->types);
	for (size_t i = 0; i < v->n; i++)
		buf_printf(&in, "%s%s", i ? "," : "", v->json[i]);
	buf_puts(&in, "]}");
	if (!oracle_run(&out, "tree", &in))
		goto done;
	if (json_parse(&doc, out.ptr, out.len, "the oracle's output")) {
		fprintf(stderr, "%s\n", prov_error_last());
		goto done;
	}
	proofs = json_object_get(doc, "proofs");
	hashes = json_object_get(doc, "leafHashes");
	if (json_array_size(proofs) != v->n ||
	    json_array_size(hashes) != v->n) {
		fprintf(stderr,
			"the oracle gave %zu proofs and %zu leaf hashes "
			"for %zu values\n",
			json_array_size(proofs), json_array_size(hashes), v->n);
		goto done;
	}
	hex_encode(hex, m->nodes[0], 32);
	if (!hex_is("root of a tree of", v->n, hex,
		    jhex(json_object_get(doc, "root"))))
		goto done;
	for (size_t i = 0; i < v->n; i++) {
		json_t *want = json_array_get(proofs, i);
		uint8_t (*p)[32] = NULL;
		size_t np = 0;
		int same = 1;

		hex_encode(hex, v->leaves[i], 32);
		if (!hex_is("leaf hash", i, hex, jstr(hashes, i)))
			goto done;
		if (merkle_proof(&p, &np, m, i))
			goto done;
		if (np != json_array_size(want)) {
			fprintf(stderr,
				"proof of leaf %zu: %zu hashes, the oracle "
				"has %zu\n",
				i, np, json_array_size(want));
			same = 0;
		}
		for (size_t k = 0; same && k < np; k++) {
			hex_encode(hex, p[k], 32);
			same = hex_is("proof element of leaf", i, hex,
				      jstr(want, k));
		}
		free(p);
		if (!same)
			goto done;
	}
	ok = 1;
done:
	json_decref(doc);
	buf_release(&in);
	buf_release(&out);
	return ok;
}

/* The other direction: StandardMerkleTree.verify accepts our proofs for a
 * sample of leaves (the first, the last, every 37th, the duplicates), and
 * rejects one with a flipped bit (so "true" is not all it can say). */
static int oracle_verifies(const struct values *v, const struct merkle *m)
{
	struct buf in = BUF_INIT, out = BUF_INIT, want = BUF_INIT;
	char root[65];
	size_t nsample = 0;
	int ok = 0;

	hex_encode(root, m->nodes[0], 32);
	buf_putc(&in, '[');
	for (size_t i = 0; i <= v->n; i++) {
		size_t leaf = i == v->n ? 0 : i; /* the last: tampered */
		uint8_t (*p)[32] = NULL;
		size_t np = 0;

		if (i < v->n &&
		    !(i % 37 == 0 || i == v->n - 1 || i == v->n / 2 || i == 5 ||
		      i == 3 || i == 10 || i == 11))
			continue;
		if (merkle_proof(&p, &np, m, leaf))
			goto done;
		if (i == v->n)
			p[np - 1][0] ^= 0x01;
		buf_printf(&in,
			   "%s{\"root\":\"0x%s\",\"types\":%s,\"value\":%s,"
			   "\"proof\":[",
			   nsample ? "," : "", root, v->types, v->json[leaf]);
		for (size_t k = 0; k < np; k++) {
			char hex[65];

			hex_encode(hex, p[k], 32);
			buf_printf(&in, "%s\"0x%s\"", k ? "," : "", hex);
		}
		buf_puts(&in, "]}");
		buf_puts(&want, i == v->n ? "false\n" : "true\n");
		nsample++;
		free(p);
	}
	buf_putc(&in, ']');
	if (!oracle_run(&out, "verify", &in))
		goto done;
	if (strcmp(out.ptr, want.ptr) != 0) {
		fprintf(stderr,
			"StandardMerkleTree.verify of our proofs said:\n"
			"%s\nwant:\n%s",
			out.ptr, want.ptr);
		goto done;
	}
	ok = 1;
done:
	buf_release(&in);
	buf_release(&out);
	buf_release(&want);
	return ok;
}

static int live(struct values *v)
{
	struct merkle *m = NULL;
	int ok;

	if (merkle_build(&m, CONST32(v->leaves), v->n)) {
		fprintf(stderr, "merkle_build: %s\n", prov_error_last());
		return 0;
	}
	ok = oracle_agrees(v, m) && oracle_verifies(v, m);
	merkle_free(m);
	return ok;
}

static void test_oracle_bytes32(void)
{
	struct values v = { 0 };
	uint64_t s;
	int ok;

	CHECK(oracle_installed());
	s = seed();
	random_bytes32(&v, 1000);
	ok = live(&v);
	values_release(&v);
	if (!ok)
		seed_show(s);
	CHECK(ok);
}

static void test_oracle_address_uint256(void)
{
	struct values v = { 0 };
	uint64_t s;
	int ok;

	CHECK(oracle_installed());
	s = seed();
	random_address_uint256(&v, 300);
	ok = live(&v);
	values_release(&v);
	if (!ok)
		seed_show(s);
	CHECK(ok);
}

int main(void)
{
	RUN(test_bytes32_known);
	RUN(test_one_leaf);
	RUN(test_address_uint256_known);
	RUN(test_duplicates);
	RUN(test_other_root);
	RUN(test_large);
	RUN(test_invalid);
	RUN(test_oracle_bytes32);
	RUN(test_oracle_address_uint256);
	return unit_done();
}
