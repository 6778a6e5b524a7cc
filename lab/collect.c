/* collect.c - read runs off BENCHRES without mounting it.
 *
 * debugfs (e2fsprogs) opens the ext4 partition inside the disk image with
 * its io option syntax, `debugfs -R REQUEST 'IMAGE?offset=BYTES'`; no loop
 * device, no root, the image is opened read-only.  debugfs exits 0 even
 * when a request fails, so anything on its stderr counts as an error,
 * except its version banner and rdump's complaints that it could not give
 * the copies the owner they have on the partition (the appliance writes as
 * root; a lab user collecting as himself cannot chown, and need not).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "tb_util.h"

#define NOT_FOUND	"File not found by ext2_lookup"

#define CHOWN_FAIL	"while changing ownership of "

/* Lines of debugfs' stderr that are no error. */
static int harmless(const char *line, size_t n)
{
	size_t k = strlen(CHOWN_FAIL);

	if (n == 0 || !strncmp(line, "debugfs ", 8))
		return 1;	/* blank, or the version banner */
	for (size_t i = 0; i + k <= n; i++)
		if (!strncmp(line + i, CHOWN_FAIL, k))
			return 1;
	return 0;
}

/* Keep only the lines that report errors; NULL if none is left. */
static char *debugfs_errors(char *text)
{
	char *src, *dst, *nl;
	size_t n;

	if (!text)
		return NULL;
	for (src = dst = text; *src; src += n + (nl != NULL)) {
		nl = strchr(src, '\n');
		n = nl ? (size_t)(nl - src) : strlen(src);
		if (harmless(src, n))
			continue;
		if (dst != text)
			*dst++ = '\n';
		memmove(dst, src, n);
		dst += n;
	}
	*dst = '\0';
	if (dst == text) {
		free(text);
		return NULL;
	}
	return text;
}

/* Run one debugfs request; its stdout goes to out_fd (0: inherit). */
static int debugfs(const char *image, const struct img_part *res,
		   const char *request, int out_fd, char **errtext)
{
	struct proc_opt o = { .out_fd = out_fd, .null_stdin = 1 };
	struct proc_res r;
	char *dev;
	FILE *ef;
	int e;

	*errtext = NULL;
	if (strchr(image, '?'))
		return -EINVAL;	/* debugfs would take it for io options */
	dev = tb_strdupf("%s?offset=%llu", image,
			 (unsigned long long)res->offset);
	ef = tmpfile();
	if (!dev || !ef) {
		e = dev ? -errno : -ENOMEM;
		goto out;
	}
	o.err_fd = fileno(ef);
	{
		const char *argv[] = { "debugfs", "-R", request, dev, NULL };
		e = proc_run(argv, &o, &r);
	}
	if (!e) {
		*errtext = debugfs_errors(proc_slurp_fd(fileno(ef)));
		if (*errtext || r.status)
			e = -EIO;
	}
out:
	if (ef)
		fclose(ef);
	free(dev);
	return e;
}

/* An absent /runs is not an error: no boot has written a run yet. */
static int absent_runs(int e, char **errtext)
{
	if (e != -EIO || !*errtext || !strstr(*errtext, NOT_FOUND))
		return 0;
	free(*errtext);
	*errtext = NULL;
	return 1;
}

void col_list_free(struct col_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ids[i]);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

