/* fsutil.c - temporary directories, removing and comparing trees. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "tb_util.h"

char *fs_join(const char *dir, const char *name)
{
	return tb_strdupf("%s/%s", dir, name);
}

/* parent NULL: $TMPDIR or /tmp. */
char *fs_mkdtemp(const char *parent, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (!parent)
		parent = tmp && *tmp ? tmp : "/tmp";
	path = tb_strdupf("%s/%s.XXXXXX", parent, prefix);
	if (path && !mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) ? -1 : 0;
	return unlink(path) ? -1 : 0;
}

int fs_remove_tree(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS))
		return errno ? -errno : -EIO;
	return 0;
}

int fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int fs_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int e = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) == EOF)
		e = -errno;
	if (fclose(f) && !e)
		e = -errno;
	return e;
}

static int same_file(const char *a, const char *b)
{
	char ba[8192], bb[8192];
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = -1, r = -EIO;
	ssize_t na, nb;

	if (fa >= 0)
		fb = open(b, O_RDONLY | O_CLOEXEC);
	if (fa < 0 || fb < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		na = read(fa, ba, sizeof(ba));
		nb = read(fb, bb, sizeof(bb));
		if (na < 0 || nb < 0) {
			r = -errno;
			break;
		}
		if (na != nb || memcmp(ba, bb, (size_t)na)) {
			r = 0;
			break;
		}
		if (na == 0) {
			r = 1;
			break;
		}
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return r;
}

static int same_link(const char *a, const char *b)
{
	char la[4096], lb[4096];
	ssize_t na = readlink(a, la, sizeof(la));
	ssize_t nb = readlink(b, lb, sizeof(lb));

	if (na < 0 || nb < 0)
		return -errno;
	return na == nb && !memcmp(la, lb, (size_t)na);
}

static int same_dir(const char *a, const char *b);

static int same_node(const char *a, const char *b)
{
	struct stat sa, sb;

	if (lstat(a, &sa) || lstat(b, &sb))
		return errno == ENOENT ? 0 : -errno;
	if ((sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT))
		return 0;
	if (S_ISDIR(sa.st_mode))
		return same_dir(a, b);
	if (S_ISLNK(sa.st_mode))
		return same_link(a, b);
	if (S_ISREG(sa.st_mode))
		return sa.st_size == sb.st_size ?
		       same_file(a, b) : 0;
	return 1;	/* devices, fifos: the type is all there is */
}

static int no_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static void free_list(struct dirent **l, int n)
{
	for (int i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* Same names (sorted) and, one by one, the same content. */
static int same_dir(const char *a, const char *b)
{
	struct dirent **la = NULL, **lb = NULL;
	int na = scandir(a, &la, no_dots, alphasort), nb = -1, i, r = 1;
	char *pa, *pb;

	if (na >= 0)
		nb = scandir(b, &lb, no_dots, alphasort);
	if (na < 0 || nb < 0)
		r = -errno;
	else if (na != nb)
		r = 0;
	for (i = 0; r == 1 && i < na; i++) {
		if (strcmp(la[i]->d_name, lb[i]->d_name)) {
			r = 0;
			break;
		}
		pa = fs_join(a, la[i]->d_name);
		pb = fs_join(b, lb[i]->d_name);
		r = pa && pb ? same_node(pa, pb) : -ENOMEM;
		free(pa);
		free(pb);
	}
	if (na >= 0)
		free_list(la, na);
	if (nb >= 0)
		free_list(lb, nb);
	return r;
}

int fs_same_tree(const char *a, const char *b)
{
	return same_node(a, b);
}
