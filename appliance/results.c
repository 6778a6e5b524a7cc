/* results.c - the run directory (DESIGN section 6).
 *
 * run-id = 4-digit counter from runs/.counter + "-" + label.  The counter
 * is read, incremented and written atomically; a number for which any
 * runs/NNNN-* entry exists is skipped, so an existing run is never reused
 * or modified.  samples.jsonl is appended and fsync'ed per sample and each
 * record is echoed on the console as "TWINBENCH {json}".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_opt.h"
#include "tb_summary.h"
#include "tb_util.h"

char *res_sanitize_label(const char *s)
{
	size_t n = strlen(s ? s : ""), i;
	char *out;

	if (n > 64)
		n = 64;
	if (n == 0)
		return strdup("unlabelled");
	out = strndup(s, n);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = out[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			out[i] = '_';
	}
	return out;
}

/* Is any runs/NNNN-* (or runs/NNNN) taken? */
static int number_taken(const char *runs, unsigned long n)
{
	char pfx[32];
	struct dirent *de;
	DIR *d = opendir(runs);
	int taken = 0;
	size_t pl;

	if (!d)
		return -errno;
	snprintf(pfx, sizeof(pfx), "%04lu", n);
	pl = strlen(pfx);
	while (!taken && (de = readdir(d)))
		if (!strncmp(de->d_name, pfx, pl) &&
		    (de->d_name[pl] == '-' || de->d_name[pl] == '\0'))
			taken = 1;
	closedir(d);
	return taken;
}

static unsigned long read_counter(const char *runs)
{
	char *path = tb_strdupf("%s/.counter", runs), *line;
	unsigned long n = 0;

	line = path ? fs_read_line(path) : NULL;
	if (line)
		n = strtoul(line, NULL, 10);
	free(line);
	free(path);
	return n;
}

/* Take the next free number: write the counter, then create the dir. */
static int take_id(struct app *a, const char *runs)
{
	unsigned long n = read_counter(runs);
	char text[32];
	int rc;

	for (;;) {
		n++;
		rc = number_taken(runs, n);
		if (rc < 0)
			return rc;
		if (rc)
			continue;
		snprintf(text, sizeof(text), "%lu\n", n);
		rc = tb_write_file_atomic(runs, ".counter", text,
					  strlen(text));
		if (rc < 0)
			return rc;
		a->run_id = tb_strdupf("%04lu-%s", n, a->label);
		a->run_dir = a->run_id ? tb_strdupf("%s/%s", runs,
						    a->run_id) : NULL;
		if (!a->run_dir)
			return -ENOMEM;
		if (mkdir(a->run_dir, 0755) == 0)
			return tb_fsync_dir(runs);
		if (errno != EEXIST)
			return -errno;
		free(a->run_id);
		free(a->run_dir);
		a->run_id = a->run_dir = NULL;
	}
}

int res_open_run(struct app *a)
{
	char *runs = tb_strdupf("%s/runs", a->results_root), *path;
	int rc;

	if (!runs)
		return -ENOMEM;
	rc = tb_mkdir_p(runs, 0755);
	if (rc == 0)
		rc = take_id(a, runs);
	free(runs);
	if (rc < 0)
		return rc;
	path = tb_strdupf("%s/samples.jsonl", a->run_dir);
	if (!path)
		return -ENOMEM;
	a->samples_fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
			     O_CLOEXEC, 0644);
	rc = a->samples_fd < 0 ? -errno : 0;
	free(path);
	if (rc == 0)
		rc = tb_fsync_dir(a->run_dir);
	return rc;
}

static void sample_json(struct app *a, const struct res_rec *r,
			struct tb_json *j)
{
	const struct tb_report_msg *m = r->m;
	int is_val = r->st == ST_OK && m && m->kind == 'R';

	tb_json_obj_begin(j);
	tb_json_kint(j, "schema", 1);
	tb_json_kstr(j, "run", a->run_id);
	tb_json_kstr(j, "instance", r->in->name);
	tb_json_kstr(j, "workload", r->in->wl->name);
	tb_json_kint(j, "rep", r->rep + 1);
	tb_json_kbool(j, "warmup", r->warmup);
	tb_json_key(j, "metric");
	is_val ? tb_json_str(j, m->metric) : tb_json_null(j);
	tb_json_key(j, "value");
	is_val ? tb_json_num(j, m->value) : tb_json_null(j);
	tb_json_key(j, "unit");
	is_val ? tb_json_str(j, m->unit) : tb_json_null(j);
	tb_json_key(j, "better");
	if (is_val && m->better != TB_INFO)
		tb_json_str(j, tb_better_name(m->better));
	else
		tb_json_null(j);
	tb_json_kstr(j, "status", status_name(r->st));
	tb_json_key(j, "reason");
	is_val || !m ? tb_json_null(j) : tb_json_str(j, m->reason);
}

