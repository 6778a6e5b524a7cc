/* test_sha256.c - SHA-256 against the FIPS 180-4 example vectors. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "tb_sha256.h"
#include "tb_util.h"

static const char msg448[] =
	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg896[] =
	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
#define HASH_MILLION \
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void test_short(struct tap *t)
{
	char hex[65];

	tb_sha256_hex("", 0, hex);
	tap_str(t, hex, "e3b0c44298fc1c149afbf4c8996fb924"
		"27ae41e4649b934ca495991b7852b855", "empty message");
	tb_sha256_hex("abc", 3, hex);
	tap_str(t, hex, "ba7816bf8f01cfea414140de5dae2223"
		"b00361a396177a9cb410ff61f20015ad", "\"abc\"");
	tb_sha256_hex(msg448, strlen(msg448), hex);
	tap_str(t, hex, "248d6a61d20638b8e5c026930c3e6039"
		"a33ce45964ff2167f6ecedd419db06c1", "448-bit message");
	tb_sha256_hex(msg896, strlen(msg896), hex);
	tap_str(t, hex, "cf5b16a778af8380036ce59e7b049237"
		"0b249b11e8f07a51afac45037afee9d1", "896-bit message");
}

/* One million 'a': in one piece, in odd-sized pieces, and from a file. */
static void test_million(struct tap *t, const char *dir)
{
	static const size_t steps[] = { 1, 63, 64, 65, 1000, 4096, 7 };
	struct tb_sha256 s;
	unsigned char d[32];
	char hex[65], *path;
	char *a = malloc(1000000);
	size_t off = 0, i = 0, n;

	if (!a)
		return;
	memset(a, 'a', 1000000);
	tb_sha256_hex(a, 1000000, hex);
	tap_str(t, hex, HASH_MILLION, "one million 'a'");
	tb_sha256_init(&s);
	while (off < 1000000) {
		n = steps[i++ % 7];
		n = n < 1000000 - off ? n : 1000000 - off;
		tb_sha256_update(&s, a + off, n);
		off += n;
	}
	tb_sha256_final(&s, d);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	tap_str(t, hex, HASH_MILLION, "one million 'a' in uneven pieces");
	tap_ok(t, tb_write_file_atomic(dir, "million", a, 1000000) == 0,
	       "write the million-byte file");
	path = tb_strdupf("%s/million", dir);
	memset(hex, 0, sizeof(hex));
	tap_ok(t, path && tb_sha256_file(path, hex) == 0, "tb_sha256_file");
	tap_str(t, hex, HASH_MILLION, "file hash matches");
	tap_ok(t, tb_sha256_file("/nonexistent/x", hex) < 0,
	       "missing file -> -errno");
	if (path)
		unlink(path);
	free(path);
	free(a);
}

int main(void)
{
	struct tap t = { 0, 0 };
	char dir[4096];

	test_short(&t);
	if (!tap_tmpdir(dir, sizeof(dir), "sha256")) {
		tap_ok(&t, 0, "mkdtemp");
		return tap_done(&t);
	}
	test_million(&t, dir);
	rmdir(dir);
	return tap_done(&t);
}
