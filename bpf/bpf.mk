# bpf/bpf.mk - the namespace event probe, included by the top Makefile.
#
# vmlinux.h is generated from the running kernel's BTF, the probe compiled
# with clang -target bpf and embedded in libnsinfo as a bpftool skeleton.
# Without clang, bpftool, libbpf or kernel BTF at build time everything else
# still builds: libnsinfo's event source then reports that BPF support was
# not built (nsinfo_events_supported) and nstrace says so.

BPF_CLANG ?= clang
BPFTOOL   ?= bpftool
BPF_STRIP ?= $(firstword $(shell command -v llvm-strip llvm-strip-14 2>/dev/null))
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')

# The shared record header is plain C, included by both sides
BASE_CFLAGS += -Ibpf

BPF_MISSING := $(strip \
	$(if $(shell command -v $(BPF_CLANG) 2>/dev/null),,clang) \
	$(if $(shell command -v $(BPFTOOL) 2>/dev/null),,bpftool) \
	$(if $(shell pkg-config --exists libbpf 2>/dev/null && echo y),,libbpf) \
	$(if $(wildcard $(VMLINUX_BTF)),,$(VMLINUX_BTF)))

# included before the top Makefile names its first target
.DEFAULT_GOAL := all

ifeq ($(BPF_MISSING),)
BPF_PKGS := libbpf
BPF_LIBS = $(shell pkg-config --libs libbpf)
BASE_CFLAGS += -DHAVE_BPF

$(BUILD)/vmlinux.h: | deps
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/nsevent.bpf.o: bpf/nsevent.bpf.c bpf/nsevent.h $(BUILD)/vmlinux.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
	  -I$(BUILD) -Ibpf -c $< -o $@
	$(if $(BPF_STRIP),$(BPF_STRIP) -g $@)

$(BUILD)/nsevent_bpf.skel.h: $(BUILD)/bpf/nsevent.bpf.o
	$(BPFTOOL) gen skeleton $< name nsevent_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/libnsinfo/events.o: $(BUILD)/nsevent_bpf.skel.h
else
$(info nstools: building without the BPF event source (missing: $(BPF_MISSING)); nstrace will report it)
endif
