/* oltp_txn.c - the timed part of the oltp workload.
 *
 * Every worker thread has its own connection and prepared statements.  It
 * takes the next transaction number from the shared counter (until
 * `transactions` were taken or `time` is up), generates the transaction
 * from that number and runs it, reading every row of every result as a
 * client would.  Like sysbench 0.4 on a deadlock, a transaction that meets
 * SQLITE_BUSY (another connection holds the write lock, or committed since
 * this one started reading) is rolled back and run again from the start,
 * counted in `retries`; the retry starts with BEGIN IMMEDIATE, which waits
 * for the write lock (busy_timeout), so that it cannot be overtaken again.
 *
 * Only SQLite's locking serialises the threads.  The model (what the table
 * must hold in the end) must see the transactions in commit order: a
 * delete and insert of a row resets its k.  A connection holds SQLite's
 * write lock (WAL: the WAL write lock; rollback journal: RESERVED, then
 * EXCLUSIVE) from its first successful write statement until its COMMIT or
 * ROLLBACK ends, and no other connection can write or commit meanwhile.
 * So the transaction is applied to the model after its last write and
 * before COMMIT, keeping the old values it overwrote; COMMIT runs with no
 * mutex of ours held; if COMMIT fails, the model is put back before the
 * ROLLBACK, still under SQLite's lock.  The mutex around the model's few
 * loads and stores is never contended (SQLite's lock already excludes
 * the other writers); it orders them in C11's memory model without relying
 * on how SQLite implements its locks.  The transaction counter and the stop
 * flag are atomics: claiming a transaction never waits for another
 * thread's COMMIT (or its fdatasync).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "oltp_priv.h"

#define OLTP_NOCHANGE 1000	/* not an SQLite code: a write missed */

static int is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* Step statement s to its end; every row's column is fetched as text, as
 * the MySQL protocol of sysbench 0.4 delivers it.  SQLITE_OK or a code. */
