/* cmd_bundle.c - `twinbench bundle --out FILE.tar RUN-OR-DIR...`,
 * `twinbench verify FILE.tar` and the bundle side of `twinbench report`.
 *
 * A bundle holds (tar, sorted, owner 0:0, mtime 0, fixed modes):
 *   study.json      twinbench version, the report options, the commands
 *   runs/<run-id>/  every run as found (".2", ".3" after a repeated id)
 *   images/<id>.json   each image's own manifest (from the runs')
 *   profiles/<name>-<sha256:12>.profile   each profile text that ran
 *   report/         the report, rendered from runs/ inside the bundle
 * The report inside is rendered from the bundle's own runs/ (with the
 * working directory at the bundle's root, so its command names "runs"):
 * `verify` renders it again the same way and compares byte for byte.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "study/st_bundle.h"
#include "study/st_priv.h"
#include "tb_util.h"

static const char *const bundle_inputs[] = { "runs" };

int st_run_tool(const char *const argv[], const char *what)
{
	struct proc_opt po = { .null_stdin = 1, .timeout_ms = 600000 };
	struct proc_res pr;

	if (proc_run(argv, &po, &pr) < 0 || pr.status != 0) {
		warnx("%s: %s failed", what, argv[0]);
		return -1;
	}
	return 0;
}

/* runs/<id> (".N" when the id is taken), copied with cp -R. */
static int stage_run(const char *stage, const struct st_run *u,
		     char **name)
{
	char *dst = NULL;
	int k;

	for (k = 1; k < 1000; k++) {
		free(*name);
		*name = k == 1 ? strdup(u->id) : tb_strdupf("%s.%d", u->id, k);
		free(dst);
		dst = *name ? tb_strdupf("%s/runs/%s", stage, *name) : NULL;
		if (!dst || !fs_exists(dst))
			break;
	}
	if (!dst)
		return -ENOMEM;
	const char *argv[] = { "cp", "-R", "--no-preserve=all", u->dir, dst,
			       NULL };
	k = st_run_tool(argv, u->dir);
	free(dst);
	return k;
}

static int put_json(const char *stage, const char *sub, const char *name,
		    json_t *v)
{
	char *path = tb_strdupf("%s/%s/%s", stage, sub, name);
	char *text = json_dumps(v, JSON_INDENT(1) | JSON_SORT_KEYS);
	char *nl = text ? tb_strdupf("%s\n", text) : NULL;
	int rc = path && nl ? fs_write_text(path, nl) : -ENOMEM;

	free(path);
	free(text);
	free(nl);
	return rc;
}

/* images/ and profiles/ from one run's manifest. */
static int stage_facts(const char *stage, const struct st_run *u)
{
	json_t *img = json_object_get(u->manifest, "image");
	json_t *prof = json_object_get(u->manifest, "profile");
	const char *id = json_string_value(json_object_get(img, "id"));
	const char *text = json_string_value(json_object_get(prof, "text"));
	char *name, *path;
	int rc = 0;

	if (id && json_is_object(json_object_get(img, "manifest"))) {
		name = tb_strdupf("%.64s.json", id);
		rc = name ? put_json(stage, "images", name,
				     json_object_get(img, "manifest")) :
			-ENOMEM;
		free(name);
	}
	if (rc == 0 && text && u->profile && u->profile_sha256) {
		path = tb_strdupf("%s/profiles/%s-%.12s.profile", stage,
				  u->profile, u->profile_sha256);
		rc = path ? fs_write_text(path, text) : -ENOMEM;
		free(path);
	}
	return rc;
}

