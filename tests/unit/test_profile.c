/* test_profile.c - the profile parser: a valid profile and every error
 * class, each checked for its exact "file:line: message". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tb_profile.h"

/* Test data: a tiny fake workload table. */
struct fake_compress {
	int64_t size, level;
};

struct fake_seqio {
	int mode, fsync;
};

static const char *const fake_modes[] = { "copy", "zero", NULL };

static const struct tb_opt fake_compress_opts[] = {
	{ "size", TB_OPT_SIZE, offsetof(struct fake_compress, size), 1024,
	  1099511627776.0, "32M", "input bytes", NULL },
	{ "level", TB_OPT_INT, offsetof(struct fake_compress, level), 1, 9,
	  "9", "level", NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct tb_opt fake_seqio_opts[] = {
	{ "mode", TB_OPT_ENUM, offsetof(struct fake_seqio, mode), 0, 0,
	  "zero", "mode", fake_modes },
	{ "fsync", TB_OPT_BOOL, offsetof(struct fake_seqio, fsync), 0, 0,
	  "yes", "fsync", NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct tb_workload fake_wl[] = {
	{ .name = "compress", .help = "fake", .opts = fake_compress_opts,
	  .params_size = sizeof(struct fake_compress) },
	{ .name = "seqio", .help = "fake", .opts = fake_seqio_opts,
	  .params_size = sizeof(struct fake_seqio) },
};

static const struct tb_workload *fake_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fake_wl) / sizeof(fake_wl[0]); i++)
		if (!strcmp(fake_wl[i].name, name))
			return &fake_wl[i];
	return NULL;
}

static const char valid[] =
	"# a comment\n"
	"[profile]\n"
	"description = Camargos et al. 2008, C# step 1   # trailing\n"
	"repeat = 4          # runs per instance\n"
	"  discard=1\n"
	"timeout = 1800\r\n"
	"seed = 42\n"
	"\n"
	"[compress]   # the first instance\n"
	"level = 5\n"
	"workload = compress\n"
	"size = 433M\n"
	"\t# indented comment\n"
	"[io.seq-1]\n"
	"workload = seqio\n"
	"repeat = 6\n"
	"discard = 2\n"
	"mode = copy";

static void test_valid(struct tap *t)
{
	struct tb_profile p;
	char err[512] = "";
	const struct fake_compress *c;
	const struct fake_seqio *s;
	int rc;

	rc = tb_profile_parse("profiles/smoke.profile", valid, fake_lookup, &p,
			      err, sizeof(err));
	if (!tap_ok(t, rc == 0, "valid profile parses")) {
		printf("# %s\n", err);
		return;
	}
	tap_str(t, p.name, "smoke", "name from basename");
	tap_str(t, p.description, "Camargos et al. 2008, C# step 1",
		"description trimmed, '#' kept inside a word");
	tap_ok(t, p.repeat == 4 && p.discard == 1 && p.timeout == 1800 &&
	       p.seed == 42, "[profile] values");
	tap_ok(t, p.ninst == 2, "two instances");
	if (p.ninst != 2)
		goto out;
	c = p.inst[0].params;
	tap_ok(t, !strcmp(p.inst[0].name, "compress") &&
	       p.inst[0].wl == &fake_wl[0] && p.inst[0].line == 9 &&
	       c->size == 433LL << 20 && c->level == 5,
	       "instance 1: options, workload named after them");
	tap_ok(t, p.inst[0].repeat == 4 && p.inst[0].discard == 1 &&
	       p.inst[0].timeout == 1800, "instance 1 inherits [profile]");
	s = p.inst[1].params;
	tap_ok(t, !strcmp(p.inst[1].name, "io.seq-1") &&
	       p.inst[1].wl == &fake_wl[1] && s->mode == 0 && s->fsync == 1,
	       "instance 2: option and default");
	tap_ok(t, p.inst[1].repeat == 6 && p.inst[1].discard == 2 &&
	       p.inst[1].timeout == 1800, "instance 2 overrides");
out:
	tb_profile_free(&p);
	tap_ok(t, p.inst == NULL && p.name == NULL, "free clears");
}

static void test_defaults(struct tap *t)
{
	struct tb_profile p;
	char err[512] = "";

	if (tb_profile_parse("x", "[profile]\n[a]\nworkload=seqio\n",
			     fake_lookup, &p, err, sizeof(err))) {
		tap_ok(t, 0, "minimal profile: %s", err);
		return;
	}
	tap_ok(t, !strcmp(p.name, "x") && !strcmp(p.description, "") &&
	       p.repeat == 3 && p.discard == 0 && p.timeout == 600 &&
	       p.seed == 1 && p.inst[0].repeat == 3,
	       "minimal profile gets the documented defaults");
	tb_profile_free(&p);
}

struct bad_case {
	const char *text;
	const char *want;	/* exact error */
	const char *desc;
};

#define HEAD "[profile]\nrepeat = 3\n"	/* two lines */

static const struct bad_case bad[] = {
	{ HEAD "[a]\nworkload = compress\nlevel 5\n",
	  "t.profile:5: syntax error: expected 'key = value' or '[section]'",
	  "missing '='" },
	{ HEAD "[a\nworkload = compress\n",
	  "t.profile:3: unterminated '[' (expected [name])",
	  "unterminated '['" },
	{ HEAD "[a] b\n", "t.profile:3: unexpected text after ']'",
	  "text after ']'" },
	{ HEAD "[a b]\n", "t.profile:3: invalid section name 'a b' (use "
	  "letters, digits, '_', '.' and '-')", "bad section name" },
	{ HEAD "colour = blue\n[a]\nworkload = seqio\n",
	  "t.profile:3: unknown key 'colour' in [profile] (known: "
	  "description, repeat, discard, timeout, seed)",
	  "unknown [profile] key" },
	{ HEAD "\n\n[a]\nsize = 1M\nworkload = foo\n",
	  "t.profile:7: unknown workload 'foo'", "unknown workload" },
	{ HEAD "[a]\nworkload = compress\nbogus = 1\n",
	  "t.profile:5: unknown option 'bogus' for workload 'compress'",
	  "unknown option names the workload" },
	{ HEAD "[a]\nworkload = seqio\nmode = copy\nmode = zero\n",
	  "t.profile:6: duplicate key 'mode' (first on line 5)",
	  "duplicate key" },
	{ HEAD "repeat = 5\n[a]\nworkload = seqio\n",
	  "t.profile:3: duplicate key 'repeat' (first on line 2)",
	  "duplicate key in [profile]" },
	{ HEAD "[a]\nworkload = seqio\n[b]\nworkload = seqio\n"
	  "[a]\nworkload = seqio\n",
	  "t.profile:7: duplicate section [a] (first on line 3)",
	  "duplicate section" },
	{ HEAD "[a]\nworkload = seqio\n[profile]\n",
	  "t.profile:5: duplicate section [profile] (first on line 1)",
	  "duplicate [profile]" },
	{ HEAD "[a]\nsize = 12Q\nworkload = compress\n",
	  "t.profile:4: size: '12Q' is not a size (use a number with K, M, "
	  "G or T)", "bad value, line of the value not of workload" },
	{ HEAD "[a]\nworkload = compress\nlevel = 12   # too much\n",
	  "t.profile:5: level: 12 is out of range 1..9", "out of range" },
	{ HEAD "[a]\nworkload = compress\nsize = 2T\n",
	  "t.profile:5: size: 2T is out of range 1K..1T",
	  "size out of range" },
	{ "[profile]\nrepeat = 0\n[a]\nworkload = seqio\n",
	  "t.profile:2: repeat: 0 is out of range 1..1000",
	  "repeat out of range" },
	{ HEAD "[a]\nlevel = 3\n[b]\nworkload = seqio\n",
	  "t.profile:3: section [a] has no 'workload = NAME'",
	  "section without workload" },
	{ HEAD "# nothing else\n",
	  "t.profile:1: profile has no instances (add a section with "
	  "'workload = NAME')", "no instances" },
	{ "", "t.profile:1: no [profile] section", "empty text" },
	{ "repeat = 3\n", "t.profile:1: 'repeat' outside a section (a "
	  "profile starts with [profile])", "key before any section" },
	{ "[a]\nworkload = seqio\n[profile]\n",
	  "t.profile:1: expected [profile] before [a]",
	  "[profile] must come first" },
	{ HEAD "[a]\nworkload = seqio\nmode = caf\xc3\n",
	  "t.profile:5: invalid UTF-8 (a profile is UTF-8 text)",
	  "invalid UTF-8" },
	{ "[profile]\nrepeat = 3\ndiscard = 3\n[a]\nworkload = seqio\n",
	  "t.profile:3: discard (3) must be less than repeat (3)",
	  "discard >= repeat in [profile]" },
	{ "[profile]\nrepeat = 3\ndiscard = 2\n[a]\nworkload = seqio\n"
	  "repeat = 2\n",
	  "t.profile:6: discard (2) must be less than repeat (2)",
	  "inherited discard >= instance repeat" },
	{ HEAD "seed = -1\n[a]\nworkload = seqio\n",
	  "t.profile:3: seed: '-1' is not an integer in "
	  "0..18446744073709551615", "bad seed" },
	{ HEAD "[a]\n= 3\n", "t.profile:4: syntax error: no key before '='",
	  "empty key" },
	{ HEAD "[]\n", "t.profile:3: invalid section name '' (use letters, "
	  "digits, '_', '.' and '-')", "empty section name" },
	{ HEAD "[a]\nmy key = 1\n", "t.profile:4: invalid key 'my key'",
	  "key with a space" },
	{ HEAD "[a]\nworkload = seqio\nfsync = maybe\n",
	  "t.profile:5: fsync: 'maybe' is not a boolean (use yes/no, "
	  "true/false, on/off or 1/0)", "bad bool" },
};

static void test_errors(struct tap *t)
{
	struct tb_profile p;
	char err[512];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		rc = tb_profile_parse("t.profile", bad[i].text, fake_lookup,
				      &p, err, sizeof(err));
		tap_ok(t, rc == -1 && p.ninst == 0 && p.inst == NULL &&
		       p.name == NULL, "%s: fails, profile empty",
		       bad[i].desc);
		tap_str(t, err, bad[i].want, bad[i].desc);
	}
}

static void test_nul(struct tap *t)
{
	static const char text[] = HEAD "[a]\nworkload = seqio\nmo\0de = x\n";
	struct tb_profile p;
	char err[512] = "";
	int rc;

	rc = tb_profile_parse_n("t.profile", text, sizeof(text) - 1,
				fake_lookup, &p, err, sizeof(err));
	tap_ok(t, rc == -1, "NUL byte rejected by tb_profile_parse_n");
	tap_str(t, err, "t.profile:5: NUL byte in profile text",
		"NUL byte message");
}

int main(void)
{
	struct tap t = { 0, 0 };

	test_valid(&t);
	test_defaults(&t);
	test_errors(&t);
	test_nul(&t);
	return tap_done(&t);
}
