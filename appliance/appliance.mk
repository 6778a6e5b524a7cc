# appliance/appliance.mk - the one static binary: /init (PID 1) of the
# image, /bin/twinbench in it, and `twinbench run` in container mode.
APPLIANCE_SRCS := \
	appliance/main.c \
	appliance/cli.c \
	appliance/init.c \
	appliance/boot.c \
	appliance/modules.c \
	appliance/disks.c \
	appliance/session.c \
	appliance/runner.c \
	appliance/runio.c \
	appliance/child.c \
	appliance/results.c \
	appliance/summary.c \
	appliance/manifest.c \
	appliance/sysinfo.c \
	appliance/hardware.c \
	appliance/scratch.c \
	appliance/container.c \
	appliance/console.c \
	appliance/fsutil.c \
	appliance/net.c \
	appliance/peercheck.c \
	appliance/agent.c \
	appliance/agent_sess.c \
	appliance/agent_svc.c \
	appliance/agent_proc.c \
	appliance/agent_data.c \
	appliance/agent_info.c

# agent_data.c uses workloads/dataset.h when it exists (__has_include): a
# header that appears later must rebuild it.
$(call musl_objs,appliance/agent_data.c): $(wildcard workloads/dataset.h)

APPLIANCE_BIN := $(B)/appliance/twinbench
APPLIANCE_OBJS := $(call musl_objs,$(APPLIANCE_SRCS) $(WL_SRCS))

$(APPLIANCE_BIN): $(APPLIANCE_OBJS) $(LIB_MUSL_OBJS)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $^

.PHONY: appliance
appliance: $(APPLIANCE_BIN)
