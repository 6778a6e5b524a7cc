/* session.c - the path both modes share: profile -> run directory ->
 * runner -> summary -> console.log -> DONE.
 *
 * A profile that cannot be found or parsed still gives a complete run
 * directory (manifest.json, empty samples.jsonl, summary.json with
 * "status":"failed" and the reason, console.log, DONE) and runs nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_summary.h"
#include "tb_util.h"
#include "workloads.h"

void app_init(struct app *a, enum app_mode mode)
{
	memset(a, 0, sizeof(*a));
	a->mode = mode;
	con_init(&a->con, 1);
	a->samples_fd = -1;
	a->mono_start_ns = tb_now_ns();
	a->t.wall_start_ns = tb_wall_ns();
	a->t.uptime_at_start = -1;
	a->t.modules_s = a->t.disk_wait_s = a->t.mkfs_s = -1;
	a->t.runner_s = -1;
	a->bindir = "/usr/bin";
	a->netwait = 30;
}

void app_free(struct app *a)
{
	if (a->prof_ok)
		tb_profile_free(&a->prof);
	if (a->samples_fd >= 0)
		close(a->samples_fd);
	free(a->label);
	free(a->profile_name);
	free(a->profile_path);
	free(a->profile_text);
	free(a->profile_error);
	free(a->scratch);
	free(a->scratch_note);
	free(a->results_root);
	free(a->results_note);
	free(a->cmdline);
	free(a->boot_dev);
	free(a->res_dev);
	free(a->scratch_dev);
	free(a->iso_dev);
	free(a->fwcfg_params);
	free(a->hardware);
	free(a->image_id);
	free(a->image_reason);
	free(a->run_id);
	free(a->run_dir);
	tb_sum_free(a->sum);
	free(a->scratch_json);
	free(a->peer);
	free(a->token);
	free(a->net_error);
	free(a->peer_manifest);
	free(a->setup_err);
	free(a->write_err);
	free(a->runs);
	free(a->reason);
	con_free(&a->con);
}

void app_load_profile_file(struct app *a, const char *path,
			   const char *source)
{
	size_t len;
	int rc;

	free(a->profile_path);
	a->profile_path = strdup(path);
	a->profile_source = source;
	rc = tb_read_file(path, &a->profile_text, &len);
	if (rc < 0)
		a->profile_error = tb_strdupf("%s: %s", path, strerror(-rc));
	else if (strlen(a->profile_text) != len)
		a->profile_error = tb_strdupf("%s: contains a NUL byte",
					      path);
}

static int name_ok(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 64)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789._-") == strlen(s);
}

void app_find_profile(struct app *a, const char *const *dirs,
		      const char *const *sources)
{
	size_t i;

	if (!name_ok(a->profile_name)) {
		a->profile_error = tb_strdupf("bad profile name '%s' (use "
					      "letters, digits, . _ -)",
					      a->profile_name);
		return;
	}
	for (i = 0; dirs[i]; i++) {
		char *p = tb_strdupf("%s/%s.profile", dirs[i],
				     a->profile_name);

		if (p && access(p, F_OK) == 0) {
			app_load_profile_file(a, p, sources[i]);
			free(p);
			return;
		}
		free(p);
	}
	a->profile_error = tb_strdupf("profile '%s' not found in %s%s%s",
				      a->profile_name, dirs[0],
				      dirs[1] ? " or " : "",
				      dirs[1] ? dirs[1] : "");
}

void app_parse_profile(struct app *a)
{
	char err[512];

	if (a->prof_ok || a->profile_error || !a->profile_text)
		return;
	if (tb_profile_parse(a->profile_path, a->profile_text, wl_lookup,
			     &a->prof, err, sizeof(err)) == 0)
		a->prof_ok = 1;
	else
		a->profile_error = strdup(err);
}

/* "TWINBENCH-RUN {json}": what `twinbench console` needs beyond the
 * records to rebuild summary.json as the appliance writes it. */
static void run_line(struct app *a)
{
	struct tb_json j;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_json_kint(&j, "schema", 1);
	tb_json_kstr(&j, "run", a->run_id);
	tb_json_kstr(&j, "label", a->label);
	tb_json_kstr(&j, "profile", a->profile_name);
	tb_json_obj_end(&j);
	if (tb_json_error(&j) == 0)
		con_printf(&a->con, "TWINBENCH-RUN %s\n", j.buf);
	tb_json_free(&j);
}

