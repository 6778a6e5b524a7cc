/* tb_bootstrap.h - pure statistics for `twinbench report`: pooled
 * description, hierarchical (boot, run) bootstrap of the median, the
 * confidence interval of a relative performance, MAD outliers, geometric
 * means.  No I/O, no globals (calls may run in parallel threads); every
 * result depends only on the arguments.
 *
 * Errors are -errno: -EINVAL (bad arguments, no values, a value that is
 * not finite), -EDOM (a ratio of medians that are not all > 0), -ENOMEM.
 *
 * The random generator is tb_util.h's (splitmix64-seeded xoshiro256**).
 * The order in which draws are taken is part of the contract (see
 * tb_boot_medians): a report made again from the same runs and seed is
 * bit-identical on the same machine.
 */
#ifndef TB_BOOTSTRAP_H
#define TB_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tb_util.h"

/* An integer uniform in [0, n), n > 0, without modulo bias (Lemire's
 * multiply-and-reject: one tb_rng_next() per call except for a rejection,
 * which happens with probability below n / 2^64).  n == 0 gives 0 and
 * draws nothing. */
uint64_t tb_rng_below(struct tb_rng *r, uint64_t n);

/* The seed of one cell from the study seed and a key (any C string, by
 * convention "platform/instance/metric"): splitmix64's finaliser of
 * (finaliser(seed) XOR tb_hash_str(key)); NULL is taken as "".  Keep it
 * stable across versions: it decides every published interval. */
uint64_t tb_seed_mix(uint64_t seed, const char *key);

/* The kept values of one platform in one (instance, metric) cell, by boot:
 * boot i has n[i] values v[i][0..n[i]-1], finite.  Boots with n[i] == 0
 * are ignored (as if absent); v[i] may then be NULL. */
struct tb_boots {
	size_t nboots;
	const size_t *n;
	const double *const *v;
};

/* Description of all the values pooled. */
struct tb_desc {
	size_t n;		/* values, all boots together */
	double median;		/* of an even n: mean of the middle two */
	double min, max, mean;
	double sd;		/* sample standard deviation (n - 1), */
				/* 0 if n < 2 */
	double cv;		/* sd / mean; 0 if n < 2, NaN if mean == 0 */
	double mad;		/* median of |x - median|, unscaled */
};

/* Describe b pooled.  0; -EINVAL when b has no value or one is not
 * finite (d is then untouched); -ENOMEM. */
int tb_describe(const struct tb_boots *b, struct tb_desc *d);

/* B bootstrap replicates of the pooled median of b into out[0..B-1]:
 * each draws nb boots with replacement among the nb non-empty ones and,
 * within each boot drawn, its c = n[k] runs with replacement (the same
 * count), and is the median (as in tb_describe) of all the values drawn.
 * Replicates j = 0..B-1 come in order from one stream of draws from r,
 * which is advanced; the draws, exactly (part of the contract):
 *   a replicate: nb times, k = below(nb), then the c run indices of boot k
 *     in groups: len = the largest len <= c with c^len <= 256; c / len
 *     groups of len, then one of c % len if that is not 0; a group is one
 *     u = below(c^len) whose len base-c digits are its run indices;
 *   below(m): 0, taking nothing, when m == 1; for m <= 256, 16-bit chunks
 *     x of the stream (four from each tb_rng_next() word, low bits first)
 *     until x * m mod 2^16 >= 2^16 mod m, then floor(x * m / 2^16)
 *     (Lemire's unbiased method); for m > 256, tb_rng_below(r, m), chunks
 *     already taken from a word waiting for the next below();
 *   chunks left after replicate B - 1 are dropped.
 * Cost: per boot a table of at most 256 entries, once; then O(nb + N) per
 * replicate (N values), no sort: the ranks drawn are counted, in registers
 * when N <= 32 and no count can pass 127, and the counts walked.
 * 0; -EINVAL (B == 0, no value, a value not finite); -ENOMEM. */
int tb_boot_medians(const struct tb_boots *b, unsigned B, struct tb_rng *r,
		    double *out);

/* The level (e.g. 0.95) interval of the relative performance from B
 * replicate medians of the baseline and of the platform (replicate j of
 * one paired with replicate j of the other; the two sets are independent
 * draws).  Ratio j is plat[j] / base[j] for higher-is-better metrics,
 * base[j] / plat[j] when lower_is_better, so > 1 always means faster than
 * the baseline.  With a = (1 - level) / 2, *lo and *hi are the a and 1 - a
 * quantiles of the B ratios by the linear-interpolation rule (Hyndman and
 * Fan type 7, R's and numpy's default): with x(0) <= ... <= x(B-1) the
 * sorted ratios, h = (B - 1) p, q(p) = x(floor h) + (h - floor h) *
 * (x(floor h + 1) - x(floor h)).  "Significant" means *lo > 1 or *hi < 1.
 * Found by selection, O(B).  0; -EINVAL (B == 0, level not in (0, 1));
 * -EDOM when a median is not finite and > 0; -ENOMEM.
 * Coverage of this percentile interval, measured on simulated studies
 * with log-normal boot effects and run noise (tests/unit/test_bootstrap.c):
 * about nominal with 5 boots when the boot effect is at least the run
 * noise; conservative without a boot effect (0.98-0.99 for 95%); below
 * nominal with 3 boots when the boot effect dominates (about 0.88-0.89
 * for 95%): few boots cannot show their own spread. */
int tb_ratio_ci(const double *base, const double *plat, unsigned B,
		int lower_is_better, double level, double *lo, double *hi);

/* Flag the outliers of v[0..n-1] by the modified z-score: flag[i] = 1
 * when |v[i] - median| > k * s, else 0, where s = 1.4826 * MAD (the
 * normal-consistent MAD); when MAD == 0 (most values equal the median),
 * s = 1.253314 * mean |v[i] - median| (the normal-consistent
 * mean absolute deviation) instead, so a lone distant value among equal
 * ones is still caught; when that is 0 too (all values equal), nothing is
 * flagged.  k = 3.5 is the usual choice (Iglewicz and Hoaglin).  Values
 * must be finite.  Returns the number flagged (0 when n == 0), -EINVAL
 * (k not > 0, a value not finite) or -ENOMEM. */
ssize_t tb_outliers(const double *v, size_t n, double k, unsigned char *flag);

/* exp(mean(log v)): the geometric mean; NaN when n == 0 or any v[i] is
 * not finite and > 0. */
double tb_geomean(const double *v, size_t n);

#endif