static int add_id(struct col_list *l, const char *id)
{
	char **n = realloc(l->ids, (l->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	l->ids = n;
	l->ids[l->n] = strdup(id);
	return l->ids[l->n++] ? 0 : -ENOMEM;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `ls -p` lines: /inode/mode/uid/gid/name/size/ ; keep directories. */
static int parse_ls(char *text, struct col_list *l)
{
	char *line, *save = NULL, *f[6];
	int i, e = 0;

	for (line = strtok_r(text, "\n", &save); !e && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (*line++ != '/')
			continue;
		for (i = 0; i < 6 && line; i++) {
			f[i] = line;
			line = strchr(line, '/');
			if (line)
				*line++ = '\0';
		}
		if (i < 6 || strncmp(f[1], "040", 3) || f[4][0] == '.')
			continue;
		e = add_id(l, f[4]);
	}
	qsort(l->ids, l->n, sizeof(*l->ids), cmp_str);
	return e;
}

int col_list_runs(const char *image, const struct img_part *res,
		  struct col_list *l, char **errtext)
{
	FILE *of = tmpfile();
	char *text = NULL;
	int e;

	memset(l, 0, sizeof(*l));
	*errtext = NULL;
	if (!of)
		return -errno;
	e = debugfs(image, res, "ls -p /runs", fileno(of), errtext);
	if (absent_runs(e, errtext))
		e = 0;
	else if (!e) {
		text = proc_slurp_fd(fileno(of));
		e = text ? parse_ls(text, l) : -ENOMEM;
	}
	free(text);
	fclose(of);
	if (e)
		col_list_free(l);
	return e;
}

/* rdump `what` (/runs or /runs/<id>) into a new directory under parent;
 * it lands in (*dir)/<basename of what>.  An absent /runs gives an empty
 * (*dir)/runs. */
int col_extract(const char *image, const struct img_part *res,
		const char *what, const char *parent, char **dir,
		char **errtext)
{
	const char *base = strrchr(what, '/');
	char *req = NULL, *out = NULL;
	int e = -ENOMEM;

	*errtext = NULL;
	*dir = fs_mkdtemp(parent, ".twinbench-collect");
	if (!*dir)
		return -errno;
	if (strchr(*dir, '"'))
		e = -EINVAL;	/* cannot be quoted for debugfs */
	req = tb_strdupf("rdump \"%s\" \"%s\"", what, *dir);
	out = fs_join(*dir, base ? base + 1 : what);
	if (req && out && e != -EINVAL) {
		e = debugfs(image, res, req, 0, errtext);
		if (!strcmp(what, "/runs") && absent_runs(e, errtext))
			e = mkdir(out, 0755) ? -errno : 0;
		else if (!e && !fs_exists(out))
			e = -EIO;
	}
	free(req);
	free(out);
	if (e) {
		fs_remove_tree(*dir);
		free(*dir);
		*dir = NULL;
	}
	return e;
}

/* Dump the run again, straight into a temporary under destdir, and rename
 * it into place (for when src is on another file system). */
static int install_direct(const struct col_src *from, const char *id,
			  const char *dest, char **errtext)
{
	char *what = tb_strdupf("/runs/%s", id), *dir = NULL, *copy = NULL;
	char *parent = strdup(dest), *slash;
	int e = -ENOMEM;

	if (what && parent) {
		slash = strrchr(parent, '/');
		if (slash)
			*slash = '\0';
		e = col_extract(from->image, from->res, what,
				slash ? parent : ".", &dir, errtext);
	}
	if (!e) {
		copy = fs_join(dir, id);
		e = !copy ? -ENOMEM : rename(copy, dest) ? -errno : 0;
		fs_remove_tree(dir);
	}
	free(copy);
	free(dir);
	free(parent);
	free(what);
	return e;
}

int col_install(const struct col_src *from, const char *src, const char *id,
		const char *dest, char **errtext)
{
	int same;

	*errtext = NULL;
	if (fs_exists(dest)) {
		same = fs_same_tree(src, dest);
		if (same < 0)
			return same;
		return same ? COL_SAME : COL_DIFFERS;
	}
	if (!rename(src, dest))
		return COL_NEW;
	if (errno != EXDEV)
		return -errno;
	same = install_direct(from, id, dest, errtext);
	return same ? same : COL_NEW;
}

int col_is_done(const char *rundir)
{
	char *p = fs_join(rundir, "DONE");
	int done = p && fs_exists(p);

	free(p);
	return done;
}
