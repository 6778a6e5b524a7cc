/* oltp_db.c - the oltp workload's database: connections and their
 * statements, the seeded sbtest table, and the check after the run that
 * the table holds exactly what the committed transactions made of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "oltp_priv.h"

/* sysbench 0.4's statements (its table name, upper-case keywords) */
const char *const oltp_sql[OLTP_ST_COUNT] = {
	[OLTP_ST_BEGIN] = "BEGIN",
	[OLTP_ST_BEGIN_IMM] = "BEGIN IMMEDIATE",
	[OLTP_ST_COMMIT] = "COMMIT",
	[OLTP_ST_ROLLBACK] = "ROLLBACK",
	[OLTP_ST_POINT] = "SELECT c FROM sbtest WHERE id=?",
	[OLTP_ST_RANGE] = "SELECT c FROM sbtest WHERE id BETWEEN ? AND ?",
	[OLTP_ST_SUM] = "SELECT SUM(k) FROM sbtest WHERE id BETWEEN ? AND ?",
	[OLTP_ST_ORDER] =
		"SELECT c FROM sbtest WHERE id BETWEEN ? AND ? ORDER BY c",
	[OLTP_ST_DISTINCT] = "SELECT DISTINCT c FROM sbtest "
		"WHERE id BETWEEN ? AND ? ORDER BY c",
	[OLTP_ST_UPD_K] = "UPDATE sbtest SET k=k+1 WHERE id=?",
	[OLTP_ST_UPD_C] = "UPDATE sbtest SET c=? WHERE id=?",
	[OLTP_ST_DELETE] = "DELETE FROM sbtest WHERE id=?",
	[OLTP_ST_INSERT] = "INSERT INTO sbtest VALUES(?,0,'" OLTP_INSERT_C
		"','" OLTP_INSERT_PAD "')",
};

/* id is SQLite's rowid: the clustered primary key, as in InnoDB */
const char *const oltp_sql_schema[2] = {
	"CREATE TABLE sbtest(id INTEGER NOT NULL PRIMARY KEY, "
	"k INTEGER NOT NULL DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '', "
	"pad CHAR(60) NOT NULL DEFAULT '')",
	"CREATE INDEX k ON sbtest(k)",
};

static const char *const sync_pragma[] = { "FULL", "NORMAL", "OFF" };

static int db_err(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "sqlite: %s: %s", what,
		 db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_err(db, sql, err, errlen);
	return 0;
}

