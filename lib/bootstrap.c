/* bootstrap.c - hierarchical bootstrap of the median, ratio intervals,
 * MAD outliers and geometric means (see tb_bootstrap.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tb_bootstrap.h"
#include "tb_stats.h"

__extension__ typedef unsigned __int128 u128;

uint64_t tb_rng_below(struct tb_rng *r, uint64_t n)
{
	u128 m;
	uint64_t lim;

	if (n == 0)
		return 0;
	m = (u128)tb_rng_next(r) * n;
	if ((uint64_t)m < n) {
		/* 2^64 mod n low products are over-represented: reject */
		lim = -n % n;
		while ((uint64_t)m < lim)
			m = (u128)tb_rng_next(r) * n;
	}
	return (uint64_t)(m >> 64);
}

/* splitmix64's output function: a bijection that spreads every bit */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

uint64_t tb_seed_mix(uint64_t seed, const char *key)
{
	return mix64(mix64(seed) ^ tb_hash_str(key ? key : ""));
}

/* Count the values and non-empty boots of b; -EINVAL when b is malformed,
 * has no value or holds one that is not finite. */
static int boots_check(const struct tb_boots *b, size_t *nv, size_t *nb)
{
	size_t i, j;

	*nv = *nb = 0;
	if (!b || (b->nboots && (!b->n || !b->v)))
		return -EINVAL;
	for (i = 0; i < b->nboots; i++) {
		if (b->n[i] == 0)
			continue;
		if (!b->v[i])
			return -EINVAL;
		for (j = 0; j < b->n[i]; j++)
			if (!isfinite(b->v[i][j]))
				return -EINVAL;
		*nv += b->n[i];
		(*nb)++;
	}
	return *nv ? 0 : -EINVAL;
}

/* All values of b, boot after boot, into w. */
static void boots_pool(const struct tb_boots *b, double *w)
{
	size_t i;

	for (i = 0; i < b->nboots; i++) {
		if (b->n[i] == 0)
			continue;
		memcpy(w, b->v[i], b->n[i] * sizeof(*w));
		w += b->n[i];
	}
}

int tb_describe(const struct tb_boots *b, struct tb_desc *d)
{
	struct tb_stats st;
	size_t nv, nb;
	double *w;
	int rc;

	rc = boots_check(b, &nv, &nb);
	if (rc)
		return rc;
	w = malloc(nv * sizeof(*w));
	if (!w)
		return -ENOMEM;
	boots_pool(b, w);
	rc = tb_stats_compute(w, nv, &st);
	free(w);
	if (rc)
		return rc;
	d->n = nv;
	d->median = st.median;
	d->min = st.min;
	d->max = st.max;
	d->mean = st.mean;
	d->sd = nv < 2 ? 0 : st.stddev;
	d->cv = nv < 2 ? 0 : st.cv;
	d->mad = st.mad;
	return 0;
}

/* Indices below small ranges from 16-bit chunks of the generator's words
 * (four a word, low bits first): Lemire's test on 16 bits.  See
 * tb_boot_medians in tb_bootstrap.h for the contract. */
struct chunks {
	uint64_t word;		/* chunks not yet used, next one lowest */
	unsigned left;		/* how many */
};

#define SMALL_MAX 256		/* wider ranges take tb_rng_below() */

/* 2^16 mod n: the low products below it are rejected */
static uint32_t chunk_floor(size_t n)
{
	return n <= SMALL_MAX ? (uint32_t)(65536 % n) : 0;
}

/* c should be a local copy: kept in registers, not memory, the draws do
 * not wait on each other's stores. */
static inline size_t chunk_below(struct chunks *c, struct tb_rng *r,
				 size_t n, uint32_t floor16)
{
	uint32_t m;

	if (n > SMALL_MAX)
		return (size_t)tb_rng_below(r, n);
	if (n == 1)
		return 0;
	do {
		if (!c->left) {
			c->word = tb_rng_next(r);
			c->left = 4;
		}
		m = (uint32_t)(c->word & 0xffff) * (uint32_t)n;
		c->word >>= 16;
		c->left--;
	} while ((m & 0xffff) < floor16);
	return m >> 16;
}

/* What one platform's replicates need, built once: the pooled values
 * sorted, the rank of each value (pooled boot by boot) and how each boot
 * is drawn.  A boot of c runs draws its c run indices in groups: one
 * index u below c^len gives len of them, its base-c digits.  Replicates
 * tally the ranks drawn: in small cells in 8-bit counters, 32 in four
 * words (inc[slot] adds one to the counter of the slot's rank, a group's
 * tab[u] the counts of the digits of u), else in hits[]. */
#define ONES 0x0101010101010101u	/* 1 in each byte */
#define LANES 32			/* ranks of the word tally */
#define LANE_MAX 127			/* the largest count it holds */