/* What the record carries beyond DESIGN's fields: whether the metric is
 * the workload's headline, the parameters the workload derived from the
 * machine, and the scratch medium. */
static void context_json(struct app *a, const struct res_rec *r,
			 struct tb_json *j)
{
	const struct tb_report_msg *m = r->m;
	size_t i;

	if (r->st == ST_OK && m && m->kind == 'R' && r->in->wl->headline &&
	    !strcmp(m->metric, r->in->wl->headline))
		tb_json_kbool(j, "headline", 1);
	if (r->st == ST_OK && m && m->kind == 'R' && m->side != TB_SIDE_NONE)
		tb_json_kstr(j, "side", tb_side_name(m->side));
	if (r->nderived) {
		tb_json_key(j, "derived");
		tb_json_obj_begin(j);
		for (i = 0; i < r->nderived; i++)
			tb_json_knum(j, r->derived[i].name,
				     r->derived[i].value);
		tb_json_obj_end(j);
	}
	tb_json_key(j, "scratch");
	a->scratch_json ? tb_json_raw(j, a->scratch_json) : tb_json_null(j);
}

void res_write_failed(struct app *a, const char *what, int err)
{
	con_printf(&a->con, "twinbench: %s%s%s: write failed: %s\n",
		   a->run_dir ? a->run_dir : "", a->run_dir ? "/" : "", what,
		   strerror(err < 0 ? -err : err));
	if (!a->write_err)
		a->write_err = tb_strdupf("%s: write failed: %s", what,
					  strerror(err < 0 ? -err : err));
}

/* The record for the summary (the same rule as `twinbench console`). */
static int sum_record(struct app *a, const struct res_rec *r)
{
	const struct tb_report_msg *m = r->m;
	int is_val = r->st == ST_OK && m && m->kind == 'R';
	struct tb_rec rec = {
		.instance = r->in->name, .workload = r->in->wl->name,
		.rep = r->rep + 1, .warmup = r->warmup,
		.metric = is_val ? m->metric : NULL,
		.unit = is_val ? m->unit : NULL,
		.better = is_val ? m->better : TB_INFO,
		.value = is_val ? m->value : 0,
		.status = (enum tb_rec_status)r->st,
		.reason = !is_val && m ? m->reason : NULL,
	};

	return a->sum ? tb_sum_add(a->sum, &rec) : -ENOMEM;
}

/* Appended and fsync'ed first: the console line follows the fsync, so a
 * record the console showed is on the disk (if there is one). */
int res_sample(struct app *a, const struct res_rec *r)
{
	struct tb_json j;
	char *line;
	int rc;

	tb_json_init(&j);
	sample_json(a, r, &j);
	tb_json_key(&j, "t_start_ns");
	tb_json_uint(&j, r->t0);
	tb_json_key(&j, "t_end_ns");
	tb_json_uint(&j, r->t1);
	tb_json_key(&j, "params");
	tb_opt_json(r->in->wl->opts, r->in->params, &j);
	context_json(a, r, &j);
	tb_json_obj_end(&j);
	rc = tb_json_error(&j);
	line = rc == 0 ? tb_strdupf("%s\n", j.buf) : NULL;
	tb_json_free(&j);
	if (!line) {
		res_write_failed(a, "samples.jsonl", rc ? rc : -ENOMEM);
		return rc ? rc : -ENOMEM;
	}
	rc = a->samples_fd < 0 ? -EBADF :
	     tb_append_fsync(a->samples_fd, line, strlen(line));
	if (rc < 0)
		res_write_failed(a, "samples.jsonl", rc);
	con_printf(&a->con, "TWINBENCH %s", line);
	free(line);
	if (sum_record(a, r) < 0)
		res_write_failed(a, "summary (in memory)", -ENOMEM);
	return rc;
}

int res_write_text(struct app *a, const char *name, const char *text,
		   size_t n)
{
	int rc = tb_write_file_atomic(a->run_dir, name, text, n);

	if (rc < 0)
		res_write_failed(a, name, rc);
	return rc;
}

int res_done(struct app *a)
{
	char *done = tb_strdupf("%s\n", a->status);
	int rc;

	if (!done) {
		res_write_failed(a, "DONE", -ENOMEM);
		return -ENOMEM;
	}
	rc = res_write_text(a, "DONE", done, strlen(done));
	free(done);
	return rc;
}
