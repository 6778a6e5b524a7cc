/* cmd_verify.c - `twinbench verify FILE.tar` and `twinbench report
 * FILE.tar`: unpack a bundle into a private directory, take the options
 * of its study.json, render the report from its runs/ again.  verify then
 * compares every file of the bundle's report/ with the new one, both
 * ways, and names the first that differs.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "study/st_bundle.h"
#include "study/st_priv.h"
#include "tb_util.h"

int st_is_bundle(const char *path)
{
	struct stat st;
	size_t n = strlen(path);

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && n > 4 &&
		!strcmp(path + n - 4, ".tar");
}

/* Unpack tar into a new directory (malloc'ed path), NULL after a
 * message. */
static char *unpack(const char *tar)
{
	char *dir = fs_mkdtemp(NULL, "twinbench-verify");
	const char *argv[] = { "tar", "--no-same-owner",
		"--no-same-permissions", "-xf", tar, "-C", dir, NULL };

	if (!dir) {
		warn("a temporary directory");
		return NULL;
	}
	if (st_run_tool(argv, tar) < 0) {
		fs_remove_tree(dir);
		free(dir);
		return NULL;
	}
	return dir;
}

/* The options of dir/study.json into o (those in g win); 0 or -1. */
static int study_opts(const char *dir, const char *tar, struct st_opts *o,
		      const struct st_given *g, json_t **keep)
{
	char *path = fs_join(dir, "study.json");
	json_error_t je;
	json_t *s = path ? json_load_file(path, 0, &je) : NULL;
	json_t *opt = json_object_get(s, "options");
	const char *base = json_string_value(json_object_get(opt,
							     "baseline"));
	json_t *seed = json_object_get(opt, "seed");
	json_t *b = json_object_get(opt, "bootstrap");

	free(path);
	if (!base || !json_is_integer(seed) || !json_is_integer(b)) {
		warnx("%s: study.json: %s", tar, s ? "no options (baseline, "
		      "seed, bootstrap)" : je.text);
		json_decref(s);
		return -1;
	}
	if (!g->baseline)
		o->baseline = base;
	if (!g->seed)
		o->seed = (uint64_t)json_integer_value(seed);
	if (!g->boot_b)
		o->boot_b = (unsigned)json_integer_value(b);
	o->allow_incomplete |= json_is_true(json_object_get(
		opt, "allow_incomplete"));
	o->allow_mixed |= json_is_true(json_object_get(opt, "allow_mixed"));
	*keep = s;		/* o->baseline points into it */
	return 0;
}

/* An absolute form of path (the render runs in another directory). */
static char *absolute(const char *path)
{
	char *cwd;
	char *p;

	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	p = cwd ? tb_strdupf("%s/%s", cwd, path) : NULL;
	free(cwd);
	return p;
}

int st_report_bundle(const char *tar, const struct st_opts *o,
		     const struct st_given *g)
{
	struct st_opts in = *o;
	char *out = absolute(g->out ? g->out : "report");
	char *dir = out ? unpack(tar) : NULL;
	json_t *keep = NULL;
	int rc = dir ? study_opts(dir, tar, &in, g, &keep) : -1;

	if (rc == 0)
		rc = st_render_in(dir, &in, out, g->quiet);
	if (dir)
		fs_remove_tree(dir);
	free(dir);
	free(out);
	json_decref(keep);
	return rc < 0 ? LAB_EXIT_FAIL : LAB_EXIT_OK;
}

/* Compare the trees a and b below rel; the first difference into *what.
 * 0 same, 1 differ, -errno. */
static int compare(const char *a, const char *b, const char *rel,
		   char **what, size_t *nfiles);

static int compare_entry(const char *a, const char *b, const char *rel,
			 const char *name, char **what, size_t *nfiles)
{
	char *sub = *rel ? tb_strdupf("%s/%s", rel, name) : strdup(name);
	char *pa = sub ? tb_strdupf("%s/%s", a, sub) : NULL;
	char *pb = sub ? tb_strdupf("%s/%s", b, sub) : NULL;
	struct stat sa, sb;
	int rc;

	if (!pa || !pb)
		rc = -ENOMEM;
	else if (lstat(pb, &sb) < 0 || lstat(pa, &sa) < 0 ||
		 S_ISDIR(sa.st_mode) != S_ISDIR(sb.st_mode))
		rc = 1;
	else if (S_ISDIR(sa.st_mode))
		rc = compare(a, b, sub, what, nfiles);
	else {
		rc = fs_same_tree(pa, pb) == 1 ? 0 : 1;
		(*nfiles)++;
	}
	if (rc == 1 && !*what)
		*what = sub, sub = NULL;
	free(sub);
	free(pa);
	free(pb);
	return rc;
}

static int compare(const char *a, const char *b, const char *rel,
		   char **what, size_t *nfiles)
{
	char *pa = *rel ? tb_strdupf("%s/%s", a, rel) : strdup(a);
	DIR *d = pa ? opendir(pa) : NULL;
	struct dirent *e;
	int rc = d ? 0 : pa ? -errno : -ENOMEM;

	while (rc == 0 && d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rc = compare_entry(a, b, rel, e->d_name, what, nfiles);
	if (d)
		closedir(d);
	free(pa);
	return rc;
}

static int verify(const char *tar)
{
	struct st_opts o;
	struct st_given g = { 0 };
	char *dir, *what = NULL;
	json_t *keep = NULL;
	size_t nfiles = 0, dummy = 0;
	int rc;

	st_opts_default(&o);
	dir = unpack(tar);
	rc = dir ? study_opts(dir, tar, &o, &g, &keep) : -1;
	if (rc == 0)
		rc = st_render_in(dir, &o, ".rerendered", 1);
	if (rc == 0) {
		char *mine = fs_join(dir, "report");
		char *again = fs_join(dir, ".rerendered");

		rc = mine && again ? compare(mine, again, "", &what, &nfiles)
			: -ENOMEM;
		if (rc == 0)	/* nothing new on the other side either */
			rc = compare(again, mine, "", &what, &dummy);
		free(mine);
		free(again);
		if (rc < 0)
			warnx("verify: %s: %s", tar, strerror(-rc));
		else if (rc)
			warnx("verify: %s: report/%s differs from the report "
			      "rendered again from its runs", tar, what);
		else
			printf("verify: %s: %zu report files rendered again, "
			       "byte for byte the same\n", tar, nfiles);
	}
	if (dir)
		fs_remove_tree(dir);
	free(dir);
	free(what);
	json_decref(keep);
	return rc == 0 ? LAB_EXIT_OK : LAB_EXIT_FAIL;
}

int cmd_verify(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: twinbench verify FILE.tar\n",
		      argc == 2 && !strcmp(argv[1], "--help") ? stdout :
		      stderr);
		return argc == 2 && !strcmp(argv[1], "--help") ?
			LAB_EXIT_OK : LAB_EXIT_USAGE;
	}
	if (!st_is_bundle(argv[1])) {
		warnx("verify: %s: not a bundle (a .tar file made by "
		      "twinbench bundle)", argv[1]);
		return LAB_EXIT_FAIL;
	}
	return verify(argv[1]);
}
