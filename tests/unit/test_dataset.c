/* test_dataset.c - the transfer workload's data sets (workloads/dataset.h):
 * exact shape, determinism, the canonical hash, reuse and regeneration. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "tap.h"
#include "tb_sha256.h"
#include "tb_util.h"

/* ds_hash of the 300-file, 2 MiB tree of seed 1: pins the generator, the
 * same in the glibc and the musl build.  Bump DS_VERSION with it. */
#define SMALL_SHA \
	"9b5321ec201cb49e1fd22e9e7f0be5efcb9de4c72eb45780ca09e7c503f4163a"

static const struct ds_spec small = { DS_TREE, 1, 2 << 20, 300 };

static void test_specs(struct tap *t)
{
	struct ds_spec s, bad = { DS_FILE, 1, 10, 2 };
	char key[64], tiny[8];

	ds_spec_linux(&s, 0x2a);
	tap_ok(t, s.kind == DS_TREE && s.files == 23741 &&
	       s.bytes == 294 << 20 && s.seed == 0x2a, "ds_spec_linux");
	ds_key(&s, key, sizeof(key));
	tap_str(t, key, "tree-000000000000002a-23741-308281344", "tree key");
	ds_spec_iso(&s, 7);
	ds_key(&s, key, sizeof(key));
	tap_str(t, key, "file-0000000000000007-1-454033408", "file key");
	tap_ok(t, ds_key(&s, tiny, sizeof(tiny)) == -ENOSPC, "short key "
	       "buffer: -ENOSPC");
	tap_ok(t, ds_key(&bad, key, sizeof(key)) == -EINVAL &&
	       ds_spec_check(&(struct ds_spec){ DS_TREE, 1, 5, 0 }) ==
	       -EINVAL && ds_spec_check(&(struct ds_spec){ DS_TREE, 1, -1,
	       3 }) == -EINVAL, "bad specs: -EINVAL");
}

/* Sizes sum to bytes exactly; depth and directory count plausible. */
static void test_plan(struct tap *t)
{
	static const struct ds_spec edge[] = {
		{ DS_TREE, 3, 0, 0 }, { DS_TREE, 3, 0, 1 },
		{ DS_TREE, 3, 3, 5 }, { DS_TREE, 3, 1000003, 17 },
	};
	struct ds_plan p;
	int64_t i, sum = 0, depth = 0, n = 0;
	size_t k;
	int ok = 1;

	tap_ok(t, ds_plan_make(&small, &p) == 0, "plan of 300 files, 2 MiB");
	for (i = 0; i < p.n; i++) {
		const char *c = p.ent[i].path;
		int64_t d = 1;

		for (; *c; c++)
			d += *c == '/';
		depth = d > depth ? d : depth;
		sum += p.ent[i].size;
		n += !p.ent[i].is_dir;
		ok &= p.ent[i].size >= 0;
	}
	tap_ok(t, ok && n == 300 && sum == 2 << 20 && p.files == 300,
	       "300 files of 2 MiB in all, none negative");
	tap_ok(t, depth >= 3 && depth <= DS_MAX_DEPTH + 1, "depth %d in "
	       "3..8", (int)depth);
	tap_ok(t, p.dirs >= 300 / 40 && p.dirs <= 300 / 8, "%d directories",
	       (int)p.dirs);
	ds_plan_free(&p);
	for (k = 0, ok = 1; k < sizeof(edge) / sizeof(edge[0]); k++) {
		ok &= ds_plan_make(&edge[k], &p) == 0 &&
		      p.files == edge[k].files && p.bytes == edge[k].bytes;
		ds_plan_free(&p);
	}
	tap_ok(t, ok, "edge specs (0 files, 1 empty file, 3 bytes in 5 "
	       "files) are exact");
}

static int put(const char *top, const char *rel, const char *data)
{
	char *p = tb_strdupf("%s/%s", top, rel);
	int fd = p ? open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
	int rc = fd < 0 ? -1 : tb_write_all(fd, data, strlen(data));

	if (fd >= 0)
		close(fd);
	free(p);
	return rc;
}

static int sub(const char *top, const char *rel)
{
	char *p = tb_strdupf("%s/%s", top, rel);
	int rc = p ? mkdir(p, 0755) : -1;

	free(p);
	return rc;
}

/* The documented format, recomputed here from its definition. */
static void want_hash(char hex[65])
{
	char e[65], x[65], h[65], *txt;

	tb_sha256_hex("", 0, e);
	tb_sha256_hex("x", 1, x);
	tb_sha256_hex("hello\n", 6, h);
	txt = tb_strdupf("d a\nf 0 %s a-c\nf 1 %s a/b\nf 6 %s b\n", e, x,
			 h);
	tb_sha256_hex(txt, txt ? strlen(txt) : 0, hex);
	free(txt);
}

