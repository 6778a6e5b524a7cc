/* dataset_hash.c - the canonical hash of a data set (format: dataset.h).
 *
 * The walk collects one entry per directory and regular file below the
 * top, hashing each file's contents as it goes; the records are then sorted
 * by path with strcmp (bytewise, unsigned) and hashed as one text.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dataset.h"
#include "tb_sha256.h"

#define HASH_BUF (1 << 20)

struct walk {
	const char *top;
	struct ds_ent *e;
	int64_t n, cap;
	unsigned char *buf;
	int content;
	char *err;
	size_t errn;
};

static int wfail(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int wfail(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->err && w->errn) {
		va_start(ap, fmt);
		vsnprintf(w->err, w->errn, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void hex32(const unsigned char d[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

/* Hash the file's contents; its size is what was read. */
static int hash_file(struct walk *w, const char *path, struct ds_ent *e)
{
	struct tb_sha256 h;
	unsigned char d[32];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return wfail(w, "%s: %s", path, strerror(errno));
	tb_sha256_init(&h);
	e->size = 0;
	while ((r = read(fd, w->buf, HASH_BUF)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			wfail(w, "%s: read: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		tb_sha256_update(&h, w->buf, (size_t)r);
		e->size += r;
	}
	close(fd);
	tb_sha256_final(&h, d);
	hex32(d, e->sha256);
	return 0;
}

/* Append an entry for rel (taken over when 0 is returned); 0 or -1. */
static int add(struct walk *w, char *rel, const struct stat *st)
{
	struct ds_ent *e;

	if (w->n == w->cap) {
		int64_t cap = w->cap ? w->cap * 2 : 1024;

		e = realloc(w->e, (size_t)cap * sizeof(*e));
		if (!e)
			return wfail(w, "%s: out of memory", w->top);
		w->e = e;
		w->cap = cap;
	}
	e = &w->e[w->n++];
	memset(e, 0, sizeof(*e));
	e->path = rel;
	e->is_dir = S_ISDIR(st->st_mode);
	e->size = e->is_dir ? 0 : st->st_size;
	return 0;
}

static int walk_dir(struct walk *w, const char *rel);

/* One name found in directory rel (NULL: the top). */
static int visit(struct walk *w, const char *rel, const char *name)
{
	struct stat st;
	char *sub, *full;
	int rc = -1;

	sub = rel ? tb_strdupf("%s/%s", rel, name) : strdup(name);
	full = sub ? tb_strdupf("%s/%s", w->top, sub) : NULL;
	if (!full)
		rc = wfail(w, "%s: out of memory", w->top);
	else if (strchr(name, '\n'))
		rc = wfail(w, "%s: newline in a name", full);
	else if (lstat(full, &st))
		rc = wfail(w, "%s: %s", full, strerror(errno));
	else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		rc = wfail(w, "%s: not a regular file or directory", full);
	else if (add(w, sub, &st) == 0) {
		const char *path = sub;

		sub = NULL;
		if (S_ISDIR(st.st_mode))
			rc = walk_dir(w, path);
		else
			rc = w->content ? hash_file(w, full,
						    &w->e[w->n - 1]) : 0;
	}
	free(sub);
	free(full);
	return rc;
}

static int walk_dir(struct walk *w, const char *rel)
{
	char *full = rel ? tb_strdupf("%s/%s", w->top, rel) : strdup(w->top);
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (!full)
		return wfail(w, "%s: out of memory", w->top);
	d = opendir(full);
	if (!d) {
		wfail(w, "%s: %s", full, strerror(errno));
		free(full);
		return -1;
	}
	while (rc == 0) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				rc = wfail(w, "%s: readdir: %s", full,
					   strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			rc = visit(w, rel, de->d_name);
	}
	closedir(d);
	free(full);
	return rc;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct ds_ent *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

int ds_ents_sum(const struct ds_ent *e, int64_t n, struct ds_sum *out)
{
	const struct ds_ent **v = malloc(((size_t)n + 1) * sizeof(*v));
	struct tb_sha256 h;
	unsigned char d[32];
	char head[128];
	int64_t i;

	if (!v)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++)
		v[i] = &e[i];
	qsort(v, (size_t)n, sizeof(*v), cmp_ent);
	tb_sha256_init(&h);
	for (i = 0; i < n; i++) {
		if (v[i]->is_dir) {
			out->dirs++;
			snprintf(head, sizeof(head), "d ");
		} else {
			out->files++;
			out->bytes += v[i]->size;
			snprintf(head, sizeof(head), "f %" PRId64 " %s ",
				 v[i]->size, v[i]->sha256);
		}
		tb_sha256_update(&h, head, strlen(head));
		tb_sha256_update(&h, v[i]->path, strlen(v[i]->path));
		tb_sha256_update(&h, "\n", 1);
	}
	tb_sha256_final(&h, d);
	hex32(d, out->sha256);
	free(v);
	return 0;
}

int ds_walk_sum(const char *dir, struct ds_sum *out, int content, char *err,
		size_t n)
{
	struct walk w = { .top = dir, .content = content, .err = err,
			  .errn = n };
	int64_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (content)
		w.buf = malloc(HASH_BUF);
	if (content && !w.buf)
		return wfail(&w, "%s: out of memory", dir);
	if (walk_dir(&w, NULL) == 0) {
		rc = ds_ents_sum(w.e, w.n, out);
		if (rc)
			rc = wfail(&w, "%s: out of memory", dir);
	}
	if (!content)
		out->sha256[0] = '\0';
	for (i = 0; i < w.n; i++)
		free(w.e[i].path);
	free(w.e);
	free(w.buf);
	return rc;
}

int ds_hash(const char *dir, struct ds_sum *out, char *err, size_t n)
{
	return ds_walk_sum(dir, out, 1, err, n);
}