struct group {
	size_t n, len;		/* how many such groups, indices in one */
	size_t range;		/* c^len */
	uint32_t fl;		/* chunk_floor(range) */
	uint64_t (*tab)[4];	/* word tally of each u < range, or NULL */
	size_t *rk;		/* else rk[u * len + d]: rank of digit d */
};

struct boot {
	size_t off, cnt;	/* first slot, values */
	struct group grp[2];	/* full groups, then a shorter last one */
};

struct plan {
	size_t nb, nv;
	struct boot *boot;	/* the non-empty boots */
	uint32_t bfl;		/* chunk_floor(nb) */
	size_t *rank;		/* rank of each slot */
	double *sorted;		/* value of each rank */
	uint64_t (*inc)[4];	/* word tally, or NULL: */
	size_t nw;		/* words it uses, (nv + 7) / 8 */
	size_t *hits;		/* draws by rank, 0 between replicates */
};

struct ranked {
	double v;
	size_t slot;
};

/* by value, then by slot: a total order, so ranks do not depend on qsort */
static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return (a->slot > b->slot) - (a->slot < b->slot);
}

static void plan_free(struct plan *p)
{
	size_t k;

	for (k = 0; p->boot && k < p->nb; k++) {
		free(p->boot[k].grp[0].tab);
		free(p->boot[k].grp[1].tab);
		free(p->boot[k].grp[0].rk);
		free(p->boot[k].grp[1].rk);
	}
	free(p->boot);
	free(p->rank);
	free(p->sorted);
	free(p->inc);
	free(p->hits);
}

/* sorted[] holds the pooled values: sort it, keeping each slot's rank */
static int plan_rank(struct plan *p)
{
	struct ranked *t = malloc(p->nv * sizeof(*t));
	size_t i;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < p->nv; i++) {
		t[i].v = p->sorted[i];
		t[i].slot = i;
	}
	qsort(t, p->nv, sizeof(*t), cmp_ranked);
	for (i = 0; i < p->nv; i++) {
		p->sorted[i] = t[i].v;
		p->rank[t[i].slot] = i;
	}
	free(t);
	return 0;
}

/* g->tab[u] for u < c^len, digit by digit: with L digits, tab[u] =
 * tab[u / c] (L - 1 digits) + inc[off + u % c]; downwards, so that
 * tab[u / c] is still the shorter one when read. */
static int group_table(struct group *g, const struct boot *bt,
		       const struct plan *p)
{
	size_t c = bt->cnt, l, len, u, w;

	g->tab = calloc(g->range, sizeof(*g->tab));
	if (!g->tab)
		return -ENOMEM;
	for (l = 1, len = c; l <= g->len; l++, len *= c)
		for (u = len; u-- > 0;)
			for (w = 0; w < 4; w++)
				g->tab[u][w] = g->tab[u / c][w] +
					       p->inc[bt->off + u % c][w];
	return 0;
}

/* g->rk: the ranks of the digits of each u < c^len. */
static int group_ranks(struct group *g, const struct boot *bt,
		       const size_t *rank)
{
	size_t u, d, x;

	g->rk = malloc(g->range * g->len * sizeof(*g->rk));
	if (!g->rk)
		return -ENOMEM;
	for (u = 0; u < g->range; u++)
		for (d = 0, x = u; d < g->len; d++, x /= bt->cnt)
			g->rk[u * g->len + d] = rank[bt->off + x % bt->cnt];
	return 0;
}

/* The word tally when no counter can pass LANE_MAX, else hits[]. */
static int plan_tally(struct plan *p)
{
	size_t i, most = 0;
	struct group *g;
	int words;

	for (i = 0; i < p->nb; i++)
		if (p->boot[i].cnt > most)
			most = p->boot[i].cnt;
	words = p->nv <= LANES && most <= LANE_MAX / p->nb;
	if (words)
		p->inc = calloc(p->nv, sizeof(*p->inc));
	else
		p->hits = calloc(p->nv, sizeof(*p->hits));
	if (!p->inc && !p->hits)
		return -ENOMEM;
	for (i = 0; words && i < p->nv; i++)
		p->inc[i][p->rank[i] / 8] = (uint64_t)1 << (p->rank[i] % 8 * 8);
	for (i = 0; i < p->nb; i++)
		for (g = p->boot[i].grp; g < p->boot[i].grp + 2; g++)
			if (g->n && (words ?
			    group_table(g, &p->boot[i], p) :
			    group_ranks(g, &p->boot[i], p->rank)))
				return -ENOMEM;
	return 0;
}

