/* st_compute.c - the rows of a report: per platform x instance x metric
 * the pooled description of the kept values, the relative performance
 * against the baseline and its bootstrap interval, outliers and flags.
 *
 * The bootstrap (lib/bootstrap.c): each platform's replicate medians of a
 * cell come from their own stream, seeded from the study seed and
 * "platform/instance/metric"; the baseline's are drawn once per cell and
 * paired with every platform's (independent streams, as the method
 * wants).  Rows of headline metrics keep their replicates for the
 * geometric mean's interval (st_geo.c).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_cells.h"
#include "study/st_compute.h"
#include "tb_bootstrap.h"
#include "tb_util.h"

#define ST_MAX_THREADS	8

/* B replicate medians of v (NULL when it has no value). */
static double *replicates(const struct st_report *r, const char *plat,
			  const struct st_rec *cell, const struct st_vals *v,
			  int *rc)
{
	struct tb_boots b = { v->nboots, v->n,
			      (const double *const *)v->v };
	struct tb_rng rng;
	char *key;
	double *out;

	*rc = 0;
	if (!v->total)
		return NULL;
	key = tb_strdupf("%s/%s/%s", plat, cell->instance, cell->metric);
	out = malloc(r->opt.boot_b * sizeof(*out));
	if (!key || !out) {
		free(key);
		free(out);
		*rc = -ENOMEM;
		return NULL;
	}
	tb_rng_seed(&rng, tb_seed_mix(r->opt.seed, key));
	free(key);
	*rc = tb_boot_medians(&b, r->opt.boot_b, &rng, out);
	if (*rc < 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int describe(struct st_row *row, const struct st_vals *v)
{
	struct tb_boots b = { v->nboots, v->n,
			      (const double *const *)v->v };
	struct tb_desc d;
	double *all;
	unsigned char *flag;
	ssize_t k;

	row->n = v->total;
	row->median = row->min = row->max = row->cv = NAN;
	row->rel = row->ci_lo = row->ci_hi = NAN;
	if (!v->total)
		return 0;
	if (tb_describe(&b, &d) < 0)
		return -EINVAL;
	row->median = d.median;
	row->min = d.min;
	row->max = d.max;
	row->cv = d.n > 1 ? d.cv : NAN;
	all = st_vals_pool(v);
	flag = malloc(v->total);
	k = all && flag ? tb_outliers(all, v->total, ST_OUTLIER_K, flag) :
		-ENOMEM;
	free(all);
	free(flag);
	if (k < 0)
		return (int)k;
	row->outliers = (size_t)k;
	return 0;
}

static int relative(const struct st_report *r, struct st_row *row,
		    const struct st_row *base, const double *bm,
		    const double *pm)
{
	int lower = row->better == ST_LOWER, rc;

	if (row->better == ST_INFO || !base || !base->n || !row->n)
		return 0;
	if (!(base->median > 0) || !(row->median > 0))
		return st_flag(row, "zero-median");
	row->has_rel = 1;
	row->rel = lower ? base->median / row->median :
		row->median / base->median;
	if (row->plat == 0) {		/* the baseline itself */
		row->rel = 1;
		return 0;
	}
	if (row->n < 2 || base->n < 2)	/* one value: no spread to resample */
		return st_flag(row, "few-runs");
	rc = tb_ratio_ci(bm, pm, r->opt.boot_b, lower, 0.95, &row->ci_lo,
			 &row->ci_hi);
	if (rc == -EDOM)
		return st_flag(row, "zero-median");
	if (rc < 0)
		return rc;
	row->significant = row->ci_lo > 1 || row->ci_hi < 1;
	return 0;
}

static int new_row(struct st_report *r, size_t plat, const struct st_rec *c,
		   struct st_row **out)
{
	struct st_row *n = realloc(r->rows, (r->nrows + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	r->rows = n;
	n += r->nrows;
	memset(n, 0, sizeof(*n));
	n->plat = plat;
	n->better = c->better;
	n->headline = c->headline;
	n->instance = strdup(c->instance);
	n->ihash = c->ihash;
	n->workload = strdup(c->workload);
	n->metric = strdup(c->metric);
	n->unit = strdup(c->unit);
	n->flags = strdup("");
	r->nrows++;
	*out = n;
	return n->instance && n->workload && n->metric && n->unit &&
		n->flags ? 0 : -ENOMEM;
}

/* One cell: a row per platform that ran its instance. */
static int cell_rows(struct st_report *r, struct st_reps *reps,
		     const struct st_rec *c, struct st_vals *v)
{
	size_t p, base_row = 0;
	double *bm = NULL;
	int rc = 0, have_base = 0, bm_kept = 0;

	for (p = 0; p < r->nplats && rc == 0; p++) {
		struct st_row *row;
		double *pm;

		if (!v[p].present)
			continue;
		rc = new_row(r, p, c, &row);
		if (rc == 0)
			rc = describe(row, &v[p]);
		pm = rc == 0 && c->better != ST_INFO ?
			replicates(r, r->plats[p].name, c, &v[p], &rc) : NULL;
		if (p == 0) {
			have_base = 1;
			base_row = r->nrows - 1;
			bm = pm;
		}
		if (rc == 0)
			rc = relative(r, row, have_base ?
				      &r->rows[base_row] : NULL, bm, pm);
		if (rc == 0)
			rc = st_row_flags(r, row, &v[p], have_base ?
					  &v[0] : NULL);
		if (rc == 0 && pm && row->headline) {
			rc = st_reps_keep(reps, r->nrows - 1, pm);
			bm_kept |= p == 0;
		} else if (p != 0) {
			free(pm);
		}
	}
	if (!bm_kept)
		free(bm);
	return rc;
}

/* Cells [from, to) into r's rows. */
static int cells_range(struct st_report *r, struct st_reps *reps,
		       const struct st_cells *cells, size_t from, size_t to)
{
	struct st_vals *v = calloc(r->nplats ? r->nplats : 1, sizeof(*v));
	size_t i, p;
	int rc = v ? 0 : -ENOMEM;

	for (i = from; i < to && rc == 0; i++) {
		for (p = 0; p < r->nplats && rc == 0; p++)
			rc = st_vals_get(&r->plats[p], cells->v[i].rec, &v[p]);
		if (rc == 0)
			rc = cell_rows(r, reps, cells->v[i].rec, v);
		for (p = 0; p < r->nplats; p++)
			st_vals_free(&v[p]);
	}
	free(v);
	return rc;
}

/* A share of the cells, computed in its own thread into its own rows
 * (a shallow copy of the report); every cell has its own seed, so the
 * result does not depend on how the cells were shared. */
struct chunk {
	struct st_report r;
	struct st_reps reps;
	const struct st_cells *cells;
	size_t from, to;
	int rc;
};

static void *chunk_run(void *arg)
{
	struct chunk *c = arg;

	c->rc = cells_range(&c->r, &c->reps, c->cells, c->from, c->to);
	return NULL;
}

/* Append chunk c's rows and replicates to r (rows taken, not copied). */
static int merge(struct st_report *r, struct st_reps *reps, struct chunk *c)
{
	struct st_row *n = realloc(r->rows, (r->nrows + c->r.nrows + 1) *
				   sizeof(*n));
	size_t i;
	int rc = 0;

	if (!n)
		return -ENOMEM;
	r->rows = n;
	memcpy(n + r->nrows, c->r.rows, c->r.nrows * sizeof(*n));
	for (i = 0; i < c->reps.n; i++) {
		if (rc == 0)
			rc = st_reps_keep(reps, r->nrows + c->reps.row[i],
					  c->reps.v[i]);
		else
			free(c->reps.v[i]);
	}
	r->nrows += c->r.nrows;
	free(c->r.rows);
	free(c->reps.v);
	free(c->reps.row);
	c->r.rows = NULL;
	c->r.nrows = 0;
	memset(&c->reps, 0, sizeof(c->reps));
	return rc;
}

/* One thread per CPU this process may run on, each with 16 cells or more. */
static size_t nthreads(size_t ncells)
{
	cpu_set_t set;
	int cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ?
		CPU_COUNT(&set) : 1;
	size_t t = cpus > 0 ? (size_t)cpus : 1;

	t = t > ST_MAX_THREADS ? ST_MAX_THREADS : t;
	return ncells / 16 < t ? (ncells / 16 ? ncells / 16 : 1) : t;
}

int st_compute_rows(struct st_report *r, struct st_reps *reps)
{
	struct st_cells cells;
	struct chunk c[ST_MAX_THREADS];
	pthread_t tid[ST_MAX_THREADS];
	size_t t, n, started = 0;
	int rc = st_cells_find(r, &cells);

	n = nthreads(cells.n);
	for (t = 0; t < n; t++) {
		memset(&c[t], 0, sizeof(c[t]));
		c[t].r = *r;
		c[t].r.rows = NULL;
		c[t].r.nrows = 0;
		c[t].cells = &cells;
		c[t].from = cells.n * t / n;
		c[t].to = cells.n * (t + 1) / n;
	}
	for (t = 1; rc == 0 && t < n; t++, started++)
		if (pthread_create(&tid[t], NULL, chunk_run, &c[t]) != 0)
			break;
	if (rc == 0)
		chunk_run(&c[0]);
	for (t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	for (t = 0; t < n; t++) {
		if (rc == 0 && t > started)	/* no thread: do it here */
			chunk_run(&c[t]);
		rc = rc ? rc : c[t].rc;
		rc = merge(r, reps, &c[t]) ?: rc;
	}
	free(cells.v);
	return rc;
}
