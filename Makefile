# nstools - Linux namespace inspection and debugging toolkit.
#
#   make                 build everything into build/
#   make check           unit + integration tests, then the same suite under ASan/UBSan
#                        (with the fuzz corpus replayed through every harness)
#   make fuzz            run each libFuzzer harness FUZZ_SECONDS (default 60), keep
#                        new inputs in tests/fuzz/corpus/ (FUZZ=regex picks harnesses)
#   make bench           benchmarks (not part of check)
#   make install DESTDIR= PREFIX=
#   make BPF=0           build without BPF on purpose (no clang, bpftool, libbpf):
#                        the tools read /proc, nstrace says it was built so
#
# Sources are discovered: libnsinfo/*.c is the library, every tools/<name>/
# directory (but tools/common) is a tool linked as build/<name>, tests/unit/*.c
# (common_*.c linked with tools/common too) and tests/helpers/*.c are test
# programs, tests/integration/*.sh test scripts.
# A tool that needs more libraries says so in tools/<name>/tool.mk
# (PKGS_<name> := pkg-config names).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
PCDIR   ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
SANITIZE ?=

VERSION := $(shell sed -n 's/^\#define NSINFO_VERSION "\(.*\)"/\1/p' libnsinfo/include/nsinfo.h)
SOVERSION := 0

# Every Debian package the build, the tests and the benchmarks use.
# pkg-config name : Debian package
DEP_PKGS := smartcols:libsmartcols-dev json-c:libjson-c-dev \
	    ncursesw:libncurses-dev libbpf:libbpf-dev libelf:libelf-dev zlib:zlib1g-dev \
	    libmicrohttpd:libmicrohttpd-dev
# command : Debian package
DEP_CMDS := pkg-config:pkg-config clang:clang bpftool:bpftool llvm-strip:llvm \
	    ip:iproute2 lsns:util-linux nsenter:util-linux unshare:util-linux \
	    tmux:tmux ps:procps top:procps python3:python3 \
	    strace:strace strings:binutils prometheus:prometheus promtool:prometheus curl:curl
# the commands only the tests use (make check), not the build
TEST_CMD_NAMES := tmux ip lsns nsenter unshare top ps python3 strings prometheus promtool curl strace
# the container engines the integration tests run (tests/lib/engines.sh),
# installed without their recommends (no registry, network or fuse parts)
ENGINE_CMDS := podman:podman runc:runc /usr/bin/docker:docker.io dockerd:docker.io \
	       containerd:containerd ctr:containerd lxc-start:lxc busybox:busybox-static \
	       newuidmap:uidmap newgidmap:uidmap
BENCH_CMDS := bpftrace:bpftrace htop:htop /usr/bin/time:time hyperfine:hyperfine
# make fuzz (and libFuzzer itself: libclang-rt-<clang version>-dev, below)
FUZZ_CMDS := clang:clang /usr/bin/time:time

WARN    := -Wall -Wextra -Werror
PKG_CFLAGS = $(shell pkg-config --cflags smartcols json-c 2>/dev/null)
BASE_CFLAGS := -std=gnu11 $(WARN) -fPIC -fvisibility=hidden -Ilibnsinfo/include -Ilibnsinfo -Itools/common \
	       -I$(BUILD) -DNSTOOLS_VERSION='"$(VERSION)"'
ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
# the library as `make fuzz` builds it: coverage for libFuzzer (clang)
ifneq ($(FUZZ_BUILD),)
SAN_FLAGS += -fsanitize=fuzzer-no-link
endif
ALL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

