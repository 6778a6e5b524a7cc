/* dataset.c - specs, plans, writing a plan, and ds_make() with its stamp
 * (see dataset.h; the tree's shape is made in dataset_tree.c, the
 * canonical hash in dataset_hash.c).
 *
 * Durability: files are written with plain buffered write()s of up to
 * 1 MiB and no per-file fsync (23,741 fsyncs cost minutes on a slow disk);
 * one syncfs() of the scratch filesystem makes the whole tree durable
 * before it is renamed into place, and the stamp is written after that.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dataset.h"
#include "tb_sha256.h"

#define DS_BUF (1 << 20)
#define DS_STAMP_MAX 512

void ds_spec_linux(struct ds_spec *s, uint64_t seed)
{
	*s = (struct ds_spec){ DS_TREE, seed, INT64_C(294) << 20, 23741 };
}

void ds_spec_iso(struct ds_spec *s, uint64_t seed)
{
	*s = (struct ds_spec){ DS_FILE, seed, INT64_C(433) << 20, 1 };
}

int ds_spec_check(const struct ds_spec *s)
{
	if (!s || s->bytes < 0 || s->bytes > (INT64_C(1) << 50))
		return -EINVAL;
	if (s->kind == DS_FILE)
		return s->files == 1 ? 0 : -EINVAL;
	if (s->kind != DS_TREE || s->files < 0 || s->files > DS_MAX_FILES)
		return -EINVAL;
	return s->files == 0 && s->bytes > 0 ? -EINVAL : 0;
}

int ds_key(const struct ds_spec *s, char *out, size_t n)
{
	int k;

	if (ds_spec_check(s))
		return -EINVAL;
	k = snprintf(out, n, "%s-%016" PRIx64 "-%" PRId64 "-%" PRId64,
		     s->kind == DS_FILE ? "file" : "tree", s->seed, s->files,
		     s->bytes);
	return k < 0 || (size_t)k >= n ? -ENOSPC : 0;
}

static int plan_file(const struct ds_spec *s, struct ds_plan *p)
{
	p->ent = calloc(1, sizeof(*p->ent));
	if (!p->ent)
		return -ENOMEM;
	p->n = p->files = 1;
	p->bytes = p->ent->size = s->bytes;
	p->ent->seed = ds_file_seed(s->seed, 0);
	p->ent->data = WL_DATA_MIXED;
	p->ent->path = tb_strdupf("twinbench-%016" PRIx64 ".iso", s->seed);
	return p->ent->path ? 0 : -ENOMEM;
}

int ds_plan_make(const struct ds_spec *s, struct ds_plan *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	rc = ds_spec_check(s);
	if (rc == 0)
		rc = s->kind == DS_FILE ? plan_file(s, p) : ds_plan_tree(s, p);
	if (rc)
		ds_plan_free(p);
	return rc;
}

void ds_plan_free(struct ds_plan *p)
{
	int64_t i;

	for (i = 0; p->ent && i < p->n; i++)
		free(p->ent[i].path);
	free(p->ent);
	memset(p, 0, sizeof(*p));
}

static int fail(char *err, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (err && n) {
		va_start(ap, fmt);
		vsnprintf(err, n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Generate one file's bytes (into fd when fd >= 0) and hash them. */
static int gen_file(int fd, struct ds_ent *e, unsigned char *buf)
{
	struct wl_gen g;
	struct tb_sha256 h;
	unsigned char d[32];
	int64_t left = e->size;
	int rc = 0, i;

	wl_gen_init(&g, e->seed, e->data);
	tb_sha256_init(&h);
	while (left > 0 && rc == 0) {
		size_t k = left > DS_BUF ? DS_BUF : (size_t)left;

		wl_gen_fill(&g, buf, k);
		tb_sha256_update(&h, buf, k);
		if (fd >= 0)
			rc = tb_write_all(fd, buf, k);
		left -= (int64_t)k;
	}
	tb_sha256_final(&h, d);
	for (i = 0; i < 32; i++)
		snprintf(e->sha256 + 2 * i, 3, "%02x", d[i]);
	return rc;
}

