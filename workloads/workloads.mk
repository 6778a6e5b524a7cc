# workloads/workloads.mk - one file per workload, listed in table.c.
WL_SRCS := \
	workloads/table.c \
	workloads/datagen.c \
	workloads/input.c \
	$(sort $(wildcard workloads/dataset*.c)) \
	workloads/seqio.c \
	$(sort $(wildcard workloads/fileserver*.c)) \
	$(sort $(wildcard workloads/build*.c)) \
	$(sort $(wildcard workloads/oltp*.c)) \
	workloads/peer.c \
	workloads/netrun.c \
	workloads/netstream.c \
	workloads/ns_netperf.c \
	workloads/ns_iperf3.c \
	workloads/transfer.c \
	workloads/compress.c \
	workloads/selftest.c

# The unit test of the transfer data sets links the generator's host objects
# (tests/unit/test_dataset.c; the unit rule links all prerequisites).
DATASET_SRCS := $(filter workloads/dataset%.c,$(WL_SRCS)) workloads/datagen.c
$(B)/unit/test_dataset: $(call host_objs,$(DATASET_SRCS))

# The peer agent's client, tested against a scripted fake agent.
$(B)/unit/test_peer: $(call host_objs,workloads/peer.c)
