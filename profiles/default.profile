# default - a short but meaningful run of every workload: 3.4 minutes
# under QEMU TCG on a 2-core build host; fileserver's fixed durations
# (3 runs of 20 s plus 4 s of dbench warm-up) make 1.2 minutes of that
# anywhere.  What `make run` shows a newcomer.
#
# The experiments of Camargos et al. 2008, Figure 2, at a smaller scale:
#   compress    bzip2 -9 of a large file (the paper: an Ubuntu ISO image;
#               here a seeded corpus that bzip2 compresses about 2.6:1)
#   seqio-copy  dd of a file to a new file on the same disk
#   seqio-zero  dd if=/dev/zero of=/dev/null
#   oltp        sysbench OLTP (complex transactions), here on SQLite
#   fileserver  dbench, 10 clients for 20 s (the paper: 100 for 300 s)
#   build       kernel-build-like: make -jN with tcc over a real C tree

[profile]
description = every workload, short: bzip2, dd, OLTP, dbench, parallel build
repeat = 3
discard = 1
timeout = 600
seed = 1

[compress]
workload = compress
size = 32M
level = 9
corpus = mixed

[seqio-copy]
workload = seqio
mode = copy
size = 128M
bs = 1M

[seqio-zero]
workload = seqio
mode = zero
size = 2G
bs = 1M

[oltp]
workload = oltp
table-size = 10000
transactions = 2000

[fileserver]
workload = fileserver
clients = 10
time = 20

[build]
workload = build
jobs = 2              # pinned: jobs = 0 (one per CPU) differs by machine
link = yes