static int write_ent(int root, struct ds_ent *e, unsigned char *buf)
{
	int fd = -1, rc;

	if (e->is_dir)
		return root < 0 || mkdirat(root, e->path, 0755) == 0 ? 0 :
		       -errno;
	if (root >= 0) {
		fd = openat(root, e->path, O_WRONLY | O_CREAT | O_EXCL |
			    O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
	}
	rc = gen_file(fd, e, buf);
	if (fd >= 0 && close(fd) && rc == 0)
		rc = -errno;
	return rc;
}

int ds_plan_write(const char *dir, struct ds_plan *p, char *err, size_t n)
{
	unsigned char *buf = malloc(DS_BUF);
	int root = -1, rc = 0;
	int64_t i;

	if (!buf)
		return fail(err, n, "%s: out of memory", dir ? dir : "plan");
	if (dir) {
		root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (root < 0) {
			rc = fail(err, n, "%s: %s", dir, strerror(errno));
			goto out;
		}
	}
	for (i = 0; i < p->n && rc == 0; i++) {
		int e = write_ent(root, &p->ent[i], buf);

		if (e)
			rc = fail(err, n, "%s/%s: %s", dir ? dir : "",
				  p->ent[i].path, strerror(-e));
	}
	if (rc == 0 && root >= 0 && syncfs(root))
		rc = fail(err, n, "%s: syncfs: %s", dir, strerror(errno));
out:
	if (root >= 0)
		close(root);
	free(buf);
	return rc;
}

int ds_sum_spec(const struct ds_spec *s, struct ds_sum *out)
{
	struct ds_plan p;
	int rc = ds_plan_make(s, &p);

	if (rc)
		return rc;
	rc = ds_plan_write(NULL, &p, NULL, 0) ? -ENOMEM : 0;
	if (rc == 0)
		rc = ds_ents_sum(p.ent, p.n, out);
	ds_plan_free(&p);
	return rc;
}

static int stamp_text(const char *key, const struct ds_sum *s, char *out,
		      size_t n)
{
	int k = snprintf(out, n, "twinbench-dataset %d\nkey %s\nfiles %"
			 PRId64 "\ndirs %" PRId64 "\nbytes %" PRId64
			 "\nsha256 %s\n", DS_VERSION, key, s->files, s->dirs,
			 s->bytes, s->sha256);

	return k < 0 || (size_t)k >= n ? -ENOSPC : 0;
}

/* 1 when stamp is what this build writes for key and dir has the
 * stamp's shape (counts and bytes; no content is read). */
static int stamp_ok(const char *dir, const char *stamp, const char *key)
{
	char *txt = NULL, want[DS_STAMP_MAX], k[128];
	struct ds_sum s, now;
	int v, ok = 0;

	if (tb_read_file(stamp, &txt, NULL))
		return 0;
	if (sscanf(txt, "twinbench-dataset %d key %127s files %" SCNd64
		   " dirs %" SCNd64 " bytes %" SCNd64 " sha256 %64s", &v, k,
		   &s.files, &s.dirs, &s.bytes, s.sha256) == 6 &&
	    v == DS_VERSION && !strcmp(k, key) &&
	    stamp_text(key, &s, want, sizeof(want)) == 0 &&
	    !strcmp(txt, want))
		ok = ds_walk_sum(dir, &now, 0, NULL, 0) == 0 &&
		     now.files == s.files && now.dirs == s.dirs &&
		     now.bytes == s.bytes;
	free(txt);
	return ok;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? errno : 0;
}

static int rm_rf(const char *path, char *err, size_t n)
{
	struct stat st;
	int rc;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 :
		       fail(err, n, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		rc = unlink(path) ? errno : 0;
	else
		rc = nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (rc == -1)
		rc = errno;
	return rc ? fail(err, n, "%s: remove: %s", path, strerror(rc)) : 0;
}

struct mk {
	const char *dir;
	char *stamp, *tmp, *parent, *name;	/* name: of the stamp */
	char key[128];
};

/* The stamp of a written plan, written last. */
static int write_stamp(struct mk *m, const struct ds_plan *p, char *err,
		       size_t n)
{
	char text[DS_STAMP_MAX];
	struct ds_sum sum;
	int rc;

	rc = tb_fsync_dir(m->parent);
	if (rc)
		return fail(err, n, "%s: fsync: %s", m->parent, strerror(-rc));
	rc = ds_ents_sum(p->ent, p->n, &sum);
	if (rc == 0)
		rc = stamp_text(m->key, &sum, text, sizeof(text));
	if (rc == 0)
		rc = tb_write_file_atomic(m->parent, m->name, text,
					  strlen(text));
	return rc ? fail(err, n, "%s: %s", m->stamp, strerror(-rc)) : 0;
}

static int generate(struct mk *m, const struct ds_spec *s, char *err,
		    size_t n)
{
	struct ds_plan p;
	int rc;

	if (unlink(m->stamp) == 0)
		tb_fsync_dir(m->parent);
	else if (errno != ENOENT)
		return fail(err, n, "%s: %s", m->stamp, strerror(errno));
	if (rm_rf(m->dir, err, n) || rm_rf(m->tmp, err, n))
		return -1;
	rc = ds_plan_make(s, &p);
	if (rc)
		return fail(err, n, "%s: %s", m->dir, strerror(-rc));
	if (mkdir(m->tmp, 0755))
		rc = fail(err, n, "%s: %s", m->tmp, strerror(errno));
	else
		rc = ds_plan_write(m->tmp, &p, err, n);
	if (rc == 0 && rename(m->tmp, m->dir))
		rc = fail(err, n, "%s: rename: %s", m->tmp, strerror(errno));
	if (rc == 0)
		rc = write_stamp(m, &p, err, n);
	ds_plan_free(&p);
	return rc;
}

/* dir without trailing slashes: its parent and the stamp's name in it */
static int mk_paths(struct mk *m, const char *dir)
{
	size_t len = strlen(dir);
	char *d, *slash;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	d = strndup(dir, len);
	if (!d)
		return -ENOMEM;
	slash = strrchr(d, '/');
	m->stamp = tb_strdupf("%s.stamp", d);
	m->tmp = tb_strdupf("%s.tmp", d);
	m->name = tb_strdupf("%s.stamp", slash ? slash + 1 : d);
	if (!slash)
		m->parent = strdup(".");
	else
		m->parent = slash == d ? strdup("/") : strndup(d, slash - d);
	free(d);
	return m->stamp && m->tmp && m->name && m->parent ? 0 : -ENOMEM;
}

int ds_make(const char *dir, const struct ds_spec *s, char *err, size_t n)
{
	struct mk m = { .dir = dir };
	int rc;

	if (ds_key(s, m.key, sizeof(m.key)))
		return fail(err, n, "%s: invalid data set spec", dir);
	if (!*dir || mk_paths(&m, dir))
		rc = fail(err, n, "%s: %s", dir, *dir ? "out of memory" :
			  "empty path");
	else if (stamp_ok(dir, m.stamp, m.key))
		rc = 0;
	else
		rc = generate(&m, s, err, n);
	free(m.stamp);
	free(m.tmp);
	free(m.parent);
	free(m.name);
	return rc;
}
