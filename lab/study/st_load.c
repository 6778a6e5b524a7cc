/* st_load.c - find run directories under the report's inputs and read
 * them: samples.jsonl (every record), manifest.json and hardware.json when
 * present, DONE.  A run directory is a directory holding samples.jsonl;
 * any other directory is searched (sorted, a few levels deep) for them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab.h"
#include "study/study.h"
#include "study/st_priv.h"
#include "tb_util.h"

#define MAX_DEPTH	4

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted; NULL-terminated (free with st_strv_free). */
static char **sorted_entries(const char *dir, int *rc)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, **nv;
	size_t n = 0;

	*rc = 0;
	if (!d) {
		*rc = -errno;
		return NULL;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(e->d_name))) {
			v = nv ? nv : v;
			*rc = -ENOMEM;
			break;
		}
		v = nv;
		v[++n] = NULL;
	}
	closedir(d);
	if (v)
		qsort(v, n, sizeof(*v), cmp_str);
	if (*rc < 0) {
		st_strv_free(v);
		return NULL;
	}
	return v;
}

static int add_dir(struct st_report *r, const char *dir)
{
	struct st_run *nr = realloc(r->runs, (r->nruns + 1) * sizeof(*nr));

	if (!nr)
		return -ENOMEM;
	r->runs = nr;
	memset(&nr[r->nruns], 0, sizeof(*nr));
	nr[r->nruns].dir = strdup(dir);
	if (!nr[r->nruns].dir)
		return -ENOMEM;
	r->nruns++;
	return 0;
}

/* Run directories at or under dir, in sorted order. */
static int find_runs(struct st_report *r, const char *dir, int depth)
{
	char *p = fs_join(dir, "samples.jsonl");
	char **names;
	int rc, exists;
	size_t i;

	if (!p)
		return -ENOMEM;
	exists = fs_exists(p);
	free(p);
	if (exists)
		return add_dir(r, dir);
	if (depth >= MAX_DEPTH)
		return 0;
	names = sorted_entries(dir, &rc);
	for (i = 0; names && names[i] && rc == 0; i++) {
		p = fs_join(dir, names[i]);
		if (!p)
			rc = -ENOMEM;
		else if (is_dir(p))
			rc = find_runs(r, p, depth + 1);
		free(p);
	}
	st_strv_free(names);
	return rc;
}

static int load_inputs(struct st_report *r, char **err)
{
	size_t i, before;
	int rc;

	for (i = 0; i < r->opt.ninputs; i++) {
		const char *in = r->opt.inputs[i];

		if (!is_dir(in)) {
			*err = tb_strdupf("%s: not a directory (a run "
					  "directory, a directory of runs or "
					  "a bundle .tar)", in);
			return -1;
		}
		before = r->nruns;
		rc = find_runs(r, in, 0);
		if (rc < 0) {
			*err = tb_strdupf("%s: %s", in, strerror(-rc));
			return -1;
		}
		if (r->nruns == before) {
			*err = tb_strdupf("%s: no run directories in it (no "
					  "samples.jsonl)", in);
			return -1;
		}
	}
	return 0;
}

/* The same directory named twice (or found twice) counts once. */
static void drop_duplicates(struct st_report *r)
{
	size_t i, j, k = 0;

	for (i = 0; i < r->nruns; i++) {
		char *ri = realpath(r->runs[i].dir, NULL);
		int dup = 0;

		for (j = 0; ri && j < k && !dup; j++) {
			char *rj = realpath(r->runs[j].dir, NULL);

			dup = rj && !strcmp(ri, rj);
			free(rj);
		}
		free(ri);
		if (dup)
			st_run_free(&r->runs[i]);
		else
			r->runs[k++] = r->runs[i];
	}
	r->nruns = k;
}

int st_load(struct st_report *r, char **err)
{
	size_t i;

	*err = NULL;
	if (load_inputs(r, err) < 0)
		return -1;
	drop_duplicates(r);
	for (i = 0; i < r->nruns; i++)
		if (st_read_run(&r->runs[i], err) < 0)
			return -1;
	return st_group(r, err);
}

void st_strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void st_strv_free_n(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}
