# ktstr build: libktstr.a, the ktstr command, unit tests, benchmarks.
#   make            release build into build/
#   make SAN=1      ASan + UBSan build into build-asan/
#   make test       format check, header check, unit tests in both builds,
#                   VM tests (scripts/test.sh; O=DIR builds in DIR, DIR-asan)
#   make header-check  each public header compiles alone, without jansson
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
	  -Iinclude -Isrc/lib -D_GNU_SOURCE $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
# libbpf (Debian's libbpf-dev, static in the release ktstr): BTF parsing for the
# host-side monitor and map lookups for bpf_map_write in the guest.
LIBS := -lbpf -lelf -lz -ljansson -lzstd -lnettle -lm -lpthread

# The ktstr binary is static in the release build so it can be a guest's
# /init with nothing else in the initramfs.
ifeq ($(SAN),1)
KTSTR_LDFLAGS :=
else
KTSTR_LDFLAGS := -static
endif

LIB_SRCS := $(wildcard src/lib/*/*.c)
# The guest role (PID 1 in a VM) is part of the ktstr binary; its objects
# also go into a small archive so unit tests can link the pure parts.
GUEST_SRCS := $(wildcard src/guest/*.c)
CLI_SRCS := $(wildcard src/cli/*.c) $(GUEST_SRCS)
# kt_test_main + a main(): with the guest objects, libktstr-test.a is what
# a KTSTR_TEST binary links (docs/ktest.md); tests/ktest is our own.
TESTMAIN_SRCS := $(wildcard src/testmain/*.c)
# The option tables (src/cli/options*.c) also parse a test binary's
# command line, and unit tests link them.
OPTION_SRCS := $(wildcard src/cli/options*.c)
# The pure pieces of the artifacts directory and the BUG SUMMARY line go
# with them, for their unit tests (docs/recorder.md).
OPTION_SRCS += src/cli/artifacts_args.c src/cli/bug_summary.c
KTEST_SRCS := $(wildcard tests/ktest/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_HELPERS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
# bench/bare_init.c is not a benchmark but the guest /init of
# bench_vm_boot's bare boot: static, no sanitizers, never run on the host.
# bench/bench_host.c is the benchmarks' shared host-side helper.
BENCH_SRCS := $(filter-out bench/bare_init.c bench/bench_host.c,$(wildcard bench/*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(O)/%.o)
GUEST_OBJS := $(GUEST_SRCS:%.c=$(O)/%.o)
TESTMAIN_OBJS := $(TESTMAIN_SRCS:%.c=$(O)/%.o)
OPTION_OBJS := $(OPTION_SRCS:%.c=$(O)/%.o)
KTEST_OBJS := $(KTEST_SRCS:%.c=$(O)/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
UNIT_HELPER_OBJS := $(UNIT_HELPERS:%.c=$(O)/%.o)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(O)/bench/%)

FIXTURES := $(abspath tests/fixtures)

.PHONY: all test check unit header-check format format-check bench soak clean pc install
all: $(O)/ktstr $(O)/libktstr.a $(UNIT_BINS) $(O)/libktstr-test.a \
	$(O)/ktstr-selftest

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# Unit tests read their fixtures from the source tree; nothing else is
# told where it is.
$(O)/tests/unit/%.o: CFLAGS += -DKT_FIXTURES_DIR='"$(FIXTURES)"'

# The catalog's scenarios register themselves in a linker section
# (src/lib/catalog/catalog_register.h) and no code names a category file's
# symbols, so from an archive the linker would leave those objects out, and
# their entries with them. So the catalog's objects go into libktstr.a as
# one relocatable object (ld -r): a program that uses kt_catalog(), or any
# other catalog symbol, links every registration. That holds for any program
# linked against the archive, installed ones too, with no --whole-archive
# and no list of anchor symbols.
CATALOG_OBJS := $(filter $(O)/src/lib/catalog/%,$(LIB_OBJS))
CATALOG_MERGED := $(O)/src/lib/catalog-merged.o
$(CATALOG_MERGED): $(CATALOG_OBJS)
	$(LD) -r -o $@ $^

$(O)/libktstr.a: $(filter-out $(CATALOG_OBJS),$(LIB_OBJS)) $(CATALOG_MERGED)
	@rm -f $@
	ar rcs $@ $^

$(O)/libktstr-guest.a: $(GUEST_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/libktstr-test.a: $(TESTMAIN_OBJS) $(OPTION_OBJS) $(GUEST_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The harness's own VM tests (KTSTR_TEST), linked the way a scheduler
# project links its test binary: static in the release build (it is the
# guest's /init), main() from libktstr-test.a.
$(O)/ktstr-selftest: $(KTEST_OBJS) $(O)/libktstr-test.a $(O)/libktstr.a
	$(CC) $(LDFLAGS) $(KTSTR_LDFLAGS) -o $@ $(KTEST_OBJS) \
		$(O)/libktstr-test.a $(O)/libktstr.a $(LIBS)

# pkg-config file for projects that link their own test binary:
#   make pc PREFIX=/usr/local   -> $(O)/ktstr.pc
#   make install PREFIX=/usr/local [DESTDIR=...]
PREFIX ?= /usr/local
$(O)/ktstr.pc: scripts/ktstr.pc.in Makefile
	@mkdir -p $(dir $@)
	sed 's|@PREFIX@|$(PREFIX)|g' scripts/ktstr.pc.in >$@

pc: $(O)/ktstr.pc

install: $(O)/ktstr $(O)/libktstr.a $(O)/libktstr-test.a $(O)/ktstr.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/ktstr
	install -m 0755 $(O)/ktstr $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(O)/libktstr.a $(O)/libktstr-test.a \
		$(DESTDIR)$(PREFIX)/lib/
	install -m 0644 include/ktstr/*.h $(DESTDIR)$(PREFIX)/include/ktstr/
	install -m 0644 $(O)/ktstr.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/

$(O)/ktstr: $(CLI_OBJS) $(O)/libktstr.a
	$(CC) $(LDFLAGS) $(KTSTR_LDFLAGS) -o $@ $(CLI_OBJS) $(O)/libktstr.a $(LIBS)

# Fixture schedulers (tests/fixtures/sched/*.c): tiny static programs
# used as /ktstr/scheduler by VM tests and by the lifecycle unit test.
SCHED_FIXTURES := $(patsubst tests/fixtures/sched/%.c,$(O)/fixtures/sched/%,\
	$(wildcard tests/fixtures/sched/*.c))
$(O)/fixtures/sched/%: tests/fixtures/sched/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -static -o $@ $<
all: $(SCHED_FIXTURES)
$(UNIT_BINS): | $(SCHED_FIXTURES)

$(O)/tests/%: $(O)/tests/unit/%.o $(UNIT_HELPER_OBJS) $(OPTION_OBJS) $(O)/libktstr-guest.a $(O)/libktstr.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(UNIT_HELPER_OBJS) $(OPTION_OBJS) $(O)/libktstr-guest.a $(O)/libktstr.a $(LIBS) -lcmocka

# Kept (not deleted as intermediates) so scripts/check-spin.sh sees them.
.SECONDARY: $(BENCH_BINS:%=%.o) $(O)/bench/bench_host.o
# The guest objects too: bench_vm_spin runs the flight recorder
# (src/guest/recorder.c) in its guest; an archive only adds what is used.
$(O)/bench/%: $(O)/bench/%.o $(O)/bench/bench_host.o $(O)/libktstr-guest.a $(O)/libktstr.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(O)/bench/bench_host.o $(O)/libktstr-guest.a $(O)/libktstr.a $(LIBS)

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

check: unit header-check

# The public headers as a user gets them: each compiles on its own, and
# with a <jansson.h> that is an #error first on the include path, so
# <ktstr/ktstr.h> (which includes them all) needs no third-party header.
PUBLIC_HEADERS := $(wildcard include/ktstr/*.h)
HEADER_CHECK := $(O)/header-check
header-check:
	@rm -rf $(HEADER_CHECK) && mkdir -p $(HEADER_CHECK)/no-jansson
	@echo '#error "a public ktstr header includes <jansson.h>"' \
		>$(HEADER_CHECK)/no-jansson/jansson.h
	@for h in $(PUBLIC_HEADERS:include/%=%); do \
		printf '#include <%s>\nint main(void) { return 0; }\n' $$h \
			>$(HEADER_CHECK)/main.c; \
		$(CC) -std=gnu11 -Wall -Wextra -Werror -fsyntax-only \
			-I$(HEADER_CHECK)/no-jansson -Iinclude \
			$(HEADER_CHECK)/main.c || { \
			echo "header-check: <$$h> does not compile alone"; \
			exit 1; }; \
	done
	@echo "header-check: $(words $(PUBLIC_HEADERS)) public headers compile alone, without jansson"

format:
	clang-format -i $$(find include src tests bench scheds -name '*.[ch]' 2>/dev/null)

format-check:
	@clang-format --dry-run -Werror $$(find include src tests bench scheds -name '*.[ch]' 2>/dev/null) && echo "clang-format: clean"

# A benchmark of the verdicts' honesty: default-set VMs and catalog runs
# under EEVDF, counting false positives, inconclusive runs and host
# stalls (scripts/soak.sh: SOAK_VMS, SOAK_CATALOG, ...). About 80 minutes
# with the defaults on a 2-core host under TCG.
soak: $(O)/ktstr
	@KTSTR_BIN=$(abspath $(O)/ktstr) scripts/soak.sh

bench: $(BENCH_BINS) $(O)/bench/bare_init $(O)/ktstr
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done

# ---- scheds/: the scx-ktstr fixture scheduler ----
# Needs the BPF toolchain (clang-22, a static libbpf.a + headers, bpftool,
# the kernel's scx headers) that scripts/build-bpf-toolchain.sh builds into
# the ktstr cache, and the BTF of a cached kernel (build/ktstr kernel fetch)
# for vmlinux.h. Generated files (vmlinux.h, .bpf.o, .skel.h) stay in
# $(O)/scheds; the loader is static so it runs in the guest's initramfs.
#   make scheds [BPF_TOOLCHAIN=DIR] [VMLINUX_BTF=FILE]  -> $(O)/scx-ktstr
.PHONY: scheds
KT_CACHE := $(or $(KTSTR_CACHE_DIR),$(if $(XDG_CACHE_HOME),$(XDG_CACHE_HOME)/ktstr),$(HOME)/.cache/ktstr)
BPF_TOOLCHAIN ?= $(patsubst %/.complete,%,$(lastword $(sort $(wildcard $(KT_CACHE)/toolchain/linux-*/.complete))))
BPF_CLANG ?= clang-22
VMLINUX_BTF ?= $(firstword $(shell ls -t $(KT_CACHE)/kernels/*/btf 2>/dev/null))
SCX_OUT := $(O)/scheds/scx-ktstr

ifneq ($(filter scheds $(O)/scx-ktstr,$(MAKECMDGOALS)),)
ifeq ($(wildcard $(BPF_TOOLCHAIN)/.complete),)
$(error make scheds: no BPF toolchain in $(KT_CACHE)/toolchain: run scripts/build-bpf-toolchain.sh)
endif
ifeq ($(shell command -v $(BPF_CLANG)),)
$(error make scheds: $(BPF_CLANG) not found: run scripts/build-bpf-toolchain.sh)
endif
ifeq ($(wildcard $(VMLINUX_BTF)),)
$(error make scheds: no kernel BTF in $(KT_CACHE)/kernels: run build/ktstr kernel fetch (or pass VMLINUX_BTF=FILE))
endif
endif

scheds: $(O)/scx-ktstr $(O)/scx-ktstr.json

# The fixture's definition (docs/scheduler.md) with two flag profiles,
# next to the binary it names: `--scheduler build/scx-ktstr.json`.
$(O)/scx-ktstr.json: scheds/scx-ktstr/scx-ktstr.json
	@mkdir -p $(dir $@)
	cp $< $@

$(SCX_OUT)/vmlinux.h: $(VMLINUX_BTF)
	@mkdir -p $(dir $@)
	$(BPF_TOOLCHAIN)/bin/bpftool btf dump file $< format c >$@.tmp
	@mv $@.tmp $@

$(SCX_OUT)/scx_ktstr.bpf.o: scheds/scx-ktstr/scx_ktstr.bpf.c $(SCX_OUT)/vmlinux.h
	$(BPF_CLANG) -target bpf -O2 -g -D__TARGET_ARCH_x86 -mcpu=v3 \
		-fms-extensions -Wall -Werror -Wno-microsoft-anon-tag \
		-Wno-compare-distinct-pointer-types \
		-I$(SCX_OUT) -I$(BPF_TOOLCHAIN)/include \
		-c $< -o $@

$(SCX_OUT)/scx_ktstr.skel.h: $(SCX_OUT)/scx_ktstr.bpf.o
	$(BPF_TOOLCHAIN)/bin/bpftool gen skeleton $< name scx_ktstr >$@.tmp
	@mv $@.tmp $@

$(O)/scx-ktstr: scheds/scx-ktstr/scx_ktstr.c $(SCX_OUT)/scx_ktstr.skel.h
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
		-I$(SCX_OUT) -isystem $(BPF_TOOLCHAIN)/include $< -o $@ \
		-static $(BPF_TOOLCHAIN)/lib/libbpf.a -lelf -lz -lzstd

clean:
	rm -rf build build-asan

-include $(shell find $(O) -name '*.d' 2>/dev/null)
