# lab/lab.mk - the host-side twinbench command: $(O)/bin/twinbench.
#
# An ordinary host binary: lab/*.c, the parts of lib/ it uses (through a
# private archive, so only the members it needs are linked) and jansson.
# Debian packages at run time: qemu-system-x86, mtools, e2fsprogs.

LAB_SRCS := $(sort $(wildcard lab/*.c lab/study/*.c))
LAB_OBJS := $(call host_objs,$(LAB_SRCS))
LAB_BIN := $(O)/bin/twinbench
LAB_LIBA := $(B)/host/lab/libtb.a
LAB_JANSSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
LAB_JANSSON_LIBS := $(or $(shell pkg-config --libs jansson 2>/dev/null), \
	-ljansson)

PROFILE ?= default
RUN_ARGS ?=

$(LAB_OBJS): HOST_CFLAGS += $(LAB_JANSSON_CFLAGS) -Ilab
$(call host_objs,lab/main.c): HOST_CFLAGS += -DLAB_VERSION='"$(VERSION)"'

$(LAB_LIBA): $(LIB_HOST_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcsD $@ $^

$(LAB_BIN): $(LAB_OBJS) $(LAB_LIBA)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(LAB_OBJS) $(LAB_LIBA) \
		$(LAB_JANSSON_LIBS) $(LIB_LDLIBS)

.PHONY: lab
lab: $(LAB_BIN)

# make run [PROFILE=name] [RUN_ARGS='--accel tcg --memory 1024 ...']
# Installs missing Debian packages first, so it works on a fresh machine.
# A study in miniature: PROFILE booted in QEMU, then run natively on this
# machine in container mode (label host: the same binaries, the host's
# kernel), both into $(STUDY)/runs/ (runs accumulate, none is ever
# replaced); then, once `twinbench report` exists, the guest against host
# (it prints the path of report.html).  QEMU boots the study's own copy of
# disk.img (the guest writes to it; the build's stays as built), taken
# again when the build's is newer.
# The terminal shows progress; each run's console.log (and the guest's
# <run-id>.serial.log) keeps the whole console.
STUDY = $(O)/study/$(PROFILE)
run:
	@sh image-builder/deps.sh
	@$(MAKE) --no-print-directory guest lab
	@if [ ! -e $(STUDY)/disk.img ] || \
	    [ $(O)/guest/disk.img -nt $(STUDY)/disk.img ]; then \
		[ ! -d $(STUDY)/runs ] || echo "warning: $(O)/guest/disk.img" \
			"is a new build; the runs in $(STUDY)/runs are of an" \
			"older one (the report refuses binaries that differ;" \
			"rm -r $(STUDY) starts a new study)"; \
		mkdir -p $(STUDY) && \
		echo "cp --sparse=always $(O)/guest/disk.img $(STUDY)/" && \
		cp --sparse=always $(O)/guest/disk.img $(STUDY)/disk.img; \
	fi
	$(LAB_BIN) run --profile $(PROFILE) --out $(STUDY)/runs $(RUN_ARGS) \
		$(STUDY)/disk.img
	$(APPLIANCE_BIN) run --quiet --results $(STUDY) --profile $(PROFILE) \
		--profiles-dir profiles --bindir $(B)/tools --label host
	@if $(LAB_BIN) report --help >/dev/null 2>&1; then \
		echo "$(LAB_BIN) report --baseline host --out $(STUDY)/report" \
			"$(STUDY)"; \
		$(LAB_BIN) report --baseline host --out $(STUDY)/report \
			$(STUDY); \
	else \
		echo "the runs: $(STUDY)/runs (no report: this twinbench has" \
			"no report command yet)"; \
	fi
