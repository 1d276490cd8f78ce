# herd — build, test and install the suite.  See README.md.
O ?= build
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
PKG_CONFIG ?= pkg-config

CFLAGS ?= -O2 -g
WARNINGS = -Wall -Wextra -Werror -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -Ilib -DHERD_EXEC_DIR='"$(BINDIR)"'

PROGRAMS = herd herd-select herd-run herd-group herd-hist herd-ui herd-notify
TOOLS = rec-roundtrip measure hdiff rec-get rec-make mux-listen mux-client serve-bench stream-lat \
	unix-relay http-recv
# A tool may take in objects of a program (without its main).
TOOL_OBJS_mux-listen = $(O)/obj/herd-run/listen.o
TOOL_OBJS_mux-client = $(patsubst %,$(O)/obj/herd-run/%.o,listen mux_client mux_relay)

LIB_PKGS = yaml-0.1 libpcre2-8 jansson libbsd-overlay libmd
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1))

PKGS_herd = $(LIB_PKGS)
PKGS_herd-select = $(LIB_PKGS)
PKGS_herd-run = $(LIB_PKGS) libssh
PKGS_herd-group = $(LIB_PKGS)
PKGS_herd-hist = $(LIB_PKGS) sqlite3 libzstd
PKGS_herd-notify = $(LIB_PKGS) libcurl
PKGS_herd-ui = $(LIB_PKGS) libedit ncursesw
# A program may take in objects of another (herd-ui finds programs as herd does).
PROG_OBJS_herd-ui = $(O)/obj/herd/execpath.o

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(O)/obj/%.o)
LIB = $(O)/libherd.a

ALL_CFLAGS = -std=gnu11 $(WARNINGS) $(CFLAGS) $(call pkg_cflags,$(LIB_PKGS) libssh libcurl sqlite3)

.PHONY: all asan check check-asan unit fuzz fuzz-build bench demo deps install clean FORCE
.SUFFIXES:
.SECONDEXPANSION:
.SECONDARY:

all: $(PROGRAMS:%=$(O)/%) $(TOOLS:%=$(O)/tests/%)

$(O)/obj/%.o: %.c lib/herd.h lib/conf.h $$(wildcard $$(dir $$*)*.h)
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# herd finds its programs in BINDIR: rebuild it when BINDIR changes.
$(O)/exec-dir: FORCE
	@mkdir -p $(O)
	@echo '$(BINDIR)' | cmp -s - $@ || echo '$(BINDIR)' >$@
$(O)/obj/herd/herd.o: $(O)/exec-dir

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

objs = $(patsubst %.c,$(O)/obj/%.o,$(wildcard $(1)/*.c))
$(PROGRAMS:%=$(O)/%): $(O)/%: $$(call objs,$$*) $$(PROG_OBJS_$$*) $(LIB)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(PKGS_$*))

$(O)/tests/%: $(O)/obj/tests/tools/%.o $$(TOOL_OBJS_$$*) $(LIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(LIB_PKGS))

# The unit tests of lib/ (tests/unit/README).
$(O)/tests/unit: $$(call objs,tests/unit) $(LIB)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(LIB_PKGS))

unit: $(O)/tests/unit
	$(O)/tests/unit

# libFuzzer targets (fuzz/README), built with clang into FUZZ_O.  A target
# may take in a program's objects: their main is renamed herd_prog_main.
FUZZ_TARGETS = rec group conf select sshconf notify snapshot confedit recipe
FUZZ_O = build-fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_WRAP = -Wl,--wrap=exit,--wrap=err,--wrap=errx,--wrap=verr,--wrap=verrx,--wrap=atexit
FUZZ_OBJS_group = $(call objs,herd-group)
FUZZ_OBJS_sshconf = $(call objs,herd-run)
FUZZ_LDFLAGS_sshconf = -Wl,--wrap=fopen
FUZZ_PKGS_sshconf = libssh
FUZZ_OBJS_notify = $(call objs,herd-notify)
FUZZ_PKGS_notify = libcurl
FUZZ_OBJS_snapshot = $(O)/obj/herd-hist/snapshot_parse.o

$(O)/fuzz/%: $(O)/obj/fuzz/%.o $(O)/obj/fuzz/common.o $$(FUZZ_OBJS_$$*) $(LIB)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) $(FUZZ_WRAP) $(FUZZ_LDFLAGS_$*) -o $@ $^ \
	    $(call pkg_libs,$(LIB_PKGS) $(FUZZ_PKGS_$*))

fuzz-build:
	@scripts/deps.sh fuzz
	$(MAKE) O=$(FUZZ_O) CC=clang WARNINGS="-Wall -Wno-unused-parameter" \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) -Dmain=herd_prog_main" \
	    LDFLAGS="$(FUZZ_SAN)" $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz/%)

# Each target for FUZZ_SECONDS (60 unless FUZZ_RUNS is given) or FUZZ_RUNS executions.
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) fuzz/run $(FUZZ_O) $(FUZZ_TARGETS)

SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan:
	$(MAKE) O=build-asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all

deps:
	@scripts/deps.sh

check: deps
	$(MAKE) all
	$(MAKE) unit
	scripts/run-tests $(O)

check-asan: deps
	$(MAKE) asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(MAKE) O=build-asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    scripts/run-tests build-asan

demo: deps
	$(MAKE) all
	scripts/demo $(O)

bench:
	@scripts/deps.sh bench
	$(MAKE) all
	bench/run $(O)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(PROGRAMS:%=$(O)/%) $(DESTDIR)$(BINDIR)
	install -m 644 $(foreach p,$(PROGRAMS),$(p)/$(p).1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7

clean:
	rm -rf build build-asan $(FUZZ_O)
