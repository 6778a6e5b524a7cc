# smoke - every workload once more than its warm-up, tiny sizes: a few
# seconds under QEMU TCG.  What the tests boot; not a measurement.
#
# Reproduces, in miniature, the three experiments of Camargos et al. 2008
# (Figure 2): bzip2 -9 of a large file (compress), dd of a file on disk
# (seqio copy) and dd from /dev/zero to /dev/null (seqio zero).

[profile]
description = smoke test: every workload, tiny sizes
repeat = 2
discard = 1
timeout = 120
seed = 1

[compress]
workload = compress
size = 2M
level = 9

[seqio-copy]
workload = seqio
mode = copy
size = 4M
bs = 1M

[seqio-zero]
workload = seqio
mode = zero
size = 64M
bs = 1M

[oltp]
workload = oltp
table-size = 1000
transactions = 100
threads = 2

[fileserver]
workload = fileserver
clients = 2
time = 2

[build]
workload = build
files = 8
jobs = 2

# The network workloads run when a peer is set (bench.peer=, twinbench run
# --peer); without one they are recorded as skipped.
[netstream]
workload = netstream
tool = netperf
tests = all
time = 1

[transfer-tree]
workload = transfer
dataset = tree
files = 200
size = 2M

[transfer-push]
workload = transfer
dataset = file
size = 4M
direction = push
