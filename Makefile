# prov: one Makefile. `make` builds, `make test` runs every test, `make demo`
# runs the walkthrough, `make bench` measures, `make fuzz` fuzzes.
# SANITIZE=1 builds with AddressSanitizer and UBSan into build-asan/.

PKGS     := libgit2 libsodium jansson libcrypto zlib libcbor libjpeg libsecp256k1 libcurl libpq gmp
CC       ?= cc
ifeq ($(SANITIZE),1)
B        := build-asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
B        := build
SANFLAGS :=
endif
OPT      ?= -O2
WARN     := -Wall -Wextra -Werror -Wvla -Wformat=2 -Wshadow -Wno-unused-parameter
CFLAGS   += -std=gnu11 $(OPT) -g $(WARN) -I. $(SANFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

CORE_SRC := $(wildcard core/*.c license/*.c manifest/*.c c2pa/*.c chain/*.c royalties/*.c)
CLI_SRC  := $(wildcard cli/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
# prov-indexer: its own files, the migrations embedded from SQL, and cli.c's
# option tables, error reporting and RPC helpers
IDX_SRC  := $(wildcard indexer/*.c)
IDX_SQL  := $(sort $(wildcard indexer/migrations/*.sql))
IDX_OBJ  := $(IDX_SRC:%.c=$(B)/%.o) $(B)/indexer/migrations.o $(B)/cli/cli.o
UNIT_SRC := $(wildcard tests/unit/*.c)
# linked into every unit: the harness, and anvil.h's helper (anvil starts
# only in a test that calls anvil_start)
UNIT_LIB := tests/unit/unit.c tests/unit/anvil.c
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(filter-out $(UNIT_LIB),$(UNIT_SRC)))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BIN := $(patsubst tests/fuzz/%.c,$(B)/tests/replay/%,$(FUZZ_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))

.PHONY: all deps test unit demo bench fuzz clean format
all: $(B)/prov $(B)/prov-indexer

deps:
	@scripts/deps.sh test
	@scripts/npm-deps.sh

$(B)/%.o: %.c $(wildcard core/*.h license/*.h manifest/*.h c2pa/*.h chain/*.h royalties/*.h cli/*.h indexer/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libprovcore.a: $(CORE_OBJ)
	$(AR) rcs $@ $^

$(B)/prov: $(CLI_OBJ) $(B)/libprovcore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/indexer/migrations.c: scripts/embed-sql.sh $(IDX_SQL)
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh $(IDX_SQL) >$@.tmp && mv $@.tmp $@

$(B)/indexer/migrations.o: $(B)/indexer/migrations.c indexer/indexer.h
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/prov-indexer: $(IDX_OBJ) $(B)/libprovcore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/unit/%: tests/unit/%.c $(UNIT_LIB) tests/unit/unit.h tests/unit/anvil.h $(B)/libprovcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_LIB) $(B)/libprovcore.a $(LDLIBS)

# Fuzz targets, built with a small driver that replays their corpus.
$(B)/tests/replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(B)/libprovcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libprovcore.a $(LDLIBS)

unit: $(UNIT_BIN) $(REPLAY_BIN)

test: deps
	@$(MAKE) --no-print-directory all unit
	@B=$(B) tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@PROV=$(CURDIR)/$(B)/prov examples/creator.sh
	@PROV=$(CURDIR)/$(B)/prov examples/curator.sh
	@PROV=$(CURDIR)/$(B)/prov examples/provider.sh
	@PROV=$(CURDIR)/$(B)/prov examples/auditor.sh
	@PROV=$(CURDIR)/$(B)/prov examples/anchor.sh
	@PROV=$(CURDIR)/$(B)/prov examples/model-owner.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@bench/run.sh

# libFuzzer with ASan; FUZZ_TIME seconds per target (default 60).
build-fuzz/%: tests/fuzz/%.c $(CORE_SRC) core/core.h $(wildcard license/*.h manifest/*.h c2pa/*.h chain/*.h royalties/*.h)
	@mkdir -p build-fuzz
	clang -std=gnu11 -O1 -g -I. -fsanitize=fuzzer,address,undefined $(shell pkg-config --cflags $(PKGS)) \
		-o $@ $< $(CORE_SRC) $(LDLIBS)

fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@tests/fuzz/run.sh $(FUZZ_TIME)

format:
	clang-format -i core/*.[ch] license/*.[ch] c2pa/*.[ch] chain/*.[ch] royalties/*.[ch] cli/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c

clean:
	rm -rf build build-asan build-fuzz

# gcc unrolls the Keccak permutation only at -O3: 4x faster Merkle trees.
$(B)/core/keccak.o: OPT = -O3