LIB_PKGS := json-c
LIB_SRCS := $(sort $(wildcard libnsinfo/*.c libnsinfo/*/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_LIBS = $(shell pkg-config --libs $(LIB_PKGS) 2>/dev/null)

COMMON_SRCS := $(sort $(wildcard tools/common/*.c))
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/%.o)
TOOL_PKGS := smartcols json-c

TOOLS := $(sort $(filter-out common,$(notdir $(patsubst %/,%,$(dir $(wildcard tools/*/*.c))))))
-include $(wildcard tools/*/tool.mk)
# tools installed to sbin (section 8 man page)
SBIN_TOOLS ?=

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)
# tests/fuzz/fuzz_NAME.c: a libFuzzer harness, and (with replay.c) a replay
# of its corpus tests/fuzz/corpus/NAME/ that needs no libFuzzer
FUZZ_NAMES := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_REPLAY_BINS := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/replay_%)

-include bpf/bpf.mk

.PHONY: all deps check check-deps tests bench fuzz fuzz-bins install install-files uninstall clean man3
all: deps $(BUILD)/libnsinfo.a $(BUILD)/libnsinfo.so $(BUILD)/libnsinfo.pc \
	$(TOOLS:%=$(BUILD)/%)

# ------------------------------------------------------------ dependencies
# Installs what is missing when run as root on Debian (apt-get update once,
# then apt-get install -y [$(3): more apt-get options]; two builds at once
# take turns on a lock, and apt waits up to 10 min for another apt's lock);
# otherwise names the exact command and stops (or, with $(4) non-empty, says
# so and goes on).
define install_missing
	@missing=""; \
	for d in $(1); do n=$${d%%:*}; p=$${d#*:}; \
	  case "$(2)" in pkg) pkg-config --exists $$n 2>/dev/null || missing="$$missing $$p";; \
	                 cmd) command -v $$n >/dev/null 2>&1 || missing="$$missing $$p";; esac; \
	done; \
	missing=$$(echo $$missing | tr ' ' '\n' | sort -u | xargs); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "nstools: installing missing Debian packages: $$missing"; \
	    exec 9>>/var/lib/apt/nstools-install.lock; flock 9; \
	    if [ ! -e $(BUILD)/.apt-updated ]; then \
	      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq || exit 1; \
	      mkdir -p $(BUILD) && touch $(BUILD)/.apt-updated; fi; \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $(3) $$missing >/dev/null || exit 1; \
	  elif [ -n "$(4)" ]; then \
	    echo "nstools: not installed, the tests that need them skip: apt-get install -y $(3) $$missing" >&2; \
	  else \
	    echo "nstools: missing build dependencies; install them with:" >&2; \
	    echo "  apt-get install -y $$missing" >&2; exit 1; \
	  fi; \
	fi
endef

# Everything missing, in one round: the build's commands and libraries and
# the tests' commands, each labelled. As root on Debian the build's (and
# for make check the tests') are installed; anyone else is told the one
# apt-get line. A command counts as present in an sbin directory too
# (bpftool is in /usr/sbin, often not on a user's PATH).
TEST_DEP_CMDS = $(filter $(TEST_CMD_NAMES:%=%:%),$(DEP_CMDS))
BUILD_DEP_CMDS = $(filter-out $(TEST_CMD_NAMES:%=%:%),$(DEP_CMDS))
define check_deps
	@bm=""; tm=""; \
	have() { command -v $$1 >/dev/null 2>&1 || [ -x /usr/sbin/$$1 ] || [ -x /sbin/$$1 ] || \
	         [ -x /usr/local/sbin/$$1 ]; }; \
	for d in $(BUILD_DEP_CMDS); do have $${d%%:*} || bm="$$bm $${d#*:}"; done; \
	for d in $(DEP_PKGS); do pkg-config --exists $${d%%:*} 2>/dev/null || bm="$$bm $${d#*:}"; done; \
	for d in $(TEST_DEP_CMDS); do have $${d%%:*} || tm="$$tm $${d#*:}"; done; \
	bm=$$(echo $$bm | tr ' ' '\n' | sort -u | xargs); \
	tm=$$(for p in $$tm; do case " $$bm " in *" $$p "*) ;; *) echo $$p;; esac; done | sort -u | xargs); \
	need="$$bm$(if $(1), $$tm)"; need=$$(echo $$need); \
	if [ -n "$$need" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "nstools: installing missing Debian packages: $$need"; \
	  if [ ! -e $(BUILD)/.apt-updated ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq || exit 1; \
	    mkdir -p $(BUILD) && touch $(BUILD)/.apt-updated; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null || exit 1; \
	elif [ -n "$$need" ]; then \
	  echo "nstools: missing Debian packages:" >&2; \
	  [ -z "$$bm" ] || echo "  build: $$bm" >&2; \
	  [ -z "$$tm" ] || echo "  test:  $$tm" >&2; \
	  echo "install them with: apt-get install -y $$(echo $$bm $$tm)" >&2; exit 1; \
	elif [ -n "$$tm" ]; then \
	  echo "nstools: make check also needs (test): $$tm; apt-get install -y $$tm" >&2; \
	fi
endef

deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: Makefile
	$(call check_deps,)
	@mkdir -p $(BUILD) && touch $@

check-deps: deps
	$(call check_deps,test)
	$(call install_missing,$(ENGINE_CMDS),cmd,--no-install-recommends,optional)

# ----------------------------------------------------------------- library
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libnsinfo.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libnsinfo.so: $(LIB_OBJS) libnsinfo/libnsinfo.sym
	$(CC) -shared -fvisibility=hidden -Wl,-soname,libnsinfo.so.$(SOVERSION) \
	  -Wl,--version-script=libnsinfo/libnsinfo.sym -Wl,--no-undefined \
	  -o $@.$(VERSION) $(LIB_OBJS) $(ALL_LDFLAGS) $(LIB_LIBS) $(BPF_LIBS)
	ln -sf libnsinfo.so.$(VERSION) $(BUILD)/libnsinfo.so.$(SOVERSION)
	ln -sf libnsinfo.so.$(VERSION) $@

# The .pc file names the install paths: regenerated by install, whose
# PREFIX may differ from the one the build ran with.
PC_SUBST = sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|' \
	       -e 's|@VERSION@|$(VERSION)|; s|@REQUIRES@|$(LIB_PKGS) $(BPF_PKGS)|'
$(BUILD)/libnsinfo.pc: libnsinfo/libnsinfo.pc.in Makefile | deps
	$(PC_SUBST) $< > $@

# ------------------------------------------------------------------- tools
define tool_rule
$(1)_OBJS := $$(patsubst %.c,$$(BUILD)/%.o,$$(sort $$(wildcard tools/$(1)/*.c)))
$$($(1)_OBJS): ALL_CFLAGS += $$(if $$(PKGS_$(1)),$$(shell pkg-config --cflags $$(PKGS_$(1)) | sed 's/-D_XOPEN_SOURCE=[0-9]*//'))
$$(BUILD)/$(1): $$($(1)_OBJS) $$(COMMON_OBJS) $$(BUILD)/libnsinfo.a
	$$(CC) -o $$@ $$($(1)_OBJS) $$(COMMON_OBJS) $$(BUILD)/libnsinfo.a $$(ALL_LDFLAGS) \
	  $$(shell pkg-config --libs $$(TOOL_PKGS) $$(PKGS_$(1)) $$(LIB_PKGS)) $$(BPF_LIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

# The test build of nsenter-lite: the shipped objects plus the hooks only
# tests use (tests/hooks/nsenter_lite_*.c); the shipped binary has none.
NSL_TEST_HOOKS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/hooks/nsenter_lite_*.c))
$(BUILD)/tests/nsenter-lite: $(nsenter-lite_OBJS) $(NSL_TEST_HOOKS) $(COMMON_OBJS) $(BUILD)/libnsinfo.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(nsenter-lite_OBJS) $(NSL_TEST_HOOKS) $(COMMON_OBJS) $(BUILD)/libnsinfo.a \
	  $(ALL_LDFLAGS) $(shell pkg-config --libs $(TOOL_PKGS) $(LIB_PKGS)) $(BPF_LIBS)

