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
# kernel), both into $(STUDY)/runs/; then the guest against the host (the
# report prints the path of report.html).  A study is one build: STUDY is
# named after the image id (the initrd's sha256, as in the manifests), so
# a rebuilt image starts a new study and runs of different bits never meet
# (the report would refuse them); runs of one build accumulate, none is
# ever replaced.  QEMU boots the study's own copy of disk.img (the guest
# writes to it; the build's stays as built).  The terminal shows progress;
# each run's console.log (and the guest's <run-id>.serial.log) keeps the
# whole console.  run-study is expanded after the build, when the image
# id exists.
run:
	@sh image-builder/deps.sh
	@$(MAKE) --no-print-directory guest lab
	@$(MAKE) --no-print-directory run-study

IMAGE_ID = $(shell sha256sum $(O)/guest/initrd.img | cut -c1-12)
STUDY = $(O)/study/$(PROFILE)-$(IMAGE_ID)
.PHONY: run-study
run-study:
	@[ -e $(STUDY)/disk.img ] || { mkdir -p $(STUDY) && \
		echo "cp --sparse=always $(O)/guest/disk.img $(STUDY)/" && \
		cp --sparse=always $(O)/guest/disk.img $(STUDY)/disk.img; }
	$(LAB_BIN) run --profile $(PROFILE) --out $(STUDY)/runs $(RUN_ARGS) \
		$(STUDY)/disk.img
	$(APPLIANCE_BIN) run --quiet --results $(STUDY) --profile $(PROFILE) \
		--profiles-dir profiles --bindir $(B)/tools --label host
	$(LAB_BIN) report --baseline host --out $(STUDY)/report $(STUDY)
