/* oltp_gen.c - the seeded content of the oltp workload: the rows of the
 * table, the arguments of every transaction (from its number alone, so that
 * any thread may run any transaction and one thread always gives the same
 * database), and the same work written out as SQL text for a reference run
 * with another client (the `script` option).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oltp_priv.h"

/* sysbench draws with random(): 31 bits */
static uint32_t sb_rnd(struct tb_rng *r)
{
	return (uint32_t)(tb_rng_next(r) >> 33);
}

/* sysbench 0.4's default "special" distribution (dist-iter 12, dist-pct 1,
 * dist-res 75): one draw in four is the mean of 12 uniform ids, three in
 * four are one of the middle 1% of the ids. */
static uint32_t rnd_special(struct tb_rng *r, uint32_t n)
{
	uint64_t span = (uint64_t)n * (100 / (100 - 75));
	uint64_t res = 1 + sb_rnd(r) % span, sum = 0;
	uint32_t d = n / 100;
	int i;

	if (res <= n) {
		for (i = 0; i < 12; i++)
			sum += 1 + sb_rnd(r) % n;
		return (uint32_t)(sum / 12);
	}
	if (d < 1)
		d = 1;
	return (uint32_t)(res % d) + n / 2 - n / 200;
}

static uint32_t range_start(struct tb_rng *r, uint32_t n)
{
	uint32_t from = rnd_special(r, n);

	if (from + OLTP_RANGE > n)
		from = n - OLTP_RANGE;
	return from < 1 ? 1 : from;
}

