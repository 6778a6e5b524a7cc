/* st_geo.c - what the report computes beyond the rows: the geometric
 * means of the headline relatives (with the interval of the same
 * bootstrap replicates), the failed and skipped repetitions, the
 * scalability steps; and st_compute(), which runs it all.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_compute.h"
#include "tb_bootstrap.h"
#include "tb_stats.h"
#include "tb_util.h"

int st_reps_keep(struct st_reps *k, size_t row, double *v)
{
	size_t *nr = realloc(k->row, (k->n + 1) * sizeof(*nr));
	double **nv = nr ? realloc(k->v, (k->n + 1) * sizeof(*nv)) : NULL;

	if (nr)
		k->row = nr;
	if (!nv) {
		free(v);
		return -ENOMEM;
	}
	k->v = nv;
	k->row[k->n] = row;
	k->v[k->n++] = v;
	return 0;
}

const double *st_reps_get(const struct st_reps *k, size_t row)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->row[i] == row)
			return k->v[i];
	return NULL;
}

void st_reps_free(struct st_reps *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	free(k->row);
}

/* The headline row of instance on platform p that has a ratio, or -1. */
static long headline_row(const struct st_report *r, size_t p,
			 const char *instance)
{
	uint64_t h = tb_hash_str(instance);
	size_t i;

	for (i = 0; i < r->nrows; i++)
		if (r->rows[i].plat == p && r->rows[i].headline &&
		    r->rows[i].has_rel && r->rows[i].ihash == h &&
		    !strcmp(r->rows[i].instance, instance))
			return (long)i;
	return -1;
}

static int bench_list(struct st_report *r)
{
	size_t i, p;

	for (i = 0; i < r->nrows; i++) {
		const struct st_row *row = &r->rows[i];
		char **n;
		int all = row->plat == 0 && row->headline && row->has_rel;

		for (p = 1; all && p < r->nplats; p++)
			all = headline_row(r, p, row->instance) >= 0;
		if (!all)
			continue;
		n = realloc(r->bench, (r->nbench + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		r->bench = n;
		if (!(n[r->nbench] = strdup(row->instance)))
			return -ENOMEM;
		r->nbench++;
	}
	return 0;
}

/* Replicate j of platform p's geometric mean into g[j]. */
static int geo_reps(const struct st_report *r, const struct st_reps *k,
		    size_t p, double *g)
{
	unsigned B = r->opt.boot_b, j;
	size_t i;

	for (j = 0; j < B; j++)
		g[j] = 0;
	for (i = 0; i < r->nbench; i++) {
		size_t pr = (size_t)headline_row(r, p, r->bench[i]);
		size_t br = (size_t)headline_row(r, 0, r->bench[i]);
		const double *pm = st_reps_get(k, pr), *bm = st_reps_get(k, br);
		int lower = r->rows[pr].better == ST_LOWER;

		if (!pm || !bm)
			return -EINVAL;
		for (j = 0; j < B; j++)
			g[j] += log(lower ? bm[j] / pm[j] : pm[j] / bm[j]);
	}
	for (j = 0; j < B; j++)
		g[j] = exp(g[j] / (double)r->nbench);
	return 0;
}

static int one_geo(struct st_report *r, const struct st_reps *k, size_t p,
		   double *g, double *ones)
{
	struct st_geo *o = &r->geo[p];
	double *rel = malloc((r->nbench + 1) * sizeof(*rel));
	size_t i;
	int rc = 0, all_ci = 1;

	if (!rel)
		return -ENOMEM;
	for (i = 0; i < r->nbench; i++) {
		const struct st_row *w = &r->rows[headline_row(r, p,
							       r->bench[i])];

		rel[i] = w->rel;
		all_ci &= !isnan(w->ci_lo);	/* no interval: none here */
	}
	o->plat = p;
	o->gm = r->nbench ? tb_geomean(rel, r->nbench) : NAN;
	o->ci_lo = o->ci_hi = NAN;
	free(rel);
	if (p == 0 || !r->nbench || !all_ci)
		return 0;
	rc = geo_reps(r, k, p, g);
	if (rc == 0)
		rc = tb_ratio_ci(ones, g, r->opt.boot_b, 0, 0.95, &o->ci_lo,
				 &o->ci_hi);
	o->significant = rc == 0 && (o->ci_lo > 1 || o->ci_hi < 1);
	return rc == -EDOM ? 0 : rc;
}

int st_compute_geo(struct st_report *r, const struct st_reps *k)
{
	unsigned B = r->opt.boot_b, j;
	double *g, *ones;
	size_t p;
	int rc = bench_list(r);

	r->geo = calloc(r->nplats ? r->nplats : 1, sizeof(*r->geo));
	g = malloc(B * sizeof(*g));
	ones = malloc(B * sizeof(*ones));
	if (!r->geo || !g || !ones)
		rc = -ENOMEM;
	for (j = 0; ones && j < B; j++)
		ones[j] = 1;
	for (p = 0; p < r->nplats && rc == 0; p++) {
		rc = one_geo(r, k, p, g, ones);
		r->ngeo = p + 1;
	}
	free(g);
	free(ones);
	return rc;
}
