/* st_cells.h - cells and kept values (st_cells.c), for st_compute.c. */
#ifndef ST_CELLS_H
#define ST_CELLS_H

#include "study/st_priv.h"

/* One (instance, metric): rec is its first record seen (workload, unit,
 * better, headline). */
struct st_cell {
	const struct st_rec *rec;
};
struct st_cells {
	struct st_cell *v;
	size_t n;
};
/* Cells in the order first seen (the baseline's runs first), each
 * instance's metrics together.  0 or -ENOMEM. */
int st_cells_find(const struct st_report *r, struct st_cells *c);

/* One platform's kept values of a cell, by boot (its runs). */
struct st_vals {
	size_t nboots;
	size_t *n, *cap;
	double **v;
	size_t total;
	int present;		/* the platform ran the instance at all */
	const char *derived, *scratch, *params;	/* of the first kept value */
};
int st_vals_get(const struct st_platform *p, const struct st_rec *cell,
		struct st_vals *v);
void st_vals_free(struct st_vals *v);
double *st_vals_pool(const struct st_vals *v);

#endif
