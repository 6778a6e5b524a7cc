/* stats.c - descriptive statistics over a sample (see tb_stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tb_stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double tb_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	if (n % 2)
		return v[n / 2];
	/* mean of the middle two, written to avoid overflow */
	return v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

static void stats_moments(const double *v, size_t n, struct tb_stats *s)
{
	double sum = 0, ss = 0;
	size_t i;

	s->min = s->max = v[0];
	for (i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] < s->min)
			s->min = v[i];
		if (v[i] > s->max)
			s->max = v[i];
	}
	s->mean = sum / (double)n;
	for (i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->stddev = n >= 2 ? sqrt(ss / (double)(n - 1)) : NAN;
	s->cv = (n >= 2 && s->mean != 0) ? s->stddev / s->mean : NAN;
}

int tb_stats_compute(const double *v, size_t n, struct tb_stats *out)
{
	double *w;
	size_t i;

	out->n = n;
	out->median = out->mean = out->min = out->max = NAN;
	out->mad = out->stddev = out->cv = NAN;
	if (n == 0)
		return 0;
	w = malloc(n * sizeof(*w));
	if (!w)
		return -ENOMEM;
	memcpy(w, v, n * sizeof(*w));
	out->median = tb_median(w, n);
	for (i = 0; i < n; i++)
		w[i] = fabs(v[i] - out->median);
	out->mad = tb_median(w, n);
	free(w);
	stats_moments(v, n, out);
	return 0;
}