/* The same tree made in two orders, with other modes and times. */
static void test_canonical(struct tap *t, const char *dir)
{
	char *a = tb_strdupf("%s/c1", dir), *b = tb_strdupf("%s/c2", dir);
	char *f = tb_strdupf("%s/c2/a/b", dir), want[65], err[256];
	struct ds_sum s1, s2;
	int ok;

	ok = a && b && f && !mkdir(a, 0755) && !mkdir(b, 0755) &&
	     !put(a, "b", "hello\n") && !put(a, "a-c", "") &&
	     !sub(a, "a") && !put(a, "a/b", "x") &&
	     !sub(b, "a") && !put(b, "a/b", "x") && !put(b, "a-c", "") &&
	     !put(b, "b", "hello\n") && !chmod(f, 0600) &&
	     !utimensat(AT_FDCWD, f, (struct timespec[2]){ { 1, 0 },
			{ 1, 0 } }, 0);
	tap_ok(t, ok, "two hand-made trees");
	want_hash(want);
	ok = ds_hash(a, &s1, err, sizeof(err)) == 0 &&
	     ds_hash(b, &s2, err, sizeof(err)) == 0;
	tap_ok(t, ok && s1.files == 3 && s1.dirs == 1 && s1.bytes == 7,
	       "ds_hash counts 3 files, 1 directory, 7 bytes");
	tap_str(t, s1.sha256, want, "hash is the documented format");
	tap_str(t, s2.sha256, s1.sha256, "independent of creation order, "
		"modes and times");
	ok = put(a, "a-c", "!") == 0 && ds_hash(a, &s2, err, sizeof(err))
	     == 0;
	tap_ok(t, ok && strcmp(s1.sha256, s2.sha256), "a changed byte "
	       "changes the hash");
	ok = symlink("b", f) && errno == EEXIST && !unlink(f) &&
	     !symlink("b", f) && ds_hash(b, &s2, err, sizeof(err)) == -1;
	tap_ok(t, ok && strstr(err, "c2/a/b"), "a symlink is an error "
	       "naming it: %s", err);
	free(a);
	free(b);
	free(f);
}

static int stat_of(const char *dir, const char *rel, struct stat *st)
{
	char *p = tb_strdupf("%s/%s", dir, rel);
	int rc = p ? stat(p, st) : -1;

	free(p);
	return rc;
}

