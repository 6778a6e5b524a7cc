/* build_fs.c - copy, count and remove directory trees (build workload). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "build_fs.h"
#include "tb_util.h"

/* Every function visits the entries of one directory with this. */
typedef int (*bfs_entry_fn)(const char *path, const struct stat *st,
			    void *arg, char **where);

static int fail_at(int err, const char *path, char **where)
{
	if (where && !*where)
		*where = strdup(path);
	return err;
}

/* Call fn on each entry of dir (not . and ..), with its lstat. */
static int bfs_each(const char *dir, bfs_entry_fn fn, void *arg,
		    char **where)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char *p;
	int rc = 0;

	if (!d)
		return fail_at(-errno, dir, where);
	while (rc == 0 && (errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = tb_strdupf("%s/%s", dir, e->d_name);
		if (!p)
			rc = -ENOMEM;
		else if (lstat(p, &st) < 0)
			rc = fail_at(-errno, p, where);
		else
			rc = fn(p, &st, arg, where);
		free(p);
	}
	if (rc == 0 && errno)
		rc = fail_at(-errno, dir, where);
	closedir(d);
	return rc;
}

static int copy_file(const char *src, const char *dst, mode_t mode,
		     char **where)
{
	char buf[32768];
	ssize_t n;
	int in, out, rc = 0;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail_at(-errno, src, where);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0) {
		rc = fail_at(-errno, dst, where);
		close(in);
		return rc;
	}
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR)
			rc = fail_at(-errno, src, where);
		else if (n > 0 && (rc = tb_write_all(out, buf, (size_t)n)))
			fail_at(rc, dst, where);
	}
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = fail_at(-errno, dst, where);
	return rc;
}

struct copy_arg {
	size_t src_len;		/* length of the source root */
	const char *dst;	/* destination root */
};

static int copy_entry(const char *path, const struct stat *st, void *arg,
		      char **where)
{
	const struct copy_arg *ca = arg;
	char *to = tb_strdupf("%s%s", ca->dst, path + ca->src_len);
	int rc = 0;

	if (!to)
		return -ENOMEM;
	if (S_ISDIR(st->st_mode)) {
		if (mkdir(to, (st->st_mode & 07777) | 0700) < 0)
			rc = fail_at(-errno, to, where);
		else
			rc = bfs_each(path, copy_entry, arg, where);
	} else if (S_ISREG(st->st_mode)) {
		rc = copy_file(path, to, st->st_mode & 07777, where);
	}
	free(to);
	return rc;
}

int bfs_copy_tree(const char *src, const char *dst, char **where)
{
	struct copy_arg ca = { strlen(src), dst };
	struct stat st;

	if (stat(src, &st) < 0)
		return fail_at(-errno, src, where);
	if (!S_ISDIR(st.st_mode))
		return fail_at(-ENOTDIR, src, where);
	if (mkdir(dst, (st.st_mode & 07777) | 0700) < 0)
		return fail_at(-errno, dst, where);
	return bfs_each(src, copy_entry, &ca, where);
}

struct count_arg {
	const char *suffix;
	long n;
};

static int count_entry(const char *path, const struct stat *st, void *arg,
		       char **where)
{
	struct count_arg *c = arg;
	size_t len = strlen(path), sl = strlen(c->suffix);

	if (S_ISDIR(st->st_mode))
		return bfs_each(path, count_entry, arg, where);
	if (S_ISREG(st->st_mode) && len > sl &&
	    !strcmp(path + len - sl, c->suffix) && path[len - sl - 1] != '/')
		c->n++;
	return 0;
}

int bfs_count(const char *dir, const char *suffix, long *n, char **where)
{
	struct count_arg c = { suffix, 0 };
	int rc = bfs_each(dir, count_entry, &c, where);

	*n = c.n;
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, void *arg,
			char **where)
{
	int rc;

	if (!S_ISDIR(st->st_mode))
		return unlink(path) < 0 ? fail_at(-errno, path, where) : 0;
	rc = bfs_each(path, remove_entry, arg, where);
	if (rc == 0 && rmdir(path) < 0)
		rc = fail_at(-errno, path, where);
	return rc;
}

int bfs_remove_tree(const char *path, char **where)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail_at(-errno, path, where);
	return remove_entry(path, &st, NULL, where);
}