static int run_st(struct oltp_worker *w, enum oltp_st s)
{
	sqlite3_stmt *st = w->st[s];
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_column_text(st, 0);
		w->bytes += (uint64_t)sqlite3_column_bytes(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rc;
	if (s >= OLTP_ST_POINT && s <= OLTP_ST_DISTINCT)
		w->reads++;
	else if (s >= OLTP_ST_UPD_K)
		w->writes++;
	else
		w->other++;
	if (s >= OLTP_ST_UPD_K && sqlite3_changes(w->db) != 1) {
		snprintf(w->err, sizeof(w->err), "%s: %d rows changed, not 1",
			 oltp_sql[s], sqlite3_changes(w->db));
		return OLTP_NOCHANGE;
	}
	return SQLITE_OK;
}

static int run_id(struct oltp_worker *w, enum oltp_st s, uint32_t id)
{
	sqlite3_bind_int64(w->st[s], 1, id);
	return run_st(w, s);
}

static int run_range(struct oltp_worker *w, int i, uint32_t from)
{
	static const enum oltp_st which[OLTP_RANGES] = {
		OLTP_ST_RANGE, OLTP_ST_SUM, OLTP_ST_ORDER, OLTP_ST_DISTINCT,
	};
	sqlite3_stmt *st = w->st[which[i]];
	uint32_t lo, hi;

	oltp_range_ends(i, from, &lo, &hi);
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	return run_st(w, which[i]);
}

static int run_upd_c(struct oltp_worker *w, const char *c, uint32_t id)
{
	sqlite3_stmt *st = w->st[OLTP_ST_UPD_C];

	sqlite3_bind_text(st, 1, c, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return run_st(w, OLTP_ST_UPD_C);
}

/* What model_apply() overwrote: k of upd_k and del, reinserted of del. */
struct model_undo {
	uint32_t k_upd, k_del;
	uint8_t reinserted_del;
};

/* Called with SQLite's write lock held, after the transaction's writes. */
static void model_apply(struct oltp_run *r, const struct oltp_txn *t,
			struct model_undo *u)
{
	struct oltp_model *m = &r->model;

	pthread_mutex_lock(&r->lock);
	u->k_upd = m->k[t->upd_k - 1];
	u->k_del = m->k[t->del - 1];
	u->reinserted_del = m->reinserted[t->del - 1];
	oltp_model_commit(m, t);
	pthread_mutex_unlock(&r->lock);
}

/* Still under SQLite's write lock: the COMMIT failed, before ROLLBACK.
 * upd_k may be del: both old k are then the same value. */
static void model_undo(struct oltp_run *r, const struct oltp_txn *t,
		       const struct model_undo *u)
{
	struct oltp_model *m = &r->model;

	pthread_mutex_lock(&r->lock);
	m->reinserted[t->del - 1] = u->reinserted_del;
	m->k[t->del - 1] = u->k_del;
	m->k[t->upd_k - 1] = u->k_upd;
	pthread_mutex_unlock(&r->lock);
}

/* COMMIT with no mutex of ours held: while it waits for its fdatasync the
 * other threads claim and read, and (WAL) while its automatic checkpoint
 * runs after the commit they commit too.  A COMMIT that fails with
 * SQLITE_BUSY keeps the transaction and its lock; an error after which
 * SQLite rolls back by itself (I/O error, disk full) ends the run, whose
 * model is then never checked. */
static int commit(struct oltp_worker *w, const struct oltp_txn *t)
{
	struct model_undo u;
	int rc;

	model_apply(w->run, t, &u);
	rc = run_st(w, OLTP_ST_COMMIT);
	if (rc != SQLITE_OK)
		model_undo(w->run, t, &u);
	return rc;
}

static int txn_try(struct oltp_worker *w, const struct oltp_txn *t,
		   int immediate)
{
	int i, rc;

	rc = run_st(w, immediate ? OLTP_ST_BEGIN_IMM : OLTP_ST_BEGIN);
	for (i = 0; rc == SQLITE_OK && i < OLTP_POINTS; i++)
		rc = run_id(w, OLTP_ST_POINT, t->point[i]);
	for (i = 0; rc == SQLITE_OK && i < OLTP_RANGES; i++)
		rc = run_range(w, i, t->range[i]);
	if (rc == SQLITE_OK)
		rc = run_id(w, OLTP_ST_UPD_K, t->upd_k);
	if (rc == SQLITE_OK)
		rc = run_upd_c(w, t->c, t->upd_c);
	if (rc == SQLITE_OK)
		rc = run_id(w, OLTP_ST_UPD_K, t->del);
	if (rc == SQLITE_OK)
		rc = run_id(w, OLTP_ST_DELETE, t->del);
	if (rc == SQLITE_OK)
		rc = run_id(w, OLTP_ST_INSERT, t->del);
	if (rc == SQLITE_OK)
		rc = commit(w, t);
	return rc;
}

static int txn_exec(struct oltp_worker *w, const struct oltp_txn *t,
		    uint64_t no)
{
	char why[OLTP_ERRLEN];
	int tries, rc;

	for (tries = 0;; tries++) {
		rc = txn_try(w, t, tries > 0);
		if (rc == SQLITE_OK) {
			w->committed++;
			return 0;
		}
		snprintf(why, sizeof(why), "%s", rc == OLTP_NOCHANGE ?
			 w->err : sqlite3_errmsg(w->db));
		if (!sqlite3_get_autocommit(w->db))
			run_st(w, OLTP_ST_ROLLBACK);
		if (!is_busy(rc) || tries >= OLTP_MAX_RETRIES)
			break;
		w->retries++;
	}
	snprintf(w->err, sizeof(w->err), "transaction %llu: %.200s%s",
		 (unsigned long long)no, why,
		 is_busy(rc) ? " (gave up retrying)" : "");
	return -1;
}

/* The next transaction number in *no; 0 when there is none left.  Each
 * number is taken once; the counter may run past `transactions`. */
static int claim(struct oltp_run *r, uint64_t *no)
{
	if (atomic_load(&r->stop) ||
	    (r->deadline && tb_now_ns() >= r->deadline))
		return 0;
	*no = atomic_fetch_add(&r->next, 1);
	return *no < (uint64_t)r->p->transactions;
}

void *oltp_worker_main(void *arg)
{
	struct oltp_worker *w = arg;
	struct oltp_run *r = w->run;
	struct oltp_txn t;
	uint64_t no, t0;

	while (claim(r, &no)) {
		oltp_txn_make(r->txn_seed, no, (uint32_t)r->p->table_size, &t);
		t0 = tb_now_ns();
		if (txn_exec(w, &t, no) < 0) {
			w->failed = 1;
			atomic_store(&r->stop, 1);
			break;
		}
		oltp_hist_add(w->hist, tb_now_ns() - t0);
	}
	return NULL;
}

/* Latency buckets: exact below 64 ns, then 32 per power of two. */
static unsigned hist_bucket(uint64_t ns)
{
	unsigned e;

	if (ns < 64)
		return (unsigned)ns;
	e = 63 - (unsigned)__builtin_clzll(ns);
	return 64 + (e - 6) * 32 + (unsigned)((ns >> (e - 5)) & 31);
}

static double hist_mid(unsigned i)
{
	unsigned j, e;

	if (i < 64)
		return i;
	j = i - 64;
	e = j / 32 + 6;
	return (double)((uint64_t)(32 + j % 32) << (e - 5)) +
	       (double)((uint64_t)1 << (e - 5)) / 2;
}

void oltp_hist_add(uint64_t *hist, uint64_t ns)
{
	hist[hist_bucket(ns)]++;
}

/* The q-quantile (0 < q <= 1) in ns, to about 3%; 0 when empty. */
uint64_t oltp_hist_quantile(const uint64_t *hist, double q)
{
	uint64_t total = 0, seen = 0, want;
	unsigned i;

	for (i = 0; i < OLTP_HIST; i++)
		total += hist[i];
	if (!total)
		return 0;
	want = (uint64_t)(q * (double)total + 0.999999);
	if (want < 1)
		want = 1;
	for (i = 0; i < OLTP_HIST; i++) {
		seen += hist[i];
		if (seen >= want)
			break;
	}
	return (uint64_t)hist_mid(i < OLTP_HIST ? i : OLTP_HIST - 1);
}
