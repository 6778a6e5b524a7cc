/* study.h - the study side of the lab: `twinbench report`, `bundle` and
 * `verify` turn run directories into a host-vs-guest comparison.
 *
 * Data flows one way: load (st_load.c: find run directories, read their
 * samples.jsonl, manifest.json and DONE) -> check (st_check.c: DONE,
 * identical binaries, the baseline) -> compute (st_compute.c: the rows,
 * with the pure statistics of lib/bootstrap.c) -> render (st_csv.c,
 * st_json.c, st_md.c, st_html.c, st_chart.c: they only format what was
 * computed).  summary.json is never an input: everything comes from the
 * raw records.
 *
 * A platform is a run's label (bench.label); the runs of one label are
 * boots of that platform.  A run of a scalability step (manifest "vms" >
 * 1) belongs to platform "LABEL@N".  Every string below is malloc'ed and
 * owned by the structure that holds it.
 */
#ifndef STUDY_H
#define STUDY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ST_DEFAULT_BASELINE	"bare"
#define ST_DEFAULT_SEED		1
#define ST_DEFAULT_B		10000
#define ST_OUTLIER_K		3.5	/* |x - median| > k * 1.4826 * MAD */

enum st_better { ST_INFO = 0, ST_HIGHER = 1, ST_LOWER = -1 };

struct st_opts {
	const char *baseline;
	uint64_t seed;
	unsigned boot_b;		/* bootstrap replicates */
	int allow_incomplete, allow_mixed;
	const char *const *inputs;	/* as given on the command line */
	size_t ninputs;
};

/* One record of samples.jsonl, as the report uses it. */
struct st_rec {
	char *instance, *workload, *metric, *unit;	/* metric NULL: outcome */
	uint64_t ihash, mhash;	/* tb_hash_str of instance and metric */
	enum st_better better;
	int headline;		/* "headline": true */
	int rep, warmup;
	int dropped;		/* its repetition has an outcome record */
	double value;
	char *status, *reason;
	char *params;		/* the "params" object as compact JSON */
	char *derived;		/* the "derived" object, NULL if none */
	char *scratch;		/* the scratch medium word, NULL if none */
};

/* One run directory: one boot of a platform. */
struct st_run {
	char *dir;		/* the path as found */
	char *id, *label, *platform;
	int done;
	int torn;		/* a torn last line was left out */
	char *status, *reason;	/* of the run (DONE or manifest) */
	char *rec_run;		/* the first record's run id */
	char *profile, *profile_sha256;
	json_t *manifest;	/* NULL: none (a run rebuilt from a console) */
	json_t *hardware;	/* manifest "hardware" or hardware.json */
	long vms, vm;		/* scalability step and index; 0: none */
	struct st_rec *recs;
	size_t nrecs;
};

/* A platform: its boots and what a reader needs to know about it.  Each
 * fact is the distinct values over its boots joined by " | ". */
struct st_platform {
	char *name;		/* label, or LABEL@N */
	char *label;
	long vms;		/* 0 or the step's VM count */
	struct st_run **runs;	/* its boots, by run id then path */
	size_t nruns;
	char *hypervisor, *kernel, *cpu, *memory, *disks, *nics, *image,
	     *mode, *profile;
	int incomplete;		/* a boot without DONE (--allow-incomplete) */
	int mixed;		/* its binaries differ from another run's */
	size_t kept;		/* kept (non-warm-up, ok) repetitions */
};

/* One platform x instance x metric. */
struct st_row {
	size_t plat;		/* index into st_report.plats */
	char *instance, *workload, *metric, *unit;
	uint64_t ihash;		/* tb_hash_str(instance) */
	enum st_better better;
	int headline;
	size_t n;		/* kept values over all boots */
	double median, min, max, cv;
	int has_rel;		/* relative and CI computed */
	double rel, ci_lo, ci_hi;
	int significant;	/* the CI excludes 1 */
	size_t outliers;	/* values flagged by median/MAD */
	char *flags;		/* space-separated words, "" when none */
};

/* The geometric mean of a platform's headline relatives over the
 * benchmarks (instances) every platform ran. */
struct st_geo {
	size_t plat;
	double gm, ci_lo, ci_hi;
	int significant;
};

/* A repetition that did not end ok, with its reason. */
struct st_failure {
	size_t plat;
	const struct st_run *run;
	char *instance;
	int rep;
	char *status, *reason;
};

/* Figure 10: a scalability step's aggregate and per-VM headline value. */
struct st_scale {
	char *label, *instance, *metric, *unit;
	long vms;
	double per_vm, aggregate;	/* median over VMs; sum of VM medians */
};

struct st_report {
	struct st_opts opt;
	char *command;		/* the canonical report command line */
	struct st_run *runs;
	size_t nruns;
	struct st_platform *plats;	/* the baseline first, then by name */
	size_t nplats;
	struct st_row *rows;	/* by instance (first seen), metric, plat */
	size_t nrows;
	char **bench;		/* instances in the geometric mean */
	size_t nbench;
	struct st_geo *geo;	/* one per platform */
	size_t ngeo;
	struct st_failure *fails;
	size_t nfails;
	char **banners;		/* warnings shown at the top of the report */
	size_t nbanners;
	struct st_scale *scale;
	size_t nscale;
};

/* st_load.c - find the run directories under the inputs and read them.
 * 0, or -1 with *err (malloc'ed) naming the path and what is wrong. */
int st_load(struct st_report *r, char **err);
void st_report_free(struct st_report *r);

/* st_check.c - refusals and banners: a run without DONE, differing
 * binaries, a missing baseline.  0, or -1 with *err (malloc'ed). */
int st_check(struct st_report *r, char **err);

/* st_compute.c - rows, relatives with bootstrap CIs, geometric means,
 * failures, scalability.  0 or -ENOMEM. */
int st_compute(struct st_report *r);

/* Renderers: each writes one file of the report (0 or -errno). */
int st_write_csv(const struct st_report *r, FILE *f);
int st_write_json(const struct st_report *r, FILE *f);
int st_write_md(const struct st_report *r, FILE *f);
int st_write_html(const struct st_report *r, const char *charts_dir,
		  FILE *f);
/* charts_dir/<instance>.svg for every benchmark with a headline row,
 * summary.svg, and scale-<instance>.svg with scalability steps, drawn by
 * gnuplot.  0, or -1 with *err (malloc'ed). */
int st_charts(const struct st_report *r, const char *charts_dir,
	      char **err);
/* The terminal table: headline rows only. */
int st_print_terminal(const struct st_report *r, FILE *f);

/* st_util.c - formatting shared by the renderers. */
const char *st_better_name(enum st_better b);	/* higher, lower, info */
/* Fixed float formatting: %.6g into buf (n >= 32); "" for NaN. */
const char *st_num(char *buf, size_t n, double v);
int st_append(char **s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));	/* 0 or -ENOMEM */
/* The file name of an instance's chart (letters, digits, . _ - kept). */
char *st_chart_name(const char *instance);

/* cmd_report.c / cmd_bundle.c: the subcommands' mains. */
int cmd_report(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_verify(int argc, char **argv);
/* Load, check, compute and write every report file into outdir (created
 * if missing; files in it replaced).  0, or -1 after reporting. */
int st_render(const struct st_opts *o, const char *outdir, int quiet);

#endif
