/* test_stats.c - descriptive statistics on known vectors. */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "tb_stats.h"

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1);
}

static void test_odd_even(struct tap *t)
{
	const double odd[] = { 5, 1, 3 };
	const double even[] = { 4, 1, 3, 2 };
	double copy[3];
	struct tb_stats s;

	memcpy(copy, odd, sizeof(odd));
	tap_ok(t, tb_stats_compute(odd, 3, &s) == 0, "compute odd n");
	tap_ok(t, s.n == 3 && s.median == 3 && s.mean == 3 && s.min == 1 &&
	       s.max == 5, "odd n: median, mean, min, max");
	tap_ok(t, s.mad == 2 && near(s.stddev, 2) && near(s.cv, 2.0 / 3),
	       "odd n: MAD 2, stddev 2, CV 2/3");
	tap_ok(t, !memcmp(copy, odd, sizeof(odd)), "input not modified");
	tb_stats_compute(even, 4, &s);
	tap_ok(t, s.median == 2.5 && s.mean == 2.5 && s.min == 1 &&
	       s.max == 4, "even n: median is the mean of the middle two");
	tap_ok(t, s.mad == 1 && near(s.stddev, sqrt(5.0 / 3)),
	       "even n: MAD 1, sample stddev sqrt(5/3)");
}

static void test_edges(struct tap *t)
{
	const double mad[] = { 1, 1, 2, 2, 4, 6, 9 };
	const double one[] = { 7 };
	const double zero_mean[] = { -1, 1 };
	double v[] = { 3, 1, 2 };
	struct tb_stats s;

	tb_stats_compute(mad, 7, &s);
	tap_ok(t, s.median == 2 && s.mad == 1, "MAD of 1 1 2 2 4 6 9 is 1");
	tb_stats_compute(one, 1, &s);
	tap_ok(t, s.n == 1 && s.median == 7 && s.mean == 7 && s.min == 7 &&
	       s.max == 7 && s.mad == 0, "n = 1: the value itself, MAD 0");
	tap_ok(t, isnan(s.stddev) && isnan(s.cv), "n = 1: stddev, CV NaN");
	tap_ok(t, tb_stats_compute(NULL, 0, &s) == 0 && s.n == 0 &&
	       isnan(s.median) && isnan(s.mean) && isnan(s.min) &&
	       isnan(s.max) && isnan(s.mad) && isnan(s.stddev) &&
	       isnan(s.cv), "n = 0: all NaN");
	tb_stats_compute(zero_mean, 2, &s);
	tap_ok(t, s.mean == 0 && isnan(s.cv) && near(s.stddev, sqrt(2)),
	       "mean 0: CV NaN");
	tap_ok(t, tb_median(v, 3) == 2 && v[0] == 1 && v[2] == 3,
	       "tb_median sorts in place");
	tap_ok(t, isnan(tb_median(v, 0)), "tb_median of nothing is NaN");
}

int main(void)
{
	struct tap t = { 0, 0 };

	test_odd_even(&t);
	test_edges(&t);
	return tap_done(&t);
}