# ------------------------------------------------------------------- tests
TEST_LIBS = $(shell pkg-config --libs $(TOOL_PKGS) $(LIB_PKGS)) $(BPF_LIBS) -lpthread
$(BUILD)/tests/unit/%: tests/unit/%.c tests/lib/tap.h $(BUILD)/libnsinfo.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lib -o $@ $< $(BUILD)/libnsinfo.a $(ALL_LDFLAGS) $(TEST_LIBS)

# tests/unit/common_*.c test tools/common: linked with its objects too
$(BUILD)/tests/unit/common_%: tests/unit/common_%.c tests/lib/tap.h $(COMMON_OBJS) $(BUILD)/libnsinfo.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lib -o $@ $< $(COMMON_OBJS) $(BUILD)/libnsinfo.a $(ALL_LDFLAGS) $(TEST_LIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c $(BUILD)/libnsinfo.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lib -o $@ $< $(BUILD)/libnsinfo.a $(ALL_LDFLAGS) $(TEST_LIBS)

$(BUILD)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h \
		$(BUILD)/libnsinfo.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -Itests/fuzz -o $@ tests/fuzz/replay.c $< \
	  $(BUILD)/libnsinfo.a $(ALL_LDFLAGS) $(TEST_LIBS)

tests: all $(UNIT_BINS) $(HELPER_BINS) $(FUZZ_REPLAY_BINS) $(BUILD)/tests/nsenter-lite

# The suite runs twice: the normal build, then everything rebuilt with
# AddressSanitizer/UBSan into build/asan. One summary line closes the run.
check: check-deps
	$(MAKE) --no-print-directory tests
	$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 tests
	tests/run.sh $(BUILD) $(BUILD)/asan

# ------------------------------------------------------------------ fuzzing
# libFuzzer comes with clang's runtime (Debian: libclang-rt-VERSION-dev for
# the clang installed); the harnesses and the library are built with clang,
# ASan and UBSan into $(BUILD)/fuzz, and tests/fuzz/run.sh runs each one.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ ?=
fuzz: deps
	$(call install_missing,$(FUZZ_CMDS),cmd)
	@rt=$$($(FUZZ_CC) -print-runtime-dir)/libclang_rt.fuzzer-$$(uname -m).a; \
	if [ ! -e "$$rt" ]; then \
	  p=libclang-rt-$$($(FUZZ_CC) -dumpversion | cut -d. -f1)-dev; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "nstools: installing $$p (libFuzzer)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$p >/dev/null || exit 1; \
	  else echo "nstools: libFuzzer missing; install it with: apt-get install -y $$p" >&2; exit 1; fi; \
	fi
	$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz CC=$(FUZZ_CC) SANITIZE=1 FUZZ_BUILD=1 fuzz-bins
	tests/fuzz/run.sh $(BUILD)/fuzz/tests/fuzz $(FUZZ_SECONDS) '$(FUZZ)' $(FUZZ_NAMES)

fuzz-bins: $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/fuzz_%)
$(BUILD)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libnsinfo.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -Itests/fuzz -o $@ $< $(BUILD)/libnsinfo.a \
	  $(ALL_LDFLAGS) -fsanitize=fuzzer $(TEST_LIBS)

