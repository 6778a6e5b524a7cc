# lib/lib.mk - the shared C library (knows about nobody).
#
# Users link $(LIB_MUSL_OBJS) (appliance, musl-gcc -static) or
# $(LIB_HOST_OBJS) (lab, unit tests) and add $(LIB_LDLIBS) (sqrt in stats.c;
# musl's libc already contains libm, glibc needs -lm).

LIB_SRCS := \
	lib/agent_proto.c \
	lib/agent_wire.c \
	lib/bootstrap.c \
	lib/conline.c \
	lib/json.c \
	lib/json_check.c \
	lib/opt.c \
	lib/opt_help.c \
	lib/phase.c \
	lib/profile.c \
	lib/profile_apply.c \
	lib/report.c \
	lib/sha256.c \
	lib/stats.c \
	lib/summary.c \
	lib/util.c

LIB_MUSL_OBJS := $(call musl_objs,$(LIB_SRCS))
LIB_HOST_OBJS := $(call host_objs,$(LIB_SRCS))
LIB_LDLIBS := -lm

.PHONY: lib
lib: $(LIB_MUSL_OBJS) $(LIB_HOST_OBJS)
