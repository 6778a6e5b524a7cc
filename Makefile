# twinbench - the only entry point.  `make help` lists the targets.
#
# Conventions for the fragments included below (one per directory):
#   $(B)/musl/<path>.o   object of <path>.c built with musl-gcc (appliance)
#   $(B)/host/<path>.o   object of <path>.c built with the host cc (lab, tests)
# Each fragment only adds its own sources, binaries and targets.

O ?= out
DL_DIR ?= dl
V ?= 0
B := $(O)/build
FLAVOUR ?= guest
SEED ?= twinbench
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

MUSL_CC ?= musl-gcc
HOST_CC ?= cc
WARN := -Wall -Wextra -Werror
CSTD := -std=c11 -D_GNU_SOURCE
REPRO := -ffile-prefix-map=$(CURDIR)/= -fdebug-prefix-map=$(CURDIR)/=
DEPS = -MMD -MP
MUSL_CFLAGS := $(CSTD) $(WARN) -O2 -g0 $(REPRO) -Ilib -Iworkloads
HOST_CFLAGS := $(CSTD) $(WARN) -O2 -g $(REPRO) -Ilib -Iworkloads
MUSL_LDFLAGS := -static -s
HOST_LDFLAGS :=

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

$(B)/musl/%.o: %.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) $(DEPS) -c -o $@ $<

$(B)/host/%.o: %.c
	$(call msg,HOSTCC,$@)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(DEPS) -c -o $@ $<

musl_objs = $(patsubst %.c,$(B)/musl/%.o,$(1))
host_objs = $(patsubst %.c,$(B)/host/%.o,$(1))

include lib/lib.mk
include workloads/workloads.mk
include appliance/appliance.mk
include image-builder/image.mk
include image-builder/media.mk
include lab/lab.mk
include tests/tests.mk

$(eval $(call flavour_rules,guest,appliance/modules-guest.list))
$(eval $(call media_rules,guest))
$(eval $(call flavour_rules,host,appliance/modules-guest.list \
	appliance/modules-host.list))
$(eval $(call media_rules,host))

.PHONY: formats
formats: $(foreach f,$(FLAVOURS),formats-$(f))

-include $(shell find $(B)/musl $(B)/host -name '*.d' -type f 2>/dev/null)

# guest, host: the flavours (image-builder/image.mk)
.PHONY: all deps source lock-update run test bench clean help

all: guest

deps:
	$(Q)sh image-builder/deps.sh

source: $(DL_DIR)/.verified

$(DL_DIR)/.verified: image-builder/inputs.lock image-builder/fetch.sh
	$(call msg,FETCH,$(DL_DIR))
	$(Q)bash image-builder/fetch.sh fetch image-builder/inputs.lock $(DL_DIR)
	$(Q)touch $@

lock-update:
	$(Q)bash image-builder/fetch.sh update image-builder/inputs.lock $(DL_DIR)

clean:
	rm -rf $(O)

help:
	@echo 'twinbench build targets (O=$(O), DL_DIR=$(DL_DIR), V=1 for commands)'
	@echo
	@echo 'Setup:'
	@echo '  deps         install the Debian packages the build needs (apt-get)'
	@echo '  source       fetch and verify every pinned input into $$(DL_DIR)'
	@echo '  lock-update  re-pin image-builder/inputs.lock to the archive of today'
	@echo
	@echo 'Build:'
	@echo '  all, guest   guest flavour: $(O)/guest/{vmlinuz,initrd.img,disk.img,rootfs.tar,manifest.json}'
	@echo '  host         host flavour (guest + bare-metal drivers) in $(O)/host/'
	@echo '  formats      disk.{qcow2,vmdk,vdi,vhdx} of both flavours'
	@echo '  appliance    the static appliance binaries only'
	@echo '  tools        the static upstream tools (bzip2, mke2fs, dbench, make, tcc, netperf, netserver, rsync) only'
	@echo '  lab          the host-side twinbench command'
	@echo
	@echo 'Use:'
	@echo '  run          boot $(O)/guest/disk.img in QEMU on PROFILE (default: default),'
	@echo '               run it on this host too (label host), both into'
	@echo '               $(O)/study/PROFILE/runs; then the report of guest against host'
	@echo
	@echo 'Check:'
	@echo '  test         unit tests and all bats suites (boots QEMU; slow)'
	@echo '  unit         C unit tests only'
	@echo '  bench        print speed and size figures'
	@echo
	@echo '  clean        remove $(O)'