static int stage_dirs(const char *stage)
{
	static const char *const sub[] = { "runs", "images", "profiles" };
	size_t i;

	for (i = 0; i < 3; i++) {
		char *p = fs_join(stage, sub[i]);
		int rc = p ? tb_mkdir_p(p, 0755) : -ENOMEM;

		free(p);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Copy the runs of o->inputs into stage. */
static int stage_runs(const char *stage, const struct st_opts *o,
		      json_t *names)
{
	struct st_report r;
	char *e = NULL, *name = NULL;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	r.opt = *o;
	rc = stage_dirs(stage);
	if (rc == 0 && st_load(&r, &e) < 0) {
		warnx("bundle: %s", e ? e : "out of memory");
		rc = -1;
	}
	for (i = 0; rc == 0 && i < r.nruns; i++) {
		rc = stage_run(stage, &r.runs[i], &name);
		if (rc == 0)
			rc = stage_facts(stage, &r.runs[i]);
		if (rc == 0)
			json_array_append_new(names, json_string(name));
	}
	if (rc < -1)
		warnx("bundle: %s: %s", stage, strerror(-rc));
	free(name);
	free(e);
	st_report_free(&r);
	return rc < 0 ? -1 : 0;
}

int st_render_in(const char *dir, const struct st_opts *o,
		     const char *out, int quiet)
{
	struct st_opts in = *o;
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	in.inputs = bundle_inputs;
	in.ninputs = 1;
	if (cwd < 0 || chdir(dir) < 0) {
		warn("%s", dir);
		if (cwd >= 0)
			close(cwd);
		return -1;
	}
	rc = st_render(&in, out, quiet);
	if (fchdir(cwd) < 0) {
		warn("back to the working directory");
		rc = -1;
	}
	close(cwd);
	return rc;
}

/* study.json: what the bundle was made of and how. */
static int write_study(const char *stage, const struct st_opts *o,
		       int argc, char **argv, json_t *names)
{
	json_t *s = json_object(), *opt = json_object(), *cmd = json_object();
	struct st_opts in = *o;
	char *bundle = strdup("twinbench"), *report;
	int i, rc = 0;

	in.inputs = bundle_inputs;
	in.ninputs = 1;
	report = st_command(&in);
	for (i = 0; i < argc && bundle; i++)
		if (st_shell_word(&bundle, argv[i]) < 0) {
			free(bundle);
			bundle = NULL;
		}
	if (!s || !opt || !cmd || !report || !bundle)
		rc = -ENOMEM;
	json_object_set_new(opt, "baseline", json_string(o->baseline));
	json_object_set_new(opt, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(opt, "bootstrap", json_integer(o->boot_b));
	json_object_set_new(opt, "allow_incomplete",
			    json_boolean(o->allow_incomplete));
	json_object_set_new(opt, "allow_mixed", json_boolean(o->allow_mixed));
	json_object_set_new(cmd, "bundle", json_string(bundle ? bundle : ""));
	json_object_set_new(cmd, "report", json_string(report ? report : ""));
	json_object_set_new(s, "schema", json_integer(1));
	json_object_set_new(s, "twinbench_version",
			    json_string(lab_version()));
	json_object_set_new(s, "options", opt);
	json_object_set_new(s, "commands", cmd);
	json_object_set_new(s, "runs", json_incref(names));
	if (rc == 0)
		rc = put_json(stage, ".", "study.json", s);
	json_decref(s);
	free(bundle);
	free(report);
	return rc;
}

/* The tar of stage's members into out (through out.tmp, renamed). */
static int pack(const char *stage, const char *out)
{
	char *tmp = tb_strdupf("%s.tmp", out);
	const char *argv[] = { "tar", "--sort=name", "--owner=0", "--group=0",
		"--numeric-owner", "--mtime=@0", "--mode=u=rwX,go=rX",
		"--format=gnu", "-cf", tmp, "-C", stage, "images",
		"profiles", "report", "runs", "study.json", NULL };
	int rc;

	if (!tmp)
		return -1;
	rc = st_run_tool(argv, out);
	if (rc == 0 && rename(tmp, out) < 0) {
		warn("%s", out);
		rc = -1;
	}
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int make_bundle(const char *out, const struct st_opts *o, int argc,
		       char **argv)
{
	char *stage = fs_mkdtemp(NULL, "twinbench-bundle");
	json_t *names = json_array();
	int rc = stage && names ? 0 : -1;

	if (rc == 0)
		rc = stage_runs(stage, o, names);
	if (rc == 0)
		rc = st_render_in(stage, o, "report", 1);
	if (rc == 0 && write_study(stage, o, argc, argv, names) < 0) {
		warnx("bundle: %s/study.json: cannot write it", stage);
		rc = -1;
	}
	if (rc == 0)
		rc = pack(stage, out);
	if (rc == 0)
		printf("bundle: %s (%zu runs)\n", out, json_array_size(names));
	if (stage)
		fs_remove_tree(stage);
	free(stage);
	json_decref(names);
	return rc;
}

int cmd_bundle(int argc, char **argv)
{
	struct st_opts o;
	struct st_given g = { 0 };

	st_opts_default(&o);
	if (st_parse_opts(argc, argv, &o, &g) < 0)
		return LAB_EXIT_USAGE;
	if (g.help || !g.out || optind >= argc) {
		fputs("usage: twinbench bundle --out FILE.tar [--baseline "
		      "LABEL] [--seed N]\n          [--bootstrap B] "
		      "[--allow-incomplete] [--allow-mixed] RUN-OR-DIR...\n",
		      g.help ? stdout : stderr);
		return g.help ? LAB_EXIT_OK : LAB_EXIT_USAGE;
	}
	if (fs_exists(g.out)) {
		warnx("bundle: %s exists: nothing is overwritten (remove it "
		      "or name another file)", g.out);
		return LAB_EXIT_FAIL;
	}
	o.inputs = (const char *const *)argv + optind;
	o.ninputs = (size_t)(argc - optind);
	return make_bundle(g.out, &o, argc, argv) < 0 ? LAB_EXIT_FAIL :
		LAB_EXIT_OK;
}
