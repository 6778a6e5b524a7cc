/* oltp.c - the 2008 study's `sysbench --test=oltp`, against SQLite.
 *
 * Setup (untimed) builds a new database oltp.db in the scratch directory:
 * the sbtest table with `table-size` seeded rows and the index on k, in
 * the journal mode asked for, fsync'ed.  Run opens one connection per
 * thread, prepares sysbench 0.4's statements, then times `transactions`
 * "complex" transactions (see oltp_priv.h) run by `threads` threads; after
 * the clock stops it checks the table against what the committed
 * transactions must have made of it (PRAGMA integrity_check, row count,
 * ids, SUM(k), SUM(id*k), re-inserted rows) and fails on any difference.
 * The database stays in scratch (the runner removes it, unless
 * --keep-scratch), so that it can be checked again from outside.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "oltp_priv.h"

static const char *const oltp_journals[] = { "wal", "delete", NULL };
static const char *const oltp_syncs[] = { "full", "normal", "off", NULL };

#define P(f) offsetof(struct oltp_params, f)
static const struct tb_opt oltp_opts[] = {
	{ "threads", TB_OPT_INT, P(threads), 1, 64, "1",
	  "client threads, one connection each (sysbench --num-threads)",
	  NULL },
	{ "transactions", TB_OPT_INT, P(transactions), 1, 1e9, "10000",
	  "transactions in all threads (sysbench --max-requests)", NULL },
	{ "table-size", TB_OPT_INT, P(table_size), 100, 1000000, "10000",
	  "rows of sbtest (sysbench --oltp-table-size)", NULL },
	{ "time", TB_OPT_INT, P(time), 0, 604800, "0",
	  "stop starting transactions after this many seconds; 0: no limit "
	  "(sysbench --max-time)", NULL },
	{ "journal", TB_OPT_ENUM, P(journal), 0, 0, "wal",
	  "wal: write-ahead log (like InnoDB's redo log; readers never "
	  "block); delete: rollback journal", oltp_journals },
	{ "sync", TB_OPT_ENUM, P(sync), 0, 0, "full",
	  "PRAGMA synchronous: full: every COMMIT is on disk (fsync), as "
	  "MySQL's default; normal: wal syncs only at checkpoints; off: "
	  "never", oltp_syncs },
	{ "cache", TB_OPT_SIZE, P(cache), 64 * 1024, 256.0 * 1024 * 1024,
	  "2M", "page cache of each connection (PRAGMA cache_size)", NULL },
	{ "script", TB_OPT_STR, P(script), 0, 0, "",
	  "also write PATH.init.sql and PATH.run.sql: this table and these "
	  "transactions as SQL, for the sqlite3 shell (in setup)", NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};
#undef P

static char *db_path(struct tb_ctx *ctx)
{
	return tb_strdupf("%s/%s", ctx->scratch, OLTP_DB);
}

static int remove_db(struct tb_ctx *ctx, const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char *f;
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		f = tb_strdupf("%s%s", path, sfx[i]);
		if (!f)
			return tb_fail(ctx, "out of memory"), -1;
		if (unlink(f) < 0 && errno != ENOENT) {
			tb_fail(ctx, "%s: %s", f, strerror(errno));
			free(f);
			return -1;
		}
		free(f);
	}
	return 0;
}

static int oltp_setup(struct tb_ctx *ctx, void *params)
{
	struct oltp_params *p = params;
	char err[OLTP_ERRLEN], *path = db_path(ctx);
	int rc = -1;

	if (!path)
		return tb_fail(ctx, "out of memory"), -1;
	/* SQLite's temporary files (large sorts) go to scratch, not RAM */
	if (setenv("SQLITE_TMPDIR", ctx->scratch, 1) < 0)
		tb_fail(ctx, "setenv: %s", strerror(errno));
	else if (remove_db(ctx, path) == 0) {
		if (p->script[0] && oltp_script_write(p->script, p, ctx->seed,
						      err, sizeof(err)) < 0)
			tb_fail(ctx, "script: %s", err);
		else if (oltp_db_create(path, p, ctx->seed, err,
					sizeof(err)) < 0)
			tb_fail(ctx, "%s: %s", path, err);
		else
			rc = 0;
	}
	free(path);
	return rc;
}

struct oltp_clients {
	struct oltp_worker *w;
	pthread_t *tid;
	int n;			/* connections open */
	int started;		/* threads running */
};

static int clients_open(struct tb_ctx *ctx, struct oltp_run *r,
			const char *path, struct oltp_clients *c)
{
	int n = (int)r->p->threads;
	char err[OLTP_ERRLEN];

	c->w = calloc((size_t)n, sizeof(*c->w));
	c->tid = calloc((size_t)n, sizeof(*c->tid));
	if (!c->w || !c->tid)
		return tb_fail(ctx, "out of memory for %d threads", n), -1;
	for (c->n = 0; c->n < n; c->n++) {
		c->w[c->n].run = r;
		if (oltp_db_open(path, r->p, &c->w[c->n].db, err,
				 sizeof(err)) < 0 ||
		    oltp_db_prepare(c->w[c->n].db, c->w[c->n].st, err,
				    sizeof(err)) < 0) {
			c->n += c->w[c->n].db != NULL;
			return tb_fail(ctx, "%s: %s", path, err), -1;
		}
	}
	return 0;
}