/* "n-n-n-...": count numbers of up to 10 digits, as sysbench writes c */
static void numbers(struct tb_rng *r, int count, char *buf, size_t len)
{
	size_t used = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < count && used < len; i++) {
		w = snprintf(buf + used, len - used, "%s%u", i ? "-" : "",
			     (unsigned)sb_rnd(r));
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

void oltp_txn_make(uint64_t seed, uint64_t no, uint32_t table_size,
		   struct oltp_txn *t)
{
	struct tb_rng r;
	int i;

	tb_rng_seed(&r, seed ^ (no * 0x9e3779b97f4a7c15ULL));
	for (i = 0; i < OLTP_POINTS; i++)
		t->point[i] = rnd_special(&r, table_size);
	for (i = 0; i < OLTP_RANGES; i++)
		t->range[i] = range_start(&r, table_size);
	t->upd_k = rnd_special(&r, table_size);
	t->upd_c = rnd_special(&r, table_size);
	t->del = rnd_special(&r, table_size);
	numbers(&r, 10, t->c, sizeof(t->c));
}

void oltp_row_make(struct tb_rng *r, char *c, size_t clen, char *pad,
		   size_t padlen)
{
	numbers(r, 10, c, clen);
	numbers(r, 5, pad, padlen);
}

uint64_t oltp_row_seed(uint64_t seed)
{
	return seed ^ tb_hash_str("oltp-rows");
}

uint64_t oltp_txn_seed(uint64_t seed)
{
	return seed ^ tb_hash_str("oltp-transactions");
}

void oltp_range_ends(int i, uint32_t from, uint32_t *lo, uint32_t *hi)
{
	*lo = from;
	/* sysbench 0.4 gives the DISTINCT range one row more */
	*hi = from + OLTP_RANGE - (i == OLTP_RANGES - 1 ? 0 : 1);
}

/* Print sql with each '?' replaced by the next of args. */
static void put_sql(FILE *f, const char *sql, const char *const *args)
{
	for (; *sql; sql++)
		if (*sql == '?')
			fputs(*args++, f);
		else
			fputc(*sql, f);
	fputs("; ", f);
}

static void put_txn(FILE *f, const struct oltp_txn *t)
{
	static const enum oltp_st rq[OLTP_RANGES] = {
		OLTP_ST_RANGE, OLTP_ST_SUM, OLTP_ST_ORDER, OLTP_ST_DISTINCT,
	};
	char a[3][OLTP_C_LEN + 8];
	const char *const args[] = { a[0], a[1], a[2] };
	uint32_t lo, hi;
	int i;

	fputs("BEGIN; ", f);
	for (i = 0; i < OLTP_POINTS; i++) {
		snprintf(a[0], sizeof(a[0]), "%u", (unsigned)t->point[i]);
		put_sql(f, oltp_sql[OLTP_ST_POINT], args);
	}
	for (i = 0; i < OLTP_RANGES; i++) {
		oltp_range_ends(i, t->range[i], &lo, &hi);
		snprintf(a[0], sizeof(a[0]), "%u", (unsigned)lo);
		snprintf(a[1], sizeof(a[1]), "%u", (unsigned)hi);
		put_sql(f, oltp_sql[rq[i]], args);
	}
	snprintf(a[0], sizeof(a[0]), "%u", (unsigned)t->upd_k);
	put_sql(f, oltp_sql[OLTP_ST_UPD_K], args);
	snprintf(a[0], sizeof(a[0]), "'%s'", t->c);
	snprintf(a[1], sizeof(a[1]), "%u", (unsigned)t->upd_c);
	put_sql(f, oltp_sql[OLTP_ST_UPD_C], args);
	snprintf(a[0], sizeof(a[0]), "%u", (unsigned)t->del);
	put_sql(f, oltp_sql[OLTP_ST_UPD_K], args);
	put_sql(f, oltp_sql[OLTP_ST_DELETE], args);
	put_sql(f, oltp_sql[OLTP_ST_INSERT], args);
	fputs("COMMIT;\n", f);
}

static const char *const script_sync[] = { "FULL", "NORMAL", "OFF" };

/* The table as SQL: what oltp_db_create() builds. */
static void put_init(FILE *f, const struct oltp_params *p, uint64_t seed)
{
	char c[OLTP_C_LEN], pad[OLTP_PAD_LEN];
	struct tb_rng r;
	int64_t id;

	fputs("PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\nBEGIN;\n",
	      f);
	fprintf(f, "%s;\n%s;\n", oltp_sql_schema[0], oltp_sql_schema[1]);
	tb_rng_seed(&r, oltp_row_seed(seed));
	for (id = 1; id <= p->table_size; id++) {
		oltp_row_make(&r, c, sizeof(c), pad, sizeof(pad));
		fprintf(f, "INSERT INTO sbtest VALUES(%lld,0,'%s','%s');\n",
			(long long)id, c, pad);
	}
	fprintf(f, "COMMIT;\nPRAGMA journal_mode=%s;\n",
		p->journal == OLTP_JOURNAL_WAL ? "WAL" : "DELETE");
}

/* The transactions, one per line, after the connection's settings. */
static void put_run(FILE *f, const struct oltp_params *p, uint64_t seed)
{
	struct oltp_txn t;
	int64_t no;

	fprintf(f, "PRAGMA synchronous=%s;\nPRAGMA cache_size=-%lld;\n"
		"PRAGMA busy_timeout=%d;\n", script_sync[p->sync],
		(long long)(p->cache / 1024), OLTP_BUSY_MS);
	seed = oltp_txn_seed(seed);
	for (no = 0; no < p->transactions; no++) {
		oltp_txn_make(seed, (uint64_t)no, (uint32_t)p->table_size,
			      &t);
		put_txn(f, &t);
	}
}

static int write_one(const char *path, const char *suffix,
		     const struct oltp_params *p, uint64_t seed,
		     void (*put)(FILE *, const struct oltp_params *, uint64_t),
		     char *err, size_t errlen)
{
	char *name = tb_strdupf("%s%s", path, suffix);
	FILE *f = name ? fopen(name, "w") : NULL;
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "%s%s: %s", path, suffix,
			 name ? strerror(errno) : "out of memory");
		free(name);
		return -1;
	}
	put(f, p, seed);
	if (ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "%s: write error", name);
	free(name);
	return rc;
}

int oltp_script_write(const char *path, const struct oltp_params *p,
		      uint64_t seed, char *err, size_t errlen)
{
	if (write_one(path, ".init.sql", p, seed, put_init, err, errlen) < 0)
		return -1;
	return write_one(path, ".run.sql", p, seed, put_run, err, errlen);
}
