/* st_compute.h - the parts of st_compute() (st_compute.c, st_flags.c,
 * st_geo.c). */
#ifndef ST_COMPUTE_H
#define ST_COMPUTE_H

#include "study/st_cells.h"

/* The replicate medians kept for headline rows (row index -> B values). */
struct st_reps {
	size_t *row;
	double **v;
	size_t n;
};
/* Keep v (taken: freed here on failure) for row.  0 or -ENOMEM. */
int st_reps_keep(struct st_reps *k, size_t row, double *v);
const double *st_reps_get(const struct st_reps *k, size_t row);
void st_reps_free(struct st_reps *k);

int st_compute_rows(struct st_report *r, struct st_reps *reps);
/* Add a flag word to row (0 or -ENOMEM). */
int st_flag(struct st_row *row, const char *word);
/* Flags of a row from its values and the baseline's (NULL: none). */
int st_row_flags(const struct st_report *r, struct st_row *row,
		 const struct st_vals *v, const struct st_vals *base);
/* A binary of p's runs differs from another run's of the same name. */
int st_plat_mixed(const struct st_report *r, const struct st_platform *p);
int st_compute_geo(struct st_report *r, const struct st_reps *reps);
int st_compute_fails(struct st_report *r);
int st_compute_scale(struct st_report *r);

#endif
