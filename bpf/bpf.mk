# bpf/bpf.mk - the BPF programs (namespace event probe, task iterator),
# included by the top Makefile.
#
# vmlinux.h is generated from the running kernel's BTF, the probe compiled
# with clang -target bpf and embedded in libnsinfo as a bpftool skeleton.
# Without clang, bpftool, libbpf or kernel BTF at build time everything else
# still builds: libnsinfo's event source then reports that BPF support was
# not built (nsinfo_events_supported) and nstrace says so.

BPF_CLANG ?= clang
# bpftool is in /usr/sbin on Debian, often not on a user's PATH
BPFTOOL   ?= $(firstword $(shell command -v bpftool 2>/dev/null) \
	       $(wildcard /usr/sbin/bpftool /sbin/bpftool /usr/local/sbin/bpftool) bpftool)
# BPF=0: without BPF on purpose (see the top Makefile)
BPF ?= 1
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')

# included before the top Makefile names its first target
.DEFAULT_GOAL := all

# The shared record header is plain C, included by both sides
BASE_CFLAGS += -Ibpf

# Root installs the BPF toolchain with the other dependencies; anyone else
# builds without it rather than stopping. BPF=0 needs none of it.
ifneq ($(shell id -u),0)
DEP_CMDS := $(filter-out clang:% bpftool:% llvm-strip:%,$(DEP_CMDS))
endif

# The objects whose code depends on BPF are rebuilt when BPF= changes
BPF_MODE_FILE := $(BUILD)/bpf-mode
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(BPF_MODE_FILE) 2>/dev/null)" = "$(BPF)" ] || \
	echo "$(BPF)" > $(BPF_MODE_FILE); })
endif
$(BUILD)/libnsinfo/events.o $(BUILD)/libnsinfo/iter.o $(BUILD)/libnsinfo/counters.o \
	$(BUILD)/libnsinfo/source/members.o: $(BPF_MODE_FILE)

ifeq ($(BPF),0)
DEP_CMDS := $(filter-out clang:% bpftool:% llvm-strip:%,$(DEP_CMDS))
DEP_PKGS := $(filter-out libbpf:% libelf:% zlib:%,$(DEP_PKGS))
BASE_CFLAGS += -DNSINFO_NO_BPF_WHY='"make BPF=0"'
$(info nstools: building without BPF (BPF=0): the tools read /proc, nstrace and the exporter's counters report it)
else

# What is missing is decided after `deps` ran (it may install clang and
# bpftool): the answer is a generated makefile, and make restarts once it
# exists.
BPF_CONFIG := $(BUILD)/bpf-config.mk
ifeq ($(filter clean,$(MAKECMDGOALS)),)
-include $(BPF_CONFIG)
endif
$(BPF_CONFIG): bpf/bpf.mk | deps
	@mkdir -p $(dir $@)
	@m=""; \
	command -v $(BPF_CLANG) >/dev/null 2>&1 || m="$$m $(BPF_CLANG)"; \
	command -v $(BPFTOOL) >/dev/null 2>&1 || m="$$m $(BPFTOOL)"; \
	pkg-config --exists libbpf 2>/dev/null || m="$$m libbpf"; \
	[ -r $(VMLINUX_BTF) ] || m="$$m $(VMLINUX_BTF)"; \
	s=$$(command -v llvm-strip llvm-strip-14 2>/dev/null | head -1); \
	{ echo "BPF_MISSING :=$$m"; echo "BPF_STRIP := $$s"; } > $@

ifneq ($(wildcard $(BPF_CONFIG)),)
ifeq ($(strip $(BPF_MISSING)),)
BPF_PKGS := libbpf
BPF_LIBS = $(shell pkg-config --libs libbpf)
BASE_CFLAGS += -DHAVE_BPF

$(BUILD)/vmlinux.h: | deps
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# every bpf/NAME.bpf.c (with its record header bpf/NAME.h) becomes a
# skeleton NAME_bpf.skel.h
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c bpf/%.h bpf/nsprobe.h $(BUILD)/vmlinux.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
	  -I$(BUILD) -Ibpf -c $< -o $@
	$(if $(BPF_STRIP),$(BPF_STRIP) -g $@)

$(BUILD)/%_bpf.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

# the task iterators also as light skeletons: the loader program has the
# kernel do the CO-RE relocation against the BTF it holds, where libbpf
# would parse the whole vmlinux BTF in the caller (most of a load's time
# and ~10 MB); iter.c and members.c fall back to the skeleton above where
# it fails
$(BUILD)/%_bpf.lskel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton -L $< name $*_lskel > $@.tmp && mv $@.tmp $@

# kept: make would delete them as intermediates
.SECONDARY: $(BUILD)/bpf/nsevent.bpf.o $(BUILD)/bpf/nstask.bpf.o $(BUILD)/bpf/nscount.bpf.o \
	    $(BUILD)/bpf/nsref.bpf.o

$(BUILD)/libnsinfo/events/events.o: $(BUILD)/nsevent_bpf.skel.h
$(BUILD)/libnsinfo/source/iter.o: $(BUILD)/nstask_bpf.skel.h $(BUILD)/nstask_bpf.lskel.h
$(BUILD)/libnsinfo/source/members.o: $(BUILD)/nsref_bpf.skel.h $(BUILD)/nsref_bpf.lskel.h
$(BUILD)/libnsinfo/events/counters.o: $(BUILD)/nscount_bpf.skel.h
else
$(info nstools: building without the BPF event source (missing:$(BPF_MISSING)); nstrace will report it)
endif
endif
endif