static void group_init(struct group *g, size_t c, size_t n, size_t len)
{
	size_t i;

	g->n = n;
	g->len = len;
	for (g->range = 1, i = 0; i < len; i++)
		g->range *= c;
	g->fl = chunk_floor(g->range);
	g->tab = NULL;
	g->rk = NULL;
}

/* Groups of the most indices whose range stays <= SMALL_MAX (chunks). */
static void boot_init(struct boot *bt, size_t off, size_t c)
{
	size_t len = 1, range = c;

	while (len < c && range <= SMALL_MAX / c) {
		range *= c;
		len++;
	}
	bt->off = off;
	bt->cnt = c;
	group_init(&bt->grp[0], c, c / len, len);
	group_init(&bt->grp[1], c, c % len != 0, c % len);
}

static int plan_init(struct plan *p, const struct tb_boots *b)
{
	size_t i, k = 0, slot = 0, nv, nb;
	int rc = boots_check(b, &nv, &nb);

	if (rc)
		return rc;
	memset(p, 0, sizeof(*p));
	p->nv = nv;
	p->nb = nb;
	p->nw = (nv + 7) / 8;
	p->boot = calloc(nb, sizeof(*p->boot));
	p->rank = malloc(nv * sizeof(*p->rank));
	p->sorted = malloc(nv * sizeof(*p->sorted));
	if (!p->boot || !p->rank || !p->sorted)
		goto nomem;
	for (i = 0; i < b->nboots; i++) {
		if (b->n[i] == 0)
			continue;
		boot_init(&p->boot[k++], slot, b->n[i]);
		slot += b->n[i];
	}
	p->bfl = chunk_floor(nb);
	boots_pool(b, p->sorted);
	if (plan_rank(p) || plan_tally(p))
		goto nomem;
	return 0;
nomem:
	plan_free(p);
	return -ENOMEM;
}

/* The median as tb_median gives it, from the ranks a, b of the values at
 * the middle positions (m - 1) / 2 and m / 2 of m. */
static double plan_mid(const struct plan *p, size_t a, size_t b, size_t m)
{
	if (m % 2)
		return p->sorted[a];
	return p->sorted[a] + (p->sorted[b] - p->sorted[a]) / 2;
}

/* Walking the tally, a and b count the ranks wholly before the middle
 * positions; the walk is as long whatever was drawn (no data-dependent
 * branch) and leaves hits[] zeroed for the next replicate. */
static double hits_median(const struct plan *p, size_t m)
{
	size_t lo = (m - 1) / 2, hi = m / 2, cum = 0, a = 0, b = 0, k;

	for (k = 0; k < p->nv; k++) {
		cum += p->hits[k];
		p->hits[k] = 0;
		a += cum <= lo;
		b += cum <= hi;
	}
	return plan_mid(p, a, b, m);
}

/* How many of the 8 bytes of pre (each <= LANE_MAX) are <= those of lim */
static size_t bytes_le(uint64_t pre, uint64_t lim)
{
	uint64_t t = ((lim | 0x80 * ONES) - pre) & 0x80 * ONES;

	return (size_t)(((t >> 7) * ONES) >> 56);
}

/* The same walk on the word tally: multiplying by ONES gives each byte
 * the sum of the bytes up to it, the cumulative counts (plus the total of
 * the words before). */
static double words_median(const struct plan *p, const uint64_t *acc,
			   size_t m)
{
	uint64_t lo = (m - 1) / 2 * ONES, hi = m / 2 * ONES, pre, cum = 0;
	size_t a = 0, b = 0, w;

	for (w = 0; w < p->nw; w++) {
		pre = acc[w] * ONES;
		a += bytes_le(pre + cum * ONES, lo);
		b += bytes_le(pre + cum * ONES, hi);
		cum += pre >> 56;
	}
	return plan_mid(p, a, b, m);
}

/* One replicate (the draws of tb_boot_medians); ch is copied in and out
 * so that it stays in registers. */
static double plan_replicate(const struct plan *p, struct tb_rng *r,
			     struct chunks *chp)
{
	struct chunks ch = *chp;
	uint64_t acc[4] = { 0, 0, 0, 0 };
	const struct boot *bt;
	const struct group *g;
	const size_t *q;
	size_t i, j, u, d, w, m = 0;

	for (i = 0; i < p->nb; i++) {
		bt = &p->boot[chunk_below(&ch, r, p->nb, p->bfl)];
		for (g = bt->grp; g < bt->grp + 2; g++) {
			for (j = 0; j < g->n; j++) {
				u = chunk_below(&ch, r, g->range, g->fl);
				if (p->inc) {
					for (w = 0; w < p->nw; w++)
						acc[w] += g->tab[u][w];
					continue;
				}
				q = g->rk + u * g->len;
				for (d = 0; d < g->len; d++)
					p->hits[q[d]]++;
			}
		}
		m += bt->cnt;
	}
	*chp = ch;
	return p->inc ? words_median(p, acc, m) : hits_median(p, m);
}