static void print_header(struct app *a)
{
	con_printf(&a->con, "twinbench %s: run %s, profile %s (%s%s%s), "
		   "label %s\n", TB_VERSION, a->run_id, a->profile_name,
		   a->profile_source ? a->profile_source : "none",
		   a->profile_path ? " " : "",
		   a->profile_path ? a->profile_path : "", a->label);
	con_printf(&a->con, "twinbench: results in %s, scratch in %s\n",
		   a->run_dir, a->scratch);
	if (a->prof_ok && a->prof.description[0])
		con_printf(&a->con, "twinbench: %s\n", a->prof.description);
	run_line(a);
}

static void run_or_refuse(struct app *a)
{
	uint64_t t0 = tb_now_ns();

	if (a->profile_error) {
		con_printf(&a->con, "twinbench: %s\n", a->profile_error);
		con_printf(&a->con, "twinbench: nothing was run\n");
		a->setup_err = strdup(a->profile_error);
		return;
	}
	if (summary_init(a) < 0 || runner_run(a) < 0)
		a->setup_err = strdup("runner: out of memory or signals");
	a->t.runner_s = (double)(tb_now_ns() - t0) / 1e9;
}

/* "TWINBENCH-DONE <run-id> <status>[ <reason>]", one line. */
static char *done_line(const struct app *a)
{
	char *line = tb_strdupf("TWINBENCH-DONE %s %s%s%s\n", a->run_id,
				a->status, a->reason ? " " : "",
				a->reason ? a->reason : "");
	size_t n = line ? strlen(line) : 0;

	for (size_t i = 0; n && i < n - 1; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	return line;
}

/* summary.json, manifest.json and console.log (with the DONE line);
 * *line gets that line. */
static void write_results(struct app *a, char **line)
{
	int rc;

	summary_write(a);
	rc = manifest_write(a, 1);
	if (rc < 0)
		res_write_failed(a, "manifest.json", rc);
	free(*line);
	*line = done_line(a);
	if (*line)
		con_log_only(&a->con, *line);
	res_write_text(a, "console.log", a->con.buf ? a->con.buf : "",
		       a->con.len);
}

/* The end of the run.  A result file that cannot be written makes the run
 * failed: when that happens after files were written as "ok", they are
 * written once more with the failure (as far as they can be), and DONE
 * and the console say "failed" with the reason.  DONE is written before
 * TWINBENCH-DONE appears on the console, so a host that stops the machine
 * on that line never finds a run without DONE. */
static int finish(struct app *a)
{
	size_t con_len;
	char *line = NULL;
	int rc, ok_before;

	if (a->samples_fd >= 0 && close(a->samples_fd) < 0)
		res_write_failed(a, "samples.jsonl", -errno);
	a->samples_fd = -1;
	a->t.wall_end_ns = tb_wall_ns();
	con_len = a->con.len;
	ok_before = !a->write_err;
	write_results(a, &line);
	if (ok_before && a->write_err) {
		a->con.len = con_len;	/* drop the "ok" DONE line */
		write_results(a, &line);
	}
	rc = res_done(a);
	if (rc < 0 && ok_before && !strcmp(a->status, "ok")) {
		summary_status(a);
		free(line);
		line = done_line(a);
	}
	if (line)
		con_print_only(&a->con, line);
	free(line);
	return rc;
}

static void scratch_note(struct app *a)
{
	a->scratch_json = scratch_describe(a->scratch);
	if (a->scratch_json && strstr(a->scratch_json,
				      "\"medium\":\"ram\""))
		con_printf(&a->con, "twinbench: scratch %s is in RAM: the I/O "
			   "workloads measure memory, not a disk\n",
			   a->scratch);
}

int app_session(struct app *a)
{
	int rc;

	app_parse_profile(a);
	rc = res_open_run(a);
	if (rc < 0) {
		con_printf(&a->con, "twinbench: %s/runs: cannot create a run "
			   "directory: %s\n", a->results_root, strerror(-rc));
		return -1;
	}
	print_header(a);
	scratch_note(a);
	rc = manifest_write(a, 0);
	if (rc < 0)
		res_write_failed(a, "manifest.json", rc);
	if (!a->profile_error)
		session_peer(a);
	run_or_refuse(a);
	if (finish(a) < 0)
		return -1;
	return strcmp(a->status, "ok") == 0 ? 0 : 1;
}
