/* st_cells.c - the (instance, metric) cells of a study and, per platform,
 * the kept values of a cell by boot.
 *
 * A value is kept when its record is not a warm-up and its repetition has
 * no outcome record (the run of that instance and repetition ended ok):
 * the rule of lib/summary.c, applied to the raw records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_cells.h"
#include "tb_util.h"

static int same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* Insert after the last cell of the same instance (or at the end). */
static int add_cell(struct st_cells *c, const struct st_rec *x)
{
	struct st_cell *n;
	size_t i, at = c->n;

	for (i = 0; i < c->n; i++) {
		const struct st_rec *y = c->v[i].rec;

		if (y->ihash == x->ihash && !strcmp(y->instance, x->instance)) {
			if (y->mhash == x->mhash && !strcmp(y->metric, x->metric))
				return 0;
			at = i + 1;
		}
	}
	n = realloc(c->v, (c->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->v = n;
	memmove(&n[at + 1], &n[at], (c->n - at) * sizeof(*n));
	memset(&n[at], 0, sizeof(*n));
	n[at].rec = x;
	c->n++;
	return 0;
}

int st_cells_find(const struct st_report *r, struct st_cells *c)
{
	size_t p, u, k;

	memset(c, 0, sizeof(*c));
	for (p = 0; p < r->nplats; p++)
		for (u = 0; u < r->plats[p].nruns; u++) {
			const struct st_run *run = r->plats[p].runs[u];

			for (k = 0; k < run->nrecs; k++)
				if (run->recs[k].metric &&
				    add_cell(c, &run->recs[k]) < 0)
					return -ENOMEM;
		}
	return 0;
}

static int push(struct st_vals *v, size_t boot, double x,
		const struct st_rec *rec)
{
	double *n;

	if (v->n[boot] == v->cap[boot]) {
		size_t cap = v->cap[boot] ? v->cap[boot] * 2 : 8;

		n = realloc(v->v[boot], cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		v->v[boot] = n;
		v->cap[boot] = cap;
	}
	v->v[boot][v->n[boot]++] = x;
	v->total++;
	if (rec->derived && !v->derived)
		v->derived = rec->derived;
	if (rec->scratch && !v->scratch)
		v->scratch = rec->scratch;
	if (rec->params && !v->params)
		v->params = rec->params;
	return 0;
}

static int take_run(struct st_vals *v, size_t boot, const struct st_run *run,
		    const struct st_rec *cell)
{
	size_t k;

	for (k = 0; k < run->nrecs; k++) {
		const struct st_rec *x = &run->recs[k];

		if (x->ihash != cell->ihash ||
		    strcmp(x->instance, cell->instance))
			continue;
		v->present = 1;
		if (x->mhash != cell->mhash || !same(x->metric, cell->metric) ||
		    x->warmup ||
		    strcmp(x->status, "ok") || x->dropped)
			continue;
		if (push(v, boot, x->value, x) < 0)
			return -ENOMEM;
	}
	return 0;
}

int st_vals_get(const struct st_platform *p, const struct st_rec *cell,
		struct st_vals *v)
{
	size_t u;

	memset(v, 0, sizeof(*v));
	v->nboots = p->nruns;
	v->n = calloc(p->nruns ? p->nruns : 1, sizeof(*v->n));
	v->cap = calloc(p->nruns ? p->nruns : 1, sizeof(*v->cap));
	v->v = calloc(p->nruns ? p->nruns : 1, sizeof(*v->v));
	if (!v->n || !v->cap || !v->v)
		return -ENOMEM;
	for (u = 0; u < p->nruns; u++)
		if (take_run(v, u, p->runs[u], cell) < 0)
			return -ENOMEM;
	return 0;
}

void st_vals_free(struct st_vals *v)
{
	size_t i;

	for (i = 0; v->v && i < v->nboots; i++)
		free(v->v[i]);
	free(v->v);
	free(v->n);
	free(v->cap);
	memset(v, 0, sizeof(*v));
}

/* All values pooled (malloc'ed; NULL if none or out of memory). */
double *st_vals_pool(const struct st_vals *v)
{
	double *all = malloc((v->total ? v->total : 1) * sizeof(*all));
	size_t i, k = 0;

	for (i = 0; all && i < v->nboots; i++) {
		memcpy(all + k, v->v[i], v->n[i] * sizeof(*all));
		k += v->n[i];
	}
	return all;
}