/* The first non-empty file of the plan, to look at on disk. */
static const char *some_file(const struct ds_plan *p)
{
	int64_t i;

	for (i = 0; i < p->n; i++)
		if (!p->ent[i].is_dir && p->ent[i].size > 0)
			return p->ent[i].path;
	return "";
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void check_set(struct tap *t, const char *d, const char *what,
		      struct ds_sum *s)
{
	char err[256], *tmp = tb_strdupf("%s.tmp", d);
	struct stat st;

	tap_ok(t, ds_hash(d, s, err, sizeof(err)) == 0 && s->files == 300 &&
	       s->bytes == 2 << 20, "%s: 300 files, 2 MiB on disk", what);
	tap_ok(t, tmp && stat(tmp, &st) == -1 && errno == ENOENT,
	       "%s: no .tmp left", what);
	free(tmp);
}

static void test_make(struct tap *t, const char *dir, struct ds_sum *s1)
{
	char *a = tb_strdupf("%s/a", dir), *b = tb_strdupf("%s/b", dir);
	char *st_a = tb_strdupf("%s/a.stamp", dir), *txt = NULL, err[256];
	struct ds_spec other = small;
	struct ds_sum s2, s3;

	tap_ok(t, ds_make(a, &small, err, sizeof(err)) == 0, "ds_make %s",
	       a);
	check_set(t, a, "a", s1);
	tap_str(t, s1->sha256, SMALL_SHA, "the known hash of the small set");
	tap_ok(t, tb_read_file(st_a, &txt, NULL) == 0 && strstr(txt,
	       s1->sha256) && strstr(txt, "key tree-0000000000000001-300-"),
	       "stamp holds key and hash");
	tap_ok(t, ds_make(b, &small, err, sizeof(err)) == 0, "again into b");
	check_set(t, b, "b", &s2);
	tap_str(t, s2.sha256, s1->sha256, "same spec, same hash");
	tap_ok(t, ds_sum_spec(&small, &s3) == 0 && !strcmp(s3.sha256,
	       s1->sha256), "ds_sum_spec gives it without a disk");
	other.seed = 2;
	tap_ok(t, ds_sum_spec(&other, &s3) == 0 && strcmp(s3.sha256,
	       s1->sha256) && s3.files == 300, "another seed, another hash");
	free(txt);
	free(a);
	free(b);
	free(st_a);
}

/* Reuse with a good stamp; regenerate after any damage. */
static void test_reuse(struct tap *t, const char *dir, const char *sha)
{
	char *a = tb_strdupf("%s/a", dir), *path = NULL, err[256];
	struct ds_spec other = small;
	struct ds_plan p;
	struct ds_sum s;
	struct stat x, y;
	const char *f;

	ds_plan_make(&small, &p);
	f = some_file(&p);
	stat_of(a, f, &x);
	tap_ok(t, ds_make(a, &small, err, sizeof(err)) == 0 &&
	       stat_of(a, f, &y) == 0 && same_file(&x, &y),
	       "stamped set reused: %s not rewritten", f);
	tap_ok(t, tb_write_file_atomic(dir, "a.stamp", "junk\n", 5) == 0 &&
	       ds_make(a, &small, err, sizeof(err)) == 0 &&
	       stat_of(a, f, &y) == 0 && !same_file(&x, &y),
	       "corrupted stamp: regenerated");
	check_set(t, a, "regenerated a", &s);
	tap_str(t, s.sha256, sha, "regenerated a has the hash");
	other.files = 299;
	tap_ok(t, ds_make(a, &other, err, sizeof(err)) == 0 &&
	       ds_hash(a, &s, err, sizeof(err)) == 0 && s.files == 299,
	       "a stamp of another spec: regenerated");
	ds_make(a, &small, err, sizeof(err));
	path = tb_strdupf("%s/%s", a, f);
	tap_ok(t, path && truncate(path, 1) == 0 &&
	       ds_hash(a, &s, err, sizeof(err)) == 0 &&
	       strcmp(s.sha256, sha), "a truncated file changes the hash");
	tap_ok(t, ds_make(a, &small, err, sizeof(err)) == 0 &&
	       ds_hash(a, &s, err, sizeof(err)) == 0 &&
	       !strcmp(s.sha256, sha), "ds_make sees the truncated file and "
	       "regenerates");
	ds_plan_free(&p);
	free(path);
	free(a);
}

/* One file of WL_DATA_MIXED named after the seed. */
static void test_file(struct tap *t, const char *dir)
{
	struct ds_spec s = { DS_FILE, 5, (1 << 20) + 3, 1 };
	char *d = tb_strdupf("%s/iso", dir), *f = NULL, *data = NULL;
	unsigned char *want = malloc((1 << 20) + 3);
	char err[256];
	struct ds_sum sum;
	struct wl_gen g;
	size_t len = 0;

	tap_ok(t, d && want && ds_make(d, &s, err, sizeof(err)) == 0 &&
	       ds_hash(d, &sum, err, sizeof(err)) == 0 && sum.files == 1 &&
	       sum.dirs == 0 && sum.bytes == (1 << 20) + 3, "DS_FILE: one "
	       "file of 1 MiB + 3");
	f = tb_strdupf("%s/twinbench-0000000000000005.iso", d);
	if (want) {
		wl_gen_init(&g, ds_file_seed(5, 0), WL_DATA_MIXED);
		wl_gen_fill(&g, want, (1 << 20) + 3);
	}
	tap_ok(t, f && want && tb_read_file(f, &data, &len) == 0 &&
	       len == (1 << 20) + 3 && !memcmp(data, want, len),
	       "twinbench-<seed>.iso holds wl_gen's mixed data of its seed");
	free(data);
	free(want);
	free(f);
	free(d);
}

static void test_errors(struct tap *t, const char *dir)
{
	char *d = tb_strdupf("%s/no/such", dir), err[256] = "";
	struct ds_spec bad = small;
	struct ds_sum s;

	tap_ok(t, d && ds_make(d, &small, err, sizeof(err)) == -1 &&
	       strstr(err, "/no/such"), "missing parent: %s", err);
	tap_ok(t, ds_hash(d, &s, err, sizeof(err)) == -1 &&
	       strstr(err, "/no/such"), "ds_hash of nothing: %s", err);
	bad.files = -1;
	tap_ok(t, ds_make(d, &bad, err, sizeof(err)) == -1 &&
	       strstr(err, "/no/such") && strstr(err, "spec"),
	       "bad spec: %s", err);
	free(d);
}

int main(void)
{
	struct tap t = { 0 };
	struct ds_sum sum;
	char dir[256];

	if (!tap_tmpdir(dir, sizeof(dir), "dataset"))
		return tap_ok(&t, 0, "mkdtemp"), tap_done(&t);
	test_specs(&t);
	test_plan(&t);
	test_canonical(&t, dir);
	test_make(&t, dir, &sum);
	test_reuse(&t, dir, sum.sha256);
	test_file(&t, dir);
	test_errors(&t, dir);
	if (!t.failed) {
		char *cmd = tb_strdupf("rm -rf '%s'", dir);

		if (cmd && system(cmd) != 0)
			printf("# could not remove %s\n", dir);
		free(cmd);
	}
	return tap_done(&t);
}
