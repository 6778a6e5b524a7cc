/* test_bootstrap.c - the report's statistics: exact values, determinism,
 * the bounded generator, speed (a diagnostic, never asserted) and the
 * coverage of the bootstrap interval on synthetic studies of known truth.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "tb_bootstrap.h"
#include "tb_stats.h"

#define MAXB 8			/* boots of a synthetic cell */
#define MAXR 8			/* runs of a boot */

/* One platform's values in one cell, as tb_boots wants them. */
struct cell {
	size_t n[MAXB];
	const double *v[MAXB];
	double data[MAXB][MAXR];
	struct tb_boots b;
};

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A cell whose boot i holds the n[i] first values of vals[i]. */
static void cell_set(struct cell *c, size_t nboots, const size_t *n,
		     const double vals[][MAXR])
{
	size_t i;

	for (i = 0; i < nboots; i++) {
		c->n[i] = n[i];
		memcpy(c->data[i], vals[i], sizeof(c->data[i]));
		c->v[i] = c->data[i];
	}
	c->b.nboots = nboots;
	c->b.n = c->n;
	c->b.v = c->v;
}

static double gauss(struct tb_rng *r)
{
	double u1 = ((double)(tb_rng_next(r) >> 11) + 0.5) * 0x1p-53;
	double u2 = (double)(tb_rng_next(r) >> 11) * 0x1p-53;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* nb boots of nr runs: exp(mu + boot effect + run noise), both normal. */
static void cell_lognormal(struct cell *c, struct tb_rng *r, size_t nb,
			   size_t nr, double mu, double sboot, double srun)
{
	size_t i, j;
	double e;

	for (i = 0; i < nb; i++) {
		e = sboot > 0 ? sboot * gauss(r) : 0;
		for (j = 0; j < nr; j++)
			c->data[i][j] = exp(mu + e + srun * gauss(r));
		c->n[i] = nr;
		c->v[i] = c->data[i];
	}
	c->b.nboots = nb;
	c->b.n = c->n;
	c->b.v = c->v;
}

static void test_describe(struct tap *t)
{
	static const double odd[][MAXR] = { { 5, 1 }, { 3 } };
	static const double even[][MAXR] = { { 4 }, { 0 }, { 1, 3, 2 } };
	static const double one[][MAXR] = { { 7 } };
	const size_t nodd[] = { 2, 1 }, neven[] = { 1, 0, 3 }, none = 1;
	struct cell c;
	struct tb_desc d;

	cell_set(&c, 2, nodd, odd);
	tap_ok(t, tb_describe(&c.b, &d) == 0 && d.n == 3 && d.median == 3 &&
	       d.min == 1 && d.max == 5 && d.mean == 3 && near(d.sd, 2) &&
	       near(d.cv, 2.0 / 3) && d.mad == 2,
	       "describe pools boots: 5 1 | 3 -> median 3, sd 2, MAD 2");
	cell_set(&c, 3, neven, even);
	tap_ok(t, tb_describe(&c.b, &d) == 0 && d.n == 4 && d.median == 2.5 &&
	       d.mean == 2.5 && near(d.sd, sqrt(5.0 / 3)) && d.mad == 1,
	       "even n: mean of the middle two; the empty boot is ignored");
	cell_set(&c, 1, &none, one);
	tap_ok(t, tb_describe(&c.b, &d) == 0 && d.n == 1 && d.median == 7 &&
	       d.sd == 0 && d.cv == 0 && d.mad == 0, "n = 1: sd 0, cv 0");
	c.n[0] = 0;
	tap_ok(t, tb_describe(&c.b, &d) == -EINVAL, "no value: -EINVAL");
	c.n[0] = 1;
	c.data[0][0] = NAN;
	tap_ok(t, tb_describe(&c.b, &d) == -EINVAL, "NaN value: -EINVAL");
}

static void test_small(struct tap *t)
{
	const double g[] = { 2, 8 }, bad[] = { 1, 0 }, neg[] = { 4, -1 };
	const double o1[] = { 1, 2, 3, 4, 100 };
	const double o2[] = { 5, 5, 5, 5, 5, 5, 5, 5, 5, 100 };
	const double o3[] = { 5, 5, 5, 6, 6 }, o4[] = { 3, 3, 3 };
	unsigned char f[10];

	tap_ok(t, near(tb_geomean(g, 2), 4), "geomean of 2 and 8 is 4");
	tap_ok(t, isnan(tb_geomean(g, 0)) && isnan(tb_geomean(bad, 2)) &&
	       isnan(tb_geomean(neg, 2)), "geomean: NaN for n 0, 0, < 0");
	tap_ok(t, tb_outliers(o1, 5, 3.5, f) == 1 && f[4] == 1 && !f[0] &&
	       !f[3], "outliers: 100 among 1..4 is the only one");
	tap_ok(t, tb_outliers(o2, 10, 3.5, f) == 1 && f[9] == 1 && !f[0],
	       "outliers: MAD 0, the lone 100 is still caught");
	tap_ok(t, tb_outliers(o3, 5, 3.5, f) == 0 && !f[3],
	       "outliers: MAD 0, 6 among 5 5 5 6 6 is not one");
	tap_ok(t, tb_outliers(o4, 3, 3.5, f) == 0 && !f[0],
	       "outliers: all equal, none");
	tap_ok(t, tb_outliers(o1, 0, 3.5, f) == 0 &&
	       tb_outliers(o1, 5, 0, f) == -EINVAL,
	       "outliers: n 0 gives 0, k 0 is -EINVAL");
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* type 7 from a sorted copy, as the header defines it */
static double q7_sorted(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p, fl = floor(h);
	size_t k = (size_t)fl;

	if (k + 1 >= n)
		return x[k];
	return x[k] + (h - fl) * (x[k + 1] - x[k]);
}

/* Selection against sorting, on ratios with many ties. */
static void test_quantiles(struct tap *t)
{
	enum { N = 1001 };
	double base[N], plat[N], x[N], lo, hi;
	struct tb_rng r;
	int i, ok = 1;

	tb_rng_seed(&r, 11);
	for (i = 0; i < N; i++) {
		base[i] = 1 + (double)tb_rng_below(&r, 5);
		plat[i] = 1 + (double)tb_rng_below(&r, 7);
		x[i] = plat[i] / base[i];
	}
	qsort(x, N, sizeof(*x), cmp_d);
	ok &= tb_ratio_ci(base, plat, N, 0, 0.95, &lo, &hi) == 0 &&
	      lo == q7_sorted(x, N, (1 - 0.95) / 2) &&
	      hi == q7_sorted(x, N, 1 - (1 - 0.95) / 2);
	ok &= tb_ratio_ci(base, plat, N, 0, 0.9, &lo, &hi) == 0 &&
	      lo == q7_sorted(x, N, (1 - 0.9) / 2) &&
	      hi == q7_sorted(x, N, 1 - (1 - 0.9) / 2);
	tap_ok(t, ok, "selection gives the quantiles of the sorted ratios");
}

static void test_ratio(struct tap *t)
{
	const double one[] = { 1, 1, 1, 1, 1 }, two[] = { 2, 2, 2, 2, 2 };
	const double four[] = { 4, 4, 4, 4, 4 }, p[] = { 5, 1, 4, 2, 3 };
	const double zero[] = { 1, 0, 1, 1, 1 };
	double lo, hi;

	tap_ok(t, tb_ratio_ci(two, four, 5, 0, 0.95, &lo, &hi) == 0 &&
	       lo == 2 && hi == 2, "higher is better: 4 vs baseline 2 is 2");
	tap_ok(t, tb_ratio_ci(two, four, 5, 1, 0.95, &lo, &hi) == 0 &&
	       lo == 0.5 && hi == 0.5, "lower is better: 4 vs 2 is 0.5");
	tap_ok(t, tb_ratio_ci(one, p, 5, 0, 0.5, &lo, &hi) == 0 && lo == 2 &&
	       hi == 4, "type 7 quantiles at 25%%, 75%% of 1..5: 2, 4");
	tap_ok(t, tb_ratio_ci(one, p, 5, 0, 0.8, &lo, &hi) == 0 &&
	       near(lo, 1.4) && near(hi, 4.6),
	       "type 7 quantiles interpolate: 1.4, 4.6");
	tap_ok(t, tb_ratio_ci(one, zero, 5, 0, 0.95, &lo, &hi) == -EDOM &&
	       tb_ratio_ci(one, p, 5, 0, 1, &lo, &hi) == -EINVAL &&
	       tb_ratio_ci(one, p, 0, 0, 0.95, &lo, &hi) == -EINVAL,
	       "median 0: -EDOM; level 1 or B 0: -EINVAL");
}

/* The draw stream of tb_boot_medians as its header tells it, the slow
 * way: then collect the values drawn and sort them. */
struct ref {
	struct tb_rng *r;
	uint64_t word;
	int left;
};

static uint64_t ref_below(struct ref *s, uint64_t m)
{
	uint64_t x;

	if (m == 1)
		return 0;
	if (m > 256)
		return tb_rng_below(s->r, m);
	for (;;) {
		if (!s->left) {
			s->word = tb_rng_next(s->r);
			s->left = 4;
		}
		x = s->word & 0xffff;
		s->word >>= 16;
		s->left--;
		if (x * m % 65536 >= 65536 % m)
			return x * m / 65536;
	}
}

static uint64_t ipow(uint64_t c, size_t e)
{
	uint64_t x = 1;

	while (e--)
		x *= c;
	return x;
}

/* One replicate; buf holds the values drawn (as many as the boots). */
static double ref_replicate(const struct tb_boots *b, struct ref *s,
			    size_t *live, double *buf)
{
	size_t nb = 0, i, k, c, len, g, done, d, m = 0;
	uint64_t u;

	for (i = 0; i < b->nboots; i++)
		if (b->n[i])
			live[nb++] = i;
	for (i = 0; i < nb; i++) {
		k = live[ref_below(s, nb)];
		c = b->n[k];
		for (len = 1; len < c && ipow(c, len + 1) <= 256; len++)
			;
		for (done = 0; done < c; done += g) {
			g = c - done < len ? c - done : len;
			u = ref_below(s, ipow(c, g));
			for (d = 0; d < g; d++, u /= c)
				buf[m++] = b->v[k][u % c];
		}
	}
	return tb_median(buf, m);
}

/* A cell of boots with the counts n[] (0 ends the list), values rounded
 * to ties, from seed. */
struct big {
	size_t nb, nv, n[400];
	const double *v[400];
	double *data;
	struct tb_boots b;
};

static int big_make(struct big *c, const size_t *n, uint64_t seed)
{
	struct tb_rng r;
	size_t i;

	tb_rng_seed(&r, seed);
	for (c->nb = c->nv = 0; n[c->nb]; c->nb++)
		c->nv += n[c->nb];
	c->data = malloc(c->nv * sizeof(*c->data));
	if (!c->data)
		return -1;
	for (i = 0; i < c->nv; i++)
		c->data[i] = 100 + (double)tb_rng_below(&r, 40) / 4;
	for (i = 0, c->nv = 0; i < c->nb; c->nv += n[i++]) {
		c->n[i] = n[i];
		c->v[i] = c->data + c->nv;
	}
	c->b.nboots = c->nb;
	c->b.n = c->n;
	c->b.v = c->v;
	return 0;
}

/* tb_boot_medians against the reference: same medians, bit for bit, and
 * the generator left in the same state. */
static int same_as_ref(const size_t *n, unsigned B, uint64_t seed)
{
	double *out = malloc(B * sizeof(*out)), *buf = NULL;
	size_t live[400], i, most = 0;
	struct tb_rng r, s;
	struct ref ref = { &s, 0, 0 };
	struct big c;
	int ok;

	if (!out || big_make(&c, n, seed)) {
		free(out);
		return 0;
	}
	for (i = 0; i < c.nb; i++)
		most = c.n[i] > most ? c.n[i] : most;
	buf = malloc(c.nb * most * sizeof(*buf));
	tb_rng_seed(&r, seed);
	s = r;
	ok = buf && tb_boot_medians(&c.b, B, &r, out) == 0;
	for (i = 0; ok && i < B; i++)
		ok = ref_replicate(&c.b, &ref, live, buf) == out[i];
	ok = ok && !memcmp(&r, &s, sizeof(r));
	free(buf);
	free(out);
	free(c.data);
	return ok;
}

static void test_boot_ref(struct tap *t)
{
	static const size_t mixed[] = { 4, 2, 5, 1, 0 };
	static const size_t full[] = { 29, 1, 1, 1, 0 };
	static const size_t eights[] = { 8, 8, 8, 8, 0 };
	static const size_t sevens[] = { 7, 7, 7, 7, 7, 7, 0 };
	static const size_t wide[] = { 300, 17, 3, 0 };
	size_t many[303];
	int i;

	for (i = 0; i < 301; i++)
		many[i] = 1;
	many[301] = 2;
	many[302] = 0;
	tap_ok(t, same_as_ref(mixed, 3000, 1),
	       "boots of 4 2 5 1 runs (groups with a rest; register tally): "
	       "the reference's medians, bit for bit");
	tap_ok(t, same_as_ref(full, 3000, 2),
	       "29 1 1 1 runs (counts up to 116 in one byte): the same");
	tap_ok(t, same_as_ref(eights, 3000, 3),
	       "4 boots x 8 runs (32 values, all four words): the same");
	tap_ok(t, same_as_ref(sevens, 2000, 4),
	       "6 x 7 runs (42 values: the tally in memory): the same");
	tap_ok(t, same_as_ref(wide, 300, 5),
	       "300 17 3 runs (a range above 256: tb_rng_below): the same");
	tap_ok(t, same_as_ref(many, 300, 6),
	       "302 boots of 1 or 2 runs (boot index above 256): the same");
}

static void test_boot(struct tap *t)
{
	static const double vals[][MAXR] = {
		{ 3, 1, 3, 2 }, { 0 }, { 9, 3.5 }, { 3, 7, 1, 1, 8 }, { 2 },
	};
	static const double flat[][MAXR] = { { 7, 7, 7 }, { 7, 7 } };
	static const double three[][MAXR] = { { 1, 2, 3 } };
	const size_t n[] = { 4, 0, 2, 5, 1 }, nflat[] = { 3, 2 }, n3 = 3;
	double a[500], b[500], lo, hi, *m3 = malloc(27000 * sizeof(*m3));
	double chi = 0, want[3] = { 7e3, 13e3, 7e3 }, got[3] = { 0, 0, 0 };
	struct tb_rng r;
	struct cell c, f;
	int same = 1, i;

	cell_set(&c, 5, n, vals);
	tb_rng_seed(&r, tb_seed_mix(7, "ref"));
	tap_ok(t, tb_boot_medians(&c.b, 500, &r, a) == 0, "500 replicates");
	tb_rng_seed(&r, tb_seed_mix(7, "ref"));
	tb_boot_medians(&c.b, 500, &r, b);
	tap_ok(t, !memcmp(a, b, sizeof(a)), "same seed, identical replicates");
	tb_rng_seed(&r, tb_seed_mix(8, "ref"));
	tb_boot_medians(&c.b, 500, &r, b);
	for (i = 0; i < 500; i++)
		same &= a[i] == b[i];
	tap_ok(t, !same, "another seed, other replicates");
	tap_ok(t, tb_seed_mix(7, "a/b/c") == tb_seed_mix(7, "a/b/c") &&
	       tb_seed_mix(7, "a/b/c") != tb_seed_mix(7, "a/b/d") &&
	       tb_seed_mix(7, "a/b/c") != tb_seed_mix(8, "a/b/c"),
	       "seed_mix depends on the seed and the key");
	cell_set(&f, 2, nflat, flat);
	tb_boot_medians(&f.b, 500, &r, a);
	tb_boot_medians(&f.b, 500, &r, b);
	tap_ok(t, tb_ratio_ci(a, b, 500, 0, 0.95, &lo, &hi) == 0 && lo == 1 &&
	       hi == 1, "identical constant data: interval [1, 1]");
	/* the median of 3 draws of 1 2 3 is 1 or 3 with p 7/27, else 2 */
	cell_set(&f, 1, &n3, three);
	if (m3 && tb_boot_medians(&f.b, 27000, &r, m3) == 0)
		for (i = 0; i < 27000; i++)
			got[(int)m3[i] - 1]++;
	free(m3);
	for (i = 0; i < 3; i++)
		chi += (got[i] - want[i]) * (got[i] - want[i]) / want[i];
	tap_ok(t, chi < 13.8, "medians of resampled 1 2 3: 7/27 13/27 7/27, "
	       "chi-square %.1f < 13.8 (2 df, p 0.001)", chi);
	c.n[0] = c.n[2] = c.n[3] = c.n[4] = 0;
	tap_ok(t, tb_boot_medians(&c.b, 5, &r, a) == -EINVAL &&
	       tb_boot_medians(&f.b, 0, &r, a) == -EINVAL,
	       "no value or B 0: -EINVAL");
}

static void test_below(struct tap *t)
{
	struct tb_rng r;
	unsigned long hist[10] = { 0 };
	uint64_t big = 3ULL << 62, x;
	int i, ok = 1, low = 0;
	double chi = 0;

	tb_rng_seed(&r, 1);
	for (i = 0; i < 1000; i++)
		ok &= tb_rng_below(&r, 1) == 0 &&
		      tb_rng_below(&r, UINT64_MAX) < UINT64_MAX &&
		      tb_rng_below(&r, (1ULL << 63) + 1) <= (1ULL << 63);
	tap_ok(t, ok, "below(n) < n for n = 1, 2^63 + 1, 2^64 - 1");
	for (i = 0; i < 100000; i++)
		hist[tb_rng_below(&r, 10)]++;
	for (i = 0; i < 10; i++)
		chi += (hist[i] - 1e4) * (hist[i] - 1e4) / 1e4;
	tap_ok(t, chi < 27.88, "below(10): chi-square %.1f < 27.88 (9 df, "
	       "p 0.001)", chi);
	/* x % (3 * 2^62) would put half the draws below 2^62, not a third */
	for (i = 0; i < 30000; i++) {
		x = tb_rng_below(&r, big);
		ok &= x < big;
		low += x < (1ULL << 62);
	}
	tap_ok(t, ok && fabs(low / 30000.0 - 1 / 3.0) < 0.02,
	       "below(3 * 2^62): %.3f below 2^62 (1/3 unbiased, 1/2 modulo)",
	       low / 30000.0);
}

/* The report's load: 8 platforms x 300 cells of 3 boots x 5 runs, B 10000
 * replicates each, then 7 intervals per cell against the baseline. */
static void test_speed(struct tap *t)
{
	enum { PLATS = 8, CELLS = 300, BIG = 10000 };
	double *rep = malloc(PLATS * BIG * sizeof(*rep)), t0, tb = 0, tc = 0;
	double lo, hi;
	struct tb_rng data, r;
	struct cell c;
	int i, p, rc = rep ? 0 : -ENOMEM;

	tb_rng_seed(&data, 3);
	for (i = 0; i < CELLS && !rc; i++) {
		for (p = 0; p < PLATS && !rc; p++) {
			cell_lognormal(&c, &data, 3, 5, log(100), 0.02, 0.05);
			tb_rng_seed(&r, tb_seed_mix(i, p ? "plat" : "base"));
			t0 = cpu_seconds();
			rc = tb_boot_medians(&c.b, BIG, &r, rep + p * BIG);
			tb += cpu_seconds() - t0;
		}
		t0 = cpu_seconds();
		for (p = 1; p < PLATS && !rc; p++)
			rc = tb_ratio_ci(rep, rep + p * BIG, BIG, 0, 0.95, &lo,
					 &hi);
		tc += cpu_seconds() - t0;
	}
	free(rep);
	tap_ok(t, rc == 0, "%d cells x %d platforms x B %d computed", CELLS,
	       PLATS, BIG);
	printf("# speed: tb_boot_medians %.3f s CPU (%.1f ns a replicate), "
	       "tb_ratio_ci %.3f s for %d intervals\n", tb,
	       tb * 1e9 / (CELLS * PLATS * (double)BIG), tc,
	       CELLS * (PLATS - 1));
}

/* A family of synthetic studies: the platform's values are the baseline's
 * times TRUTH in distribution (log-normal: the median of exp(mu + boot
 * effect + run noise), both normal with mean 0, is exp(mu), so the true
 * ratio of medians is exp(mu_p - mu_b) = TRUTH, or 1 / TRUTH when lower
 * is better). */
struct design {
	const char *name;
	size_t nb, nr;		/* boots, runs a boot (both platforms) */
	double sboot, srun;	/* sd of the log boot effect, run noise */
	double level;
	int lower;		/* lower is better */
	int pooled;		/* wrong on purpose: boots ignored */
	int expect;		/* 1: within TOL of 0.95, -1: outside */
};

#define TRUTH 0.8
#define STUDIES 2000
#define SIM_B 2000
#define TOL 0.02		/* 4 standard errors of a share near 0.95 */

static int boot_cell(const struct cell *c, int pooled, struct tb_rng *r,
		     double *out)
{
	double flat[MAXB * MAXR];
	const double *v = flat;
	size_t i, m = 0;
	struct tb_boots one = { 1, &m, &v };

	if (!pooled)
		return tb_boot_medians(&c->b, SIM_B, r, out);
	for (i = 0; i < c->b.nboots; i++) {
		memcpy(flat + m, c->v[i], c->n[i] * sizeof(*flat));
		m += c->n[i];
	}
	return tb_boot_medians(&one, SIM_B, r, out);
}

/* The share of STUDIES whose interval covers the truth; -1 on error. */
static double coverage(const struct design *d, double *base, double *plat)
{
	double mu = log(1000), truth = d->lower ? 1 / TRUTH : TRUTH, lo, hi;
	struct tb_rng data, r;
	struct cell cb, cp;
	int s, hit = 0;

	tb_rng_seed(&data, tb_seed_mix(1, d->name));
	tb_rng_seed(&r, tb_seed_mix(2, d->name));
	for (s = 0; s < STUDIES; s++) {
		cell_lognormal(&cb, &data, d->nb, d->nr, mu, d->sboot,
			       d->srun);
		cell_lognormal(&cp, &data, d->nb, d->nr, mu + log(TRUTH),
			       d->sboot, d->srun);
		if (boot_cell(&cb, d->pooled, &r, base) ||
		    boot_cell(&cp, d->pooled, &r, plat) ||
		    tb_ratio_ci(base, plat, SIM_B, d->lower, d->level, &lo,
				&hi))
			return -1;
		hit += lo <= truth && truth <= hi;
	}
	return (double)hit / STUDIES;
}

static const struct design designs[] = {
	{ "3x4 no boot effect", 3, 4, 0, 0.05, 0.95, 0, 0, 0 },
	{ "3x4 boot sd = run sd / 2", 3, 4, 0.025, 0.05, 0.95, 0, 0, 0 },
	{ "3x4 boot sd = run sd", 3, 4, 0.05, 0.05, 0.95, 0, 0, 0 },
	{ "3x4 boot sd = 2 run sd", 3, 4, 0.10, 0.05, 0.95, 0, 0, 0 },
	{ "3x4 boot sd = 4 run sd", 3, 4, 0.20, 0.05, 0.95, 0, 0, 0 },
	{ "5x4 no boot effect", 5, 4, 0, 0.05, 0.95, 0, 0, 0 },
	{ "5x4 boot sd = run sd / 2", 5, 4, 0.025, 0.05, 0.95, 0, 0, 0 },
	{ "5x4 boot sd = run sd", 5, 4, 0.05, 0.05, 0.95, 0, 0, 1 },
	{ "5x4 boot sd = run sd, lower is better", 5, 4, 0.05, 0.05, 0.95,
	  1, 0, 1 },
	{ "5x4 boot sd = 2 run sd", 5, 4, 0.10, 0.05, 0.95, 0, 0, 1 },
	{ "5x4 boot sd = 4 run sd", 5, 4, 0.20, 0.05, 0.95, 0, 0, 0 },
	{ "WRONG 5x4 boot sd = run sd, 68% level", 5, 4, 0.05, 0.05, 0.68,
	  0, 0, -1 },
	{ "WRONG 5x4 boot sd = run sd, boots ignored", 5, 4, 0.05, 0.05,
	  0.95, 0, 1, -1 },
	{ "WRONG 3x4 boot sd = run sd, boots ignored", 3, 4, 0.05, 0.05,
	  0.95, 0, 1, 0 },
};

static void test_coverage(struct tap *t)
{
	double *base = malloc(2 * SIM_B * sizeof(*base)), cov, t0;
	const struct design *d;
	int in;

	if (!tap_ok(t, base != NULL, "coverage buffers"))
		return;
	printf("# coverage of the 95%% interval: %d studies each, B %d (the "
	       "report uses B >= 10000), run sd 0.05 (log scale), true "
	       "ratio %g\n", STUDIES, SIM_B, TRUTH);
	for (d = designs; d < designs + sizeof(designs) / sizeof(*d); d++) {
		t0 = cpu_seconds();
		cov = coverage(d, base, base + SIM_B);
		in = fabs(cov - 0.95) <= TOL;
		printf("# coverage %-44s %.3f (%.2f s)\n", d->name, cov,
		       cpu_seconds() - t0);
		if (d->expect)
			tap_ok(t, cov >= 0 && in == (d->expect > 0),
			       "%s: %.3f %s 0.95 +- %g", d->name, cov,
			       d->expect > 0 ? "within" : "outside", TOL);
	}
	free(base);
}

int main(void)
{
	struct tap t = { 0, 0 };

	test_describe(&t);
	test_small(&t);
	test_ratio(&t);
	test_quantiles(&t);
	test_boot(&t);
	test_boot_ref(&t);
	test_below(&t);
	test_speed(&t);
	test_coverage(&t);
	return tap_done(&t);
}
