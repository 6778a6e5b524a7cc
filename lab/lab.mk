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
run:
	@sh image-builder/deps.sh
	@$(MAKE) --no-print-directory guest lab
	$(LAB_BIN) run --profile $(PROFILE) $(RUN_ARGS) $(O)/guest/disk.img
