# workloads/workloads.mk - one file per workload, listed in table.c.
WL_SRCS := \
	workloads/table.c \
	workloads/datagen.c \
	workloads/input.c \
	workloads/seqio.c \
	$(sort $(wildcard workloads/fileserver*.c)) \
	$(sort $(wildcard workloads/build*.c)) \
	$(sort $(wildcard workloads/oltp*.c)) \
	workloads/network.c \
	workloads/compress.c \
	workloads/selftest.c