int oltp_db_open(const char *path, const struct oltp_params *p,
		 sqlite3 **db, char *err, size_t errlen)
{
	char sql[128];

	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_err(*db, path, err, errlen);
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_extended_result_codes(*db, 1);
	sqlite3_busy_timeout(*db, OLTP_BUSY_MS);
	snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s; "
		 "PRAGMA cache_size=-%lld", sync_pragma[p->sync],
		 (long long)(p->cache / 1024));
	if (exec(*db, sql, err, errlen) < 0) {
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

int oltp_db_prepare(sqlite3 *db, sqlite3_stmt **st, char *err,
		    size_t errlen)
{
	int i;

	for (i = 0; i < OLTP_ST_COUNT; i++)
		st[i] = NULL;
	for (i = 0; i < OLTP_ST_COUNT; i++)
		if (sqlite3_prepare_v3(db, oltp_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &st[i],
				       NULL) != SQLITE_OK)
			return db_err(db, oltp_sql[i], err, errlen);
	return 0;
}

void oltp_db_close(sqlite3 *db, sqlite3_stmt **st)
{
	int i;

	for (i = 0; st && i < OLTP_ST_COUNT; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
	sqlite3_close(db);
}

static int fill(sqlite3 *db, const struct oltp_params *p, uint64_t seed,
		char *err, size_t errlen)
{
	char c[OLTP_C_LEN], pad[OLTP_PAD_LEN];
	sqlite3_stmt *ins = NULL;
	struct tb_rng r;
	int64_t id;
	int rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(db, "INSERT INTO sbtest VALUES(?,0,?,?)", -1,
			       &ins, NULL) != SQLITE_OK)
		return db_err(db, "INSERT", err, errlen);
	tb_rng_seed(&r, oltp_row_seed(seed));
	for (id = 1; id <= p->table_size && rc == SQLITE_DONE; id++) {
		oltp_row_make(&r, c, sizeof(c), pad, sizeof(pad));
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_text(ins, 2, c, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, pad, -1, SQLITE_STATIC);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	if (rc != SQLITE_DONE)
		db_err(db, "INSERT", err, errlen);
	sqlite3_finalize(ins);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* fsync the file, then its directory */
static int fsync_path(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	char *dir, *slash;

	if (fd < 0 || fsync(fd) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	dir = tb_strdupf("%s", path);
	if (!dir) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	rc = tb_fsync_dir(slash ? dir : ".");
	if (rc < 0)
		snprintf(err, errlen, "fsync %s: %s", slash ? dir : ".",
			 strerror(-rc));
	free(dir);
	return rc < 0 ? -1 : 0;
}

/* Built in one transaction without journal or sync (untimed); the file is
 * fsync'ed once at the end, then switched to the journal mode asked for. */
int oltp_db_create(const char *path, const struct oltp_params *p,
		   uint64_t seed, char *err, size_t errlen)
{
	const char *mode = p->journal == OLTP_JOURNAL_WAL ? "PRAGMA "
		"journal_mode=WAL" : "PRAGMA journal_mode=DELETE";
	sqlite3 *db = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		db_err(db, path, err, errlen);
		goto out;
	}
	if (exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
		 "BEGIN", err, errlen) < 0 ||
	    exec(db, oltp_sql_schema[0], err, errlen) < 0 ||
	    exec(db, oltp_sql_schema[1], err, errlen) < 0 ||
	    fill(db, p, seed, err, errlen) < 0 ||
	    exec(db, "COMMIT", err, errlen) < 0 ||
	    exec(db, mode, err, errlen) < 0)
		goto out;
	rc = 0;
out:
	if (sqlite3_close(db) != SQLITE_OK && rc == 0)
		rc = db_err(db, "close", err, errlen);
	return rc < 0 ? -1 : fsync_path(path, err, errlen);
}

int oltp_model_init(struct oltp_model *m, uint32_t n)
{
	m->n = n;
	m->k = calloc(n, sizeof(*m->k));
	m->reinserted = calloc(n, 1);
	if (m->k && m->reinserted)
		return 0;
	oltp_model_free(m);
	return -1;
}

void oltp_model_free(struct oltp_model *m)
{
	free(m->k);
	free(m->reinserted);
	m->k = NULL;
	m->reinserted = NULL;
}

/* The writes of a committed transaction: k+1 on upd_k; on del, k+1, then
 * the row is deleted and inserted again with k=0. */
void oltp_model_commit(struct oltp_model *m, const struct oltp_txn *t)
{
	m->k[t->upd_k - 1]++;
	m->k[t->del - 1] = 0;
	m->reinserted[t->del - 1] = 1;
}

/* Fetch one row of integers from sql into v[0..n-1]. */
static int query_ints(sqlite3 *db, const char *sql, int64_t *v, int n,
		      char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int i, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(db, sql, err, errlen);
	rc = sqlite3_step(st);
	for (i = 0; rc == SQLITE_ROW && i < n; i++)
		v[i] = sqlite3_column_int64(st, i);
	if (rc != SQLITE_ROW)
		db_err(db, sql, err, errlen);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int integrity(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *txt;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
			       NULL) != SQLITE_OK)
		return db_err(db, "PRAGMA integrity_check", err, errlen);
	if (sqlite3_step(st) != SQLITE_ROW)
		db_err(db, "PRAGMA integrity_check", err, errlen);
	else if (!(txt = sqlite3_column_text(st, 0)) ||
		 strcmp((const char *)txt, "ok") != 0)
		snprintf(err, errlen, "integrity_check: %s",
			 txt ? (const char *)txt : "(null)");
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* what the model says: [0] rows, [1] SUM(id), [2] SUM(k), [3] SUM(id*k),
 * [4] rows re-inserted */
static void expected(const struct oltp_model *m, int64_t *e)
{
	uint32_t i;

	e[0] = m->n;
	e[1] = (int64_t)m->n * (m->n + 1) / 2;
	e[2] = e[3] = e[4] = 0;
	for (i = 0; i < m->n; i++) {
		e[2] += m->k[i];
		e[3] += (int64_t)(i + 1) * m->k[i];
		e[4] += m->reinserted[i];
	}
}

static const char *const verify_what[5] = {
	"COUNT(*)", "SUM(id)", "SUM(k)", "SUM(id*k)", "re-inserted rows",
};

int oltp_db_verify(const char *path, const struct oltp_params *p,
		   const struct oltp_model *m, int64_t *k_sum,
		   char *err, size_t errlen)
{
	int64_t got[6], want[5];
	sqlite3 *db = NULL;
	int i, rc = -1;

	if (oltp_db_open(path, p, &db, err, errlen) < 0)
		return -1;
	if (integrity(db, err, errlen) < 0 ||
	    query_ints(db, "SELECT COUNT(*), SUM(id), SUM(k), SUM(id*k), "
		       "SUM(pad='" OLTP_INSERT_PAD "'), "
		       "COUNT(*)=COUNT(DISTINCT id) AND MIN(id)>=1 AND "
		       "MAX(id)<=COUNT(*) FROM sbtest", got, 6, err,
		       errlen) < 0)
		goto out;
	expected(m, want);
	for (i = 0; i < 5 && got[i] == want[i]; i++)
		;
	if (i < 5)
		snprintf(err, errlen, "%s is %lld, expected %lld",
			 verify_what[i], (long long)got[i],
			 (long long)want[i]);
	else if (!got[5])
		snprintf(err, errlen, "ids are not 1..%u", m->n);
	else
		rc = 0;
	*k_sum = got[2];
out:
	oltp_db_close(db, NULL);
	return rc;
}
