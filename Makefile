# ktstr build: libktstr.a, the ktstr command, unit tests, benchmarks.
#   make            release build into build/
#   make SAN=1      ASan + UBSan build into build-asan/
#   make test       format check, unit tests in both builds, VM tests
#   make bench      benchmarks (print numbers, never fail on speed)
# Make rather than Meson: the tree is small, the only dependencies are
# Debian packages found by path, and Make is on every build machine.

SAN ?= 0
ifeq ($(SAN),1)
O ?= build-asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
O ?= build
SANFLAGS :=
endif

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
	  -Iinclude -D_GNU_SOURCE $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LIBS := -ljansson -lzstd -lm -lpthread

# The ktstr binary is static in the release build so it can be a guest's
# /init with nothing else in the initramfs.
ifeq ($(SAN),1)
KTSTR_LDFLAGS :=
else
KTSTR_LDFLAGS := -static
endif

LIB_SRCS := $(wildcard src/lib/*.c) $(wildcard src/vm/*.c)
# The guest role (PID 1 in a VM) is part of the ktstr binary; its objects
# also go into a small archive so unit tests can link the pure parts.
GUEST_SRCS := $(wildcard src/guest/*.c)
CLI_SRCS := $(wildcard src/cli/*.c) $(GUEST_SRCS)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_HELPERS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
# bench/bare_init.c is not a benchmark but the guest /init of
# bench_vm_boot's bare boot: static, no sanitizers, never run on the host.
BENCH_SRCS := $(filter-out bench/bare_init.c,$(wildcard bench/*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(O)/%.o)
GUEST_OBJS := $(GUEST_SRCS:%.c=$(O)/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
UNIT_HELPER_OBJS := $(UNIT_HELPERS:%.c=$(O)/%.o)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(O)/bench/%)

FIXTURES := $(abspath tests/fixtures)

.PHONY: all test check unit format format-check bench clean
all: $(O)/ktstr $(O)/libktstr.a $(UNIT_BINS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DKT_FIXTURES_DIR='"$(FIXTURES)"' -c $< -o $@

$(O)/libktstr.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/libktstr-guest.a: $(GUEST_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/ktstr: $(CLI_OBJS) $(O)/libktstr.a
	$(CC) $(LDFLAGS) $(KTSTR_LDFLAGS) -o $@ $(CLI_OBJS) $(O)/libktstr.a $(LIBS)

$(O)/tests/%: $(O)/tests/unit/%.o $(UNIT_HELPER_OBJS) $(O)/libktstr-guest.a $(O)/libktstr.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(UNIT_HELPER_OBJS) $(O)/libktstr-guest.a $(O)/libktstr.a $(LIBS) -lcmocka

$(O)/bench/%: $(O)/bench/%.o $(O)/libktstr.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(O)/libktstr.a $(LIBS)

$(O)/bench/bare_init: bench/bare_init.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -static -o $@ $<

# Run every unit test binary of this build; a summary line closes the run.
unit: $(UNIT_BINS) $(O)/ktstr
	@KTSTR_BIN=$(abspath $(O)/ktstr) scripts/run-unit-tests.sh $(UNIT_BINS)

# The README's test command: format check, unit tests in both builds,
# VM tests (see scripts/test.sh).
test:
	@scripts/test.sh

check: unit

format:
	clang-format -i $$(find include src tests bench scheds -name '*.[ch]' 2>/dev/null)

format-check:
	@clang-format --dry-run -Werror $$(find include src tests bench scheds -name '*.[ch]' 2>/dev/null) && echo "clang-format: clean"

bench: $(BENCH_BINS) $(O)/bench/bare_init $(O)/ktstr
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf build build-asan

-include $(shell find $(O) -name '*.d' 2>/dev/null)