bench: check-deps
	$(call install_missing,$(BENCH_CMDS),cmd)
	$(MAKE) --no-print-directory tests
	tests/bench/run.sh $(BUILD)

# ----------------------------------------------------------------- install
MAN_PAGES := $(wildcard man/*.[0-9]) $(wildcard man/man3/*.3)
# bash completions: one file per tool, and the helpers they share
COMPLETIONS := $(wildcard completion/*)
# The public header goes to its own folder, $(INCDIR)/nsinfo/nsinfo.h; the
# .pc file's Cflags name that folder (#include <nsinfo.h>).
install: all
	$(MAKE) --no-print-directory install-files
# what install copies, from a build made already (tests install that way)
install-files:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR) \
	  $(DESTDIR)$(INCDIR)/nsinfo $(DESTDIR)$(PCDIR)
	for t in $(filter-out $(SBIN_TOOLS),$(TOOLS)); do install -m 755 $(BUILD)/$$t $(DESTDIR)$(BINDIR)/; done
	for t in $(SBIN_TOOLS); do install -m 755 $(BUILD)/$$t $(DESTDIR)$(SBINDIR)/; done
	install -m 644 $(BUILD)/libnsinfo.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(BUILD)/libnsinfo.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libnsinfo.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnsinfo.so.$(SOVERSION)
	ln -sf libnsinfo.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnsinfo.so
	install -m 644 libnsinfo/include/nsinfo.h $(DESTDIR)$(INCDIR)/nsinfo/
	$(PC_SUBST) libnsinfo/libnsinfo.pc.in > $(DESTDIR)$(PCDIR)/libnsinfo.pc
	chmod 644 $(DESTDIR)$(PCDIR)/libnsinfo.pc
	for m in $(MAN_PAGES); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 $(COMPLETIONS) $(DESTDIR)$(BASHCOMPDIR)/

# man/man3: one page per function group of nsinfo.h (run after changing it;
# tests/integration/man_pages.sh fails while the pages are stale)
man3:
	python3 man/gen-man3.py libnsinfo/include/nsinfo.h man/man3

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(SBINDIR)/$$t; done
	rm -f $(DESTDIR)$(LIBDIR)/libnsinfo.* $(DESTDIR)$(INCDIR)/nsinfo/nsinfo.h $(DESTDIR)$(PCDIR)/libnsinfo.pc
	-rmdir $(DESTDIR)$(INCDIR)/nsinfo 2>/dev/null
	for m in $(MAN_PAGES); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	for c in $(COMPLETIONS); do rm -f $(DESTDIR)$(BASHCOMPDIR)/$${c##*/}; done

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