static void clients_close(struct oltp_clients *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		oltp_db_close(c->w[i].db, c->w[i].st);
	free(c->w);
	free(c->tid);
}

/* Start every thread and wait for them all; 0, or -1 after tb_fail(). */
static int clients_run(struct tb_ctx *ctx, struct oltp_run *r,
		       struct oltp_clients *c)
{
	pthread_attr_t attr;
	int i, rc = 0;

	if (pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setstacksize(&attr, 1024 * 1024) != 0)
		return tb_fail(ctx, "pthread_attr: out of memory"), -1;
	for (c->started = 0; c->started < c->n; c->started++) {
		rc = pthread_create(&c->tid[c->started], &attr,
				    oltp_worker_main, &c->w[c->started]);
		if (rc != 0)
			break;
	}
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_mutex_lock(&r->lock);
		r->stop = 1;
		pthread_mutex_unlock(&r->lock);
		tb_fail(ctx, "pthread_create: %s", strerror(rc));
	}
	for (i = 0; i < c->started; i++)
		pthread_join(c->tid[i], NULL);
	for (i = 0; rc == 0 && i < c->started; i++)
		if (c->w[i].failed) {
			tb_fail(ctx, "thread %d: %s", i, c->w[i].err);
			rc = -1;
		}
	return rc ? -1 : 0;
}

struct oltp_totals {
	uint64_t hist[OLTP_HIST];
	uint64_t done, rw, retries;
};

static void totals(const struct oltp_clients *c, struct oltp_totals *t)
{
	int i, j;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < c->n; i++) {
		t->done += c->w[i].committed;
		t->rw += c->w[i].reads + c->w[i].writes;
		t->retries += c->w[i].retries;
		for (j = 0; j < OLTP_HIST; j++)
			t->hist[j] += c->w[i].hist[j];
	}
}

/* qps counts reads and writes, as sysbench's "read/write requests".
 * retries and committed describe the run (information, not performance):
 * without a time limit every transaction must have committed, and the
 * table must hold what they made of it (checked before this). */
static int report(struct tb_ctx *ctx, const struct oltp_params *p,
		  const struct oltp_totals *t, uint64_t ns)
{
	double s = wl_seconds(ns);

	if (!p->time && t->done != (uint64_t)p->transactions)
		return tb_fail(ctx, "%llu transactions committed, %lld run",
			       (unsigned long long)t->done,
			       (long long)p->transactions), -1;
	if (s <= 0)
		s = 1e-9;
	tb_report(ctx, "tps", (double)t->done / s, "tx/s", TB_HIGHER);
	tb_report(ctx, "qps", (double)t->rw / s, "q/s", TB_HIGHER);
	tb_report(ctx, "latency_p95",
		  (double)oltp_hist_quantile(t->hist, 0.95) / 1e6, "ms",
		  TB_LOWER);
	tb_report(ctx, "seconds", s, "s", TB_LOWER);
	tb_report(ctx, "retries", (double)t->retries, "count", TB_INFO);
	tb_report(ctx, "committed", (double)t->done, "count", TB_INFO);
	return 0;
}

static int timed(struct tb_ctx *ctx, struct oltp_run *r, const char *path,
		 struct oltp_totals *t)
{
	struct oltp_clients c = { NULL, NULL, 0, 0 };
	char err[OLTP_ERRLEN];
	uint64_t ns = 0;
	int64_t k_sum = 0;
	int rc = -1;

	if (clients_open(ctx, r, path, &c) == 0) {
		tb_phase_begin(ctx);
		if (r->p->time)
			r->deadline = tb_now_ns() +
				      (uint64_t)r->p->time * 1000000000ULL;
		rc = clients_run(ctx, r, &c);
		ns = tb_phase_end(ctx);
		totals(&c, t);
	}
	clients_close(&c);
	if (rc == 0 && oltp_db_verify(path, r->p, &r->model, &k_sum, err,
				      sizeof(err)) < 0) {
		tb_fail(ctx, "verify %s: %s", path, err);
		rc = -1;
	}
	if (rc == 0)
		rc = report(ctx, r->p, t, ns);
	return rc;
}

static int oltp_run(struct tb_ctx *ctx, void *params)
{
	struct oltp_params *p = params;
	struct oltp_totals *t = malloc(sizeof(*t));
	struct oltp_run r;
	char *path = db_path(ctx);
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.txn_seed = oltp_txn_seed(ctx->seed);
	if (!t || !path ||
	    oltp_model_init(&r.model, (uint32_t)p->table_size) < 0)
		tb_fail(ctx, "out of memory");
	else if (pthread_mutex_init(&r.lock, NULL) != 0)
		tb_fail(ctx, "pthread_mutex_init failed");
	else {
		rc = timed(ctx, &r, path, t);
		pthread_mutex_destroy(&r.lock);
	}
	oltp_model_free(&r.model);
	free(path);
	free(t);
	return rc;
}

const struct tb_workload wl_oltp = {
	.name = "oltp",
	.headline = "tps",
	.help = "sysbench 0.4 OLTP (complex) transactions on SQLite, "
		"on scratch (2008 study)",
	.opts = oltp_opts,
	.params_size = sizeof(struct oltp_params),
	.setup = oltp_setup,
	.run = oltp_run,
	.cleanup = NULL,
	.tools = NULL,
};
