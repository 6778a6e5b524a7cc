# workloads/workloads.mk - one file per workload, listed in table.c.
WL_SRCS := \
	workloads/table.c \
	workloads/datagen.c \
	workloads/input.c \
	workloads/seqio.c \
	workloads/compress.c