int tb_boot_medians(const struct tb_boots *b, unsigned B, struct tb_rng *r,
		    double *out)
{
	struct chunks ch = { 0, 0 };
	struct plan p;
	unsigned j;
	int rc;

	if (B == 0 || !r || !out)
		return -EINVAL;
	rc = plan_init(&p, b);
	if (rc)
		return rc;
	for (j = 0; j < B; j++)
		out[j] = plan_replicate(&p, r, &ch);
	plan_free(&p);
	return 0;
}

/* Move the elements of x[lo..hi) below piv (or equal to it, when eq) to
 * the front, without a branch on the data (Lomuto's scheme, always
 * swapping); returns where the others start. */
static ptrdiff_t part(double *x, ptrdiff_t lo, ptrdiff_t hi, double piv,
		      int eq)
{
	ptrdiff_t i, s = lo;
	double v;

	for (i = lo; i < hi; i++) {
		v = x[i];
		x[i] = x[s];
		x[s] = v;
		s += (v < piv) | (eq & (v == piv));
	}
	return s;
}

/* Permute x[0..n-1] so that x[k] is its k-th smallest, nothing after it is
 * smaller and nothing before it larger: quickselect, median-of-three
 * pivot, three-way (the many equal ratios of small cells stay linear). */
static double select_kth(double *x, ptrdiff_t n, ptrdiff_t k)
{
	ptrdiff_t lo = 0, hi = n, a, b;
	double u, v, w, piv;

	while (hi - lo > 1) {
		u = x[lo];
		v = x[lo + (hi - lo) / 2];
		w = x[hi - 1];
		piv = u < v ? (v < w ? v : (u < w ? w : u)) :
			      (u < w ? u : (v < w ? w : v));
		a = part(x, lo, hi, piv, 0);
		b = part(x, a, hi, piv, 1);
		if (k < a)
			hi = a;
		else if (k >= b)
			lo = b;
		else
			return piv;
	}
	return x[k];
}

/* The type 7 quantile p of x[0..n-1] (reordered). */
static double quantile7(double *x, ptrdiff_t n, double p)
{
	double h = (double)(n - 1) * p, fl = floor(h), q, next;
	ptrdiff_t k = (ptrdiff_t)fl, i;

	q = select_kth(x, n, k);
	if (h == fl || k + 1 >= n)
		return q;
	next = x[k + 1];
	for (i = k + 2; i < n; i++)
		if (x[i] < next)
			next = x[i];
	return q + (h - fl) * (next - q);
}

int tb_ratio_ci(const double *base, const double *plat, unsigned B,
		int lower_is_better, double level, double *lo, double *hi)
{
	double *x, a = (1 - level) / 2;
	unsigned j;

	if (B == 0 || !base || !plat || !lo || !hi || !(level > 0) ||
	    !(level < 1))
		return -EINVAL;
	for (j = 0; j < B; j++)
		if (!isfinite(base[j]) || !isfinite(plat[j]) ||
		    !(base[j] > 0) || !(plat[j] > 0))
			return -EDOM;
	x = malloc(B * sizeof(*x));
	if (!x)
		return -ENOMEM;
	for (j = 0; j < B; j++)
		x[j] = lower_is_better ? base[j] / plat[j] :
					 plat[j] / base[j];
	*lo = quantile7(x, B, a);
	*hi = quantile7(x, B, 1 - a);
	free(x);
	return 0;
}

/* The scale s of the modified z-score (see tb_outliers). */
static double outlier_scale(const double *v, size_t n,
			    const struct tb_stats *st)
{
	double sum = 0;
	size_t i;

	if (st->mad > 0)
		return 1.4826 * st->mad;
	for (i = 0; i < n; i++)
		sum += fabs(v[i] - st->median);
	return 1.253314 * sum / (double)n;
}

ssize_t tb_outliers(const double *v, size_t n, double k, unsigned char *flag)
{
	struct tb_stats st;
	double lim;
	size_t i, c = 0;
	int rc;

	if (!(k > 0) || (n && (!v || !flag)))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return -EINVAL;
	if (n == 0)
		return 0;
	rc = tb_stats_compute(v, n, &st);
	if (rc)
		return rc;
	lim = k * outlier_scale(v, n, &st);
	for (i = 0; i < n; i++) {
		flag[i] = lim > 0 && fabs(v[i] - st.median) > lim;
		c += flag[i];
	}
	return (ssize_t)c;
}

double tb_geomean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	if (n == 0 || !v)
		return NAN;
	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]) || !(v[i] > 0))
			return NAN;
		sum += log(v[i]);
	}
	return exp(sum / (double)n);
}
