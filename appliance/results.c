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

static void sample_json(struct app *a, const struct tb_instance *in,
			int rep, int warmup, const struct tb_report_msg *m,
			enum run_status st, struct tb_json *j)
{
	int is_val = st == ST_OK && m && m->kind == 'R';

	tb_json_obj_begin(j);
	tb_json_kint(j, "schema", 1);
	tb_json_kstr(j, "run", a->run_id);
	tb_json_kstr(j, "instance", in->name);
	tb_json_kstr(j, "workload", in->wl->name);
	tb_json_kint(j, "rep", rep + 1);
	tb_json_kbool(j, "warmup", warmup);
	tb_json_key(j, "metric");
	is_val ? tb_json_str(j, m->metric) : tb_json_null(j);
	tb_json_key(j, "value");
	is_val ? tb_json_num(j, m->value) : tb_json_null(j);
	tb_json_key(j, "unit");
	is_val ? tb_json_str(j, m->unit) : tb_json_null(j);
	tb_json_key(j, "better");
	if (is_val)
		tb_json_str(j, m->better == TB_HIGHER ? "higher" : "lower");
	else
		tb_json_null(j);
	tb_json_kstr(j, "status", status_name(st));
	tb_json_key(j, "reason");
	is_val || !m ? tb_json_null(j) : tb_json_str(j, m->reason);
}

int res_sample(struct app *a, const struct tb_instance *in, int rep,
	       int warmup, const struct tb_report_msg *m,
	       enum run_status st, uint64_t t0, uint64_t t1)
{
	struct tb_json j;
	char *line;
	int rc;

	tb_json_init(&j);
	sample_json(a, in, rep, warmup, m, st, &j);
	tb_json_key(&j, "t_start_ns");
	tb_json_uint(&j, t0);
	tb_json_key(&j, "t_end_ns");
	tb_json_uint(&j, t1);
	tb_json_key(&j, "params");
	tb_opt_json(in->wl->opts, in->params, &j);
	tb_json_obj_end(&j);
	rc = tb_json_error(&j);
	line = rc == 0 ? tb_strdupf("%s\n", j.buf) : NULL;
	tb_json_free(&j);
	if (!line)
		return rc ? rc : -ENOMEM;
	con_printf(&a->con, "TWINBENCH %s", line);
	rc = a->samples_fd < 0 ? -EBADF :
	     tb_append_fsync(a->samples_fd, line, strlen(line));
	free(line);
	return rc;
}

int res_finish(struct app *a)
{
	char *done;
	int rc;

	rc = tb_write_file_atomic(a->run_dir, "console.log",
				  a->con.buf ? a->con.buf : "", a->con.len);
	if (rc < 0)
		return rc;
	done = tb_strdupf("%s\n", a->status);
	if (!done)
		return -ENOMEM;
	rc = tb_write_file_atomic(a->run_dir, "DONE", done, strlen(done));
	free(done);
	return rc;
}
