/* test_util.c - clocks, seeded data, hashing and durable files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "tb_util.h"

static void test_clocks_rng(struct tap *t)
{
	struct tb_rng a, b;
	uint64_t t0, t1, x;
	int i, same = 1;

	t0 = tb_now_ns();
	t1 = tb_now_ns();
	tap_ok(t, t0 > 0 && t1 >= t0, "monotonic clock moves forward");
	tap_ok(t, tb_wall_ns() > 1500000000ULL * 1000000000ULL,
	       "wall clock after 2017");
	tb_rng_seed(&a, 0);
	tap_ok(t, a.s[0] == 0xe220a8397b1dcdafULL,
	       "splitmix64(0) first output seeds s[0]");
	tb_rng_seed(&a, 42);
	tb_rng_seed(&b, 42);
	for (i = 0; i < 1000; i++)
		same &= tb_rng_next(&a) == tb_rng_next(&b);
	tap_ok(t, same, "same seed, same sequence");
	tb_rng_seed(&b, 43);
	x = tb_rng_next(&b);
	tap_ok(t, x != tb_rng_next(&a), "different seed, different data");
	tap_ok(t, tb_hash_str("") == 0xcbf29ce484222325ULL &&
	       tb_hash_str("a") == 0xaf63dc4c8601ec8cULL &&
	       tb_hash_str("foobar") == 0x85944171f73967e8ULL,
	       "FNV-1a 64 test vectors");
}

static void test_files(struct tap *t, const char *dir)
{
	char *sub = tb_strdupf("%s/a/b/c", dir), *path, *tmp, *data = NULL;
	size_t len = 0;
	struct stat st;

	tap_ok(t, sub && tb_mkdir_p(sub, 0755) == 0, "mkdir -p a/b/c");
	tap_ok(t, tb_mkdir_p(sub, 0755) == 0, "mkdir -p again is fine");
	tap_ok(t, tb_write_file_atomic(sub, "f.json", "{\"x\":1}\n", 8) == 0,
	       "atomic write");
	path = tb_strdupf("%s/f.json", sub);
	tmp = tb_strdupf("%s/.f.json.tmp", sub);
	tap_ok(t, tb_read_file(path, &data, &len) == 0 && len == 8 &&
	       !strcmp(data, "{\"x\":1}\n"), "read back");
	free(data);
	tap_ok(t, stat(tmp, &st) == -1 && errno == ENOENT,
	       "no temporary file left");
	tap_ok(t, tb_write_file_atomic(sub, "f.json", "new", 3) == 0 &&
	       tb_read_file(path, &data, NULL) == 0 && !strcmp(data, "new"),
	       "atomic replace");
	free(data);
	tap_ok(t, tb_write_file_atomic(sub, "x/y", "", 0) == -EINVAL,
	       "name with '/' rejected");
	tap_ok(t, tb_read_file("/nonexistent/f", &data, &len) == -ENOENT &&
	       data == NULL, "missing file -> -ENOENT");
	tap_ok(t, tb_mkdir_p(path, 0755) == -ENOTDIR ||
	       tb_mkdir_p(path, 0755) == -EEXIST, "mkdir -p over a file fails");
	tap_ok(t, tb_fsync_dir(sub) == 0, "fsync dir");
	unlink(path);
	free(path);
	free(tmp);
	free(sub);
}

static void test_append(struct tap *t, const char *dir)
{
	char *path = tb_strdupf("%s/samples.jsonl", dir), *data = NULL;
	char *big = malloc(300000);
	int fd, fds[2];
	size_t len;

	fd = path ? open(path, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;
	tap_ok(t, fd >= 0 && tb_append_fsync(fd, "one\n", 4) == 0 &&
	       tb_append_fsync(fd, "two\n", 4) == 0, "append + fsync");
	if (fd >= 0)
		close(fd);
	tap_ok(t, tb_read_file(path, &data, &len) == 0 &&
	       !strcmp(data, "one\ntwo\n"), "appended lines read back");
	free(data);
	if (pipe(fds) == 0) {
		tap_ok(t, tb_append_fsync(fds[1], "p\n", 2) == 0,
		       "append to a pipe (cannot be synced) succeeds");
		close(fds[0]);
		close(fds[1]);
	}
	if (big) {
		memset(big, 'x', 300000);
		fd = open(path, O_WRONLY | O_TRUNC);
		tap_ok(t, fd >= 0 && tb_append_fsync(fd, big, 300000) == 0,
		       "large append");
		close(fd);
		tap_ok(t, tb_read_file(path, &data, &len) == 0 &&
		       len == 300000 && !memcmp(data, big, len),
		       "large file read back whole");
		free(data);
	}
	tap_ok(t, tb_append_fsync(-1, "x", 1) == -EBADF, "bad fd -> -EBADF");
	unlink(path);
	free(path);
	free(big);
}

int main(void)
{
	struct tap t = { 0, 0 };
	char dir[4096], *p;

	test_clocks_rng(&t);
	if (!tap_tmpdir(dir, sizeof(dir), "util")) {
		tap_ok(&t, 0, "mkdtemp");
		return tap_done(&t);
	}
	test_files(&t, dir);
	test_append(&t, dir);
	tap_str(&t, p = tb_strdupf("%s-%04d", "run", 3), "run-0003",
		"tb_strdupf");
	free(p);
	p = tb_strdupf("rm -rf '%s'", dir);
	if (p && system(p) != 0)
		printf("# could not remove %s\n", dir);
	free(p);
	return tap_done(&t);
}
