/* tb_stats.h - descriptive statistics over a sample. */
#ifndef TB_STATS_H
#define TB_STATS_H

#include <stddef.h>

struct tb_stats {
	size_t n;
	double median, mean, min, max;
	double mad;		/* median absolute deviation (unscaled) */
	double stddev;		/* sample standard deviation (n-1) */
	double cv;		/* stddev / mean; NaN when undefined */
};

/* Values need not be sorted; v is not modified.  n == 0 gives NaNs.
 * Returns 0 or -ENOMEM. */
int tb_stats_compute(const double *v, size_t n, struct tb_stats *out);
double tb_median(double *v, size_t n);	/* sorts v in place */

#endif
