#!/usr/bin/env python3
"""gen_study.py - synthetic run directories with known values, for the
report's tests and benchmark.

Each platform LABEL:FACTOR gets BOOTS run directories OUT/LABEL-<boot>/
(manifest.json, samples.jsonl, DONE), each with INSTANCES instances of
METRICS metrics, RUNS kept repetitions after one warm-up.  Metric 0 of an
instance is its headline.  Even metrics are higher-is-better (value = base
* FACTOR), odd ones lower-is-better (value = base / FACTOR), so a
platform's true relative performance is FACTOR on every metric.  With
--noise S every value is multiplied by exp(N(0, S)) (seeded); with
--noise 0 the values are exact.  The last metric is information when
--info is given.
"""
import argparse
import hashlib
import json
import math
import os
import random


def args():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--platforms", default="bare:1,kvm:0.5")
    p.add_argument("--boots", type=int, default=3)
    p.add_argument("--runs", type=int, default=4)
    p.add_argument("--instances", type=int, default=2)
    p.add_argument("--metrics", type=int, default=2)
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--info", action="store_true")
    return p.parse_args()


def manifest(label, run):
    bins = [{"name": n, "path": "/bin/" + n,
             "sha256": hashlib.sha256(n.encode()).hexdigest()}
            for n in ("twinbench", "bzip2")]
    return {"schema": 1, "run": run, "label": label, "mode": "appliance",
            "status": "ok", "reason": None,
            "image": {"id": "ab" * 32, "manifest": {"schema": 1}},
            "binaries": bins,
            "kernel": {"release": "6.1.0-test"},
            "profile": {"name": "synthetic", "sha256": "cd" * 32,
                        "text": "[profile]\nrepeat = 5\n"},
            "system": {"cpu_model": "Test CPU", "cpu_count": 2,
                       "mem_total_kib": 1048576,
                       "hypervisor": {"name": label, "signature": None}},
            "hardware": {"disks": [{"name": "vda", "kind": "disk",
                                    "driver": "virtio_blk"}],
                         "nics": []}}


def record(run, inst, rep, metric, value, better, headline):
    r = {"schema": 1, "run": run, "instance": "i%02d" % inst,
         "workload": "w%02d" % inst, "rep": rep, "warmup": rep == 1,
         "metric": metric, "value": value, "unit": "u",
         "better": better, "status": "ok", "reason": None,
         "t_start_ns": 0, "t_end_ns": 0, "params": {"size": 1},
         "scratch": {"medium": "disk"}}
    if headline:
        r["headline"] = True
    return r


def boot(a, rng, label, factor, b):
    run = "%04d-%s" % (b, label)
    d = os.path.join(a.out, "%s-%d" % (label, b))
    os.makedirs(d)
    lines = []
    for i in range(a.instances):
        for rep in range(1, a.runs + 2):
            for m in range(a.metrics):
                info = a.info and m == a.metrics - 1
                higher = m % 2 == 0
                base = 10.0 * (1 + i + m)
                v = base * factor if higher else base / factor
                if a.noise:
                    v *= math.exp(rng.gauss(0, a.noise))
                better = None if info else "higher" if higher else "lower"
                lines.append(json.dumps(record(run, i, rep, "m%d" % m, v,
                                               better, m == 0)))
    with open(os.path.join(d, "samples.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest(label, run), f)
    with open(os.path.join(d, "DONE"), "w") as f:
        f.write("ok\n")


def main():
    a = args()
    rng = random.Random(a.seed)
    for spec in a.platforms.split(","):
        label, factor = spec.split(":")
        for b in range(1, a.boots + 1):
            boot(a, rng, label, float(factor), b)


main()
