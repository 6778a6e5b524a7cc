# camargos2008 - step 1 of Camargos, Girard, des Ligneris (2008),
# "Virtualization of Linux servers: a comparative study": every benchmark of
# their Table 2, with the parameters of their Figure 2, run 4 times, the
# first discarded, the median of the other three reported.  Boot it on bare
# metal and in every VM, then divide each guest's medians by bare metal's.
#
# The paper ran different tool versions on host and guests (Ubuntu 7.10 vs
# 6.10); here every platform runs the same bytes.  The network benchmarks
# (netperf, two rsync experiments) need a second machine, the peer: boot
# the same image there with bench.role=server (or run `twinbench serve` on
# it), or let `twinbench run --peer IMAGE` boot one beside the VM.  Without
# a peer they are recorded as skipped, with the reason.  The paper's
# machine under test was the *client* of the second machine in all three:
# it ran netperf against the other's netserver, and pulled both rsync data
# sets from the other's rsync daemon into its own /var/tmp.
# Needs a BENCHSCRATCH partition of at least 2 GiB (the default).

[profile]
description = Camargos et al. 2008, step 1 (Table 2, Figure 2)
repeat = 4
discard = 1
timeout = 7200
seed = 2008

# Kernel build: make defconfig; make (here: the pinned e2fsprogs libraries
# and programs built with make and tcc; kernel-build-like).  The paper ran
# make without -j: one job, whatever the machine's CPU count, so that a
# many-core host and a 2-vCPU guest do the same work the same way.
[kernel-build]
workload = build
jobs = 1
link = yes

# Dbench: dbench -t 300 -D /var/tmp 100
[dbench]
workload = fileserver
clients = 100
time = 300

# Netperf: netserver on the peer; netperf -H <server> here: netperf's
# default test, TCP_STREAM from this machine to the peer, 10 s, netperf's
# default send size (the socket buffer's)
[netperf]
workload = netstream
tool = netperf
tests = stream
time = 10

# Rsync, experiment 1: rsync -av <server>::kernel /var/tmp, then
# rm -fr /var/tmp/*: the peer serves a seeded tree shaped like the
# linux-2.6.22.14 source (23741 files, 294M) and this machine pulls it
[rsync-tree]
workload = transfer
dataset = tree
files = 23741
size = 294M
direction = pull

# Rsync, experiment 2: rsync -av <server>::iso /var/tmp: one 433M file
[rsync-iso]
workload = transfer
dataset = file
size = 433M
direction = pull

# Dd, experiment 1: dd if=<433M ISO> of=/var/tmp/out.iso
[dd-file]
workload = seqio
mode = copy
size = 433M
bs = 512
drop_caches = yes

# Dd, experiment 2: dd if=/dev/zero of=/dev/null count=117187560 (60G):
# dd's default 512-byte blocks, 117187560 of them = 60000030720 bytes
[dd-zero]
workload = seqio
mode = zero
size = 60000030720
bs = 512

# Bzip2: bzip2 -9 <433M ISO>
[bzip2]
workload = compress
size = 433M
level = 9
corpus = mixed

# SysBench OLTP: 10000 transactions against a database
[sysbench-oltp]
workload = oltp
transactions = 10000
table-size = 10000
threads = 1
