/* oltp_priv.h - shared by the files of the oltp workload (oltp*.c).
 *
 * The workload is sysbench 0.4's `--test=oltp` in its default "complex"
 * mode, against SQLite (the pinned Debian sqlite3, linked in statically).
 * One transaction, generated from its number and the seed alone:
 *   BEGIN
 *   10 x  SELECT c FROM sbtest WHERE id=?
 *         SELECT c FROM sbtest WHERE id BETWEEN ? AND ?          (100 rows)
 *         SELECT SUM(k) FROM sbtest WHERE id BETWEEN ? AND ?     (100 rows)
 *         SELECT c ... BETWEEN ? AND ? ORDER BY c                (100 rows)
 *         SELECT DISTINCT c ... BETWEEN ? AND ? ORDER BY c       (101 rows)
 *         UPDATE sbtest SET k=k+1 WHERE id=?                     index update
 *         UPDATE sbtest SET c=? WHERE id=?                       non-index
 *         UPDATE sbtest SET k=k+1 WHERE id=D   sysbench 0.4 does this too
 *         DELETE FROM sbtest WHERE id=D
 *         INSERT INTO sbtest VALUES(D,0,' ','aaaaaaaaaaffff...')
 *   COMMIT
 * that is 14 reads, 5 writes and 2 others, ids from sysbench's default
 * "special" distribution (75% of the draws in the middle 1% of the ids).
 */
#ifndef OLTP_PRIV_H
#define OLTP_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "sqlite3.h"
#include "workloads.h"

#define OLTP_POINTS 10		/* point selects per transaction */
#define OLTP_RANGE 100		/* rows of a range select */
#define OLTP_RANGES 4		/* simple, sum, order, distinct */
#define OLTP_C_LEN 120		/* c CHAR(120) */
#define OLTP_PAD_LEN 60		/* pad CHAR(60) */
#define OLTP_DB "oltp.db"	/* in the instance's scratch directory */
#define OLTP_INSERT_C " "
#define OLTP_INSERT_PAD "aaaaaaaaaaffffffffffrrrrrrrrrreeeeeeeeeeyyyyyyyyyy"
#define OLTP_BUSY_MS 10000	/* busy_timeout of every connection */
#define OLTP_MAX_RETRIES 100000	/* a transaction gives up after this */
#define OLTP_ERRLEN 256

enum { OLTP_JOURNAL_WAL, OLTP_JOURNAL_DELETE };
enum { OLTP_SYNC_FULL, OLTP_SYNC_NORMAL, OLTP_SYNC_OFF };

struct oltp_params {
	int64_t threads, transactions, table_size, time, cache;
	int journal, sync;
	char script[TB_OPT_STRLEN];
};

/* One transaction's arguments. */
struct oltp_txn {
	uint32_t point[OLTP_POINTS];
	uint32_t range[OLTP_RANGES];	/* first id of each range */
	uint32_t upd_k;			/* index update */
	uint32_t upd_c;			/* non-index update */
	uint32_t del;			/* index update, delete, insert */
	char c[OLTP_C_LEN];		/* new c of the non-index update */
};

/* The prepared statements of one connection (oltp_sql[] has the text). */
enum oltp_st {
	OLTP_ST_BEGIN, OLTP_ST_BEGIN_IMM, OLTP_ST_COMMIT, OLTP_ST_ROLLBACK,
	OLTP_ST_POINT, OLTP_ST_RANGE, OLTP_ST_SUM, OLTP_ST_ORDER,
	OLTP_ST_DISTINCT, OLTP_ST_UPD_K, OLTP_ST_UPD_C, OLTP_ST_DELETE,
	OLTP_ST_INSERT, OLTP_ST_COUNT
};
extern const char *const oltp_sql[OLTP_ST_COUNT];
/* CREATE TABLE sbtest and CREATE INDEX k */
extern const char *const oltp_sql_schema[2];

/* What the database must hold after the run: k of every row and whether
 * it was deleted and re-inserted, kept in commit order. */
struct oltp_model {
	uint32_t *k;		/* [table_size], k of id i+1 */
	uint8_t *reinserted;	/* [table_size] */
	uint32_t n;
};

/* oltp_gen.c: seeded generation (the same seed gives the same bytes).
 * The seeds of the rows and of the transactions derive from the run's. */
uint64_t oltp_row_seed(uint64_t seed);
uint64_t oltp_txn_seed(uint64_t seed);
void oltp_txn_make(uint64_t txn_seed, uint64_t no, uint32_t table_size,
		   struct oltp_txn *t);
void oltp_row_make(struct tb_rng *r, char *c, size_t clen, char *pad,
		   size_t padlen);
/* first and last id of range query i (0..3) starting at from */
void oltp_range_ends(int i, uint32_t from, uint32_t *lo, uint32_t *hi);
/* PATH.init.sql (the table) and PATH.run.sql (settings, then one
 * transaction per line), for the run's seed. */
int oltp_script_write(const char *path, const struct oltp_params *p,
		      uint64_t seed, char *err, size_t errlen);

/* oltp_db.c: connections, the table, the check after the run.  All return
 * 0, or -1 with a message in err. */
int oltp_db_open(const char *path, const struct oltp_params *p,
		 sqlite3 **db, char *err, size_t errlen);
int oltp_db_prepare(sqlite3 *db, sqlite3_stmt **st, char *err,
		    size_t errlen);
void oltp_db_close(sqlite3 *db, sqlite3_stmt **st);
/* A new database at path with table_size seeded rows. */
int oltp_db_create(const char *path, const struct oltp_params *p,
		   uint64_t seed, char *err, size_t errlen);
int oltp_model_init(struct oltp_model *m, uint32_t n);
void oltp_model_free(struct oltp_model *m);
void oltp_model_commit(struct oltp_model *m, const struct oltp_txn *t);
/* Check the table against the model; *k_sum gets SUM(k). */
int oltp_db_verify(const char *path, const struct oltp_params *p,
		   const struct oltp_model *m, int64_t *k_sum,
		   char *err, size_t errlen);

/* oltp_txn.c: the timed part. */
#define OLTP_HIST (64 + 58 * 32)	/* latency buckets, about 3% wide */

/* Shared by the workers.  No mutex of ours is held across an SQLite call:
 * claim() is one atomic add, and the model is updated under SQLite's own
 * write lock (see oltp_txn.c). */
struct oltp_run {
	const struct oltp_params *p;
	uint64_t txn_seed;
	uint64_t deadline;		/* tb_now_ns() limit; 0 = none; set
					 * before the threads start */
	_Atomic uint64_t next;		/* next transaction number */
	atomic_int stop;		/* a worker failed */
	pthread_mutex_t lock;		/* the model's memory, never held
					 * across an SQLite call */
	struct oltp_model model;	/* in commit order */
};

struct oltp_worker {
	struct oltp_run *run;
	sqlite3 *db;
	sqlite3_stmt *st[OLTP_ST_COUNT];
	uint64_t reads, writes, other, retries, committed, bytes;
	uint64_t hist[OLTP_HIST];
	char err[OLTP_ERRLEN];
	int failed;
};

void *oltp_worker_main(void *arg);
uint64_t oltp_hist_quantile(const uint64_t *hist, double q);
void oltp_hist_add(uint64_t *hist, uint64_t ns);

#endif
