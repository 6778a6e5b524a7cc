/* test_opt.c - option tables: parsing, ranges, defaults, JSON, help. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "tb_json.h"
#include "tb_opt.h"

struct params {
	int64_t size, level, count;
	double ratio;
	int flag, mode;
	char name[TB_OPT_STRLEN];
};

static const char *const modes[] = { "copy", "zero", NULL };

static const struct tb_opt tab[] = {
	{ "size", TB_OPT_SIZE, offsetof(struct params, size), 0,
	  16.0 * 1024 * 1024 * 1024 * 1024, "433M", "bytes", NULL },
	{ "level", TB_OPT_INT, offsetof(struct params, level), 1, 9, "9",
	  "compression level", NULL },
	{ "count", TB_OPT_INT, offsetof(struct params, count), 0, 0, NULL,
	  "unbounded", NULL },
	{ "ratio", TB_OPT_DOUBLE, offsetof(struct params, ratio), 0.5, 2,
	  "1.5", "a ratio", NULL },
	{ "flag", TB_OPT_BOOL, offsetof(struct params, flag), 0, 0, "yes",
	  "a switch", NULL },
	{ "mode", TB_OPT_ENUM, offsetof(struct params, mode), 0, 0, "zero",
	  "what to do", modes },
	{ "name", TB_OPT_STR, offsetof(struct params, name), 0, 0, "x",
	  "a label", NULL },
	{ "bs", TB_OPT_SIZE, offsetof(struct params, count), 512,
	  64.0 * 1024 * 1024, "1M", "block size", NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static int set(struct params *p, const char *name, const char *text,
	       char *err, size_t len)
{
	err[0] = '\0';
	return tb_opt_set(tb_opt_find(tab, name), p, text, err, len);
}

static void test_sizes(struct tap *t, struct params *p)
{
	char err[256];

	tap_ok(t, !set(p, "size", "433M", err, sizeof(err)) &&
	       p->size == 433LL << 20, "433M");
	tap_ok(t, !set(p, "size", "1G", err, sizeof(err)) &&
	       p->size == 1LL << 30, "1G");
	tap_ok(t, !set(p, "size", "2k", err, sizeof(err)) &&
	       p->size == 2048, "2k (lower case)");
	tap_ok(t, !set(p, "size", "0", err, sizeof(err)) && p->size == 0,
	       "0");
	tap_ok(t, !set(p, "size", "12345", err, sizeof(err)) &&
	       p->size == 12345, "plain bytes");
	tap_ok(t, set(p, "size", "99999999999T", err, sizeof(err)) == -1,
	       "99999999999T overflows");
	tap_str(t, err, "size: 99999999999T is too large", "overflow message");
	tap_ok(t, set(p, "size", "99999999999999999999999", err,
		      sizeof(err)) == -1, "huge plain number overflows");
	set(p, "size", "12Q", err, sizeof(err));
	tap_str(t, err, "size: '12Q' is not a size (use a number with K, M, "
		"G or T)", "12Q rejected");
	tap_ok(t, set(p, "size", "12MB", err, sizeof(err)) == -1,
	       "trailing garbage after suffix rejected");
	tap_ok(t, set(p, "size", "", err, sizeof(err)) == -1, "empty rejected");
	set(p, "size", "-1", err, sizeof(err));
	tap_str(t, err, "size: -1: a size cannot be negative",
		"negative size rejected");
	set(p, "size", "17T", err, sizeof(err));
	tap_str(t, err, "size: 17T is out of range 0..16T",
		"size range in size units");
	set(p, "bs", "100", err, sizeof(err));
	tap_str(t, err, "bs: 100 is out of range 512..64M",
		"size range mixing bytes and suffixes");
}

static void test_numbers(struct tap *t, struct params *p)
{
	char err[256];

	tap_ok(t, !set(p, "level", "5", err, sizeof(err)) && p->level == 5,
	       "int 5");
	set(p, "level", "12", err, sizeof(err));
	tap_str(t, err, "level: 12 is out of range 1..9", "int range message");
	set(p, "level", "0", err, sizeof(err));
	tap_str(t, err, "level: 0 is out of range 1..9", "int below range");
	set(p, "level", "5x", err, sizeof(err));
	tap_str(t, err, "level: '5x' is not an integer", "int garbage");
	tap_ok(t, !set(p, "count", "-9223372036854775808", err, sizeof(err)) &&
	       p->count == INT64_MIN, "unbounded int takes INT64_MIN");
	set(p, "count", "9223372036854775808", err, sizeof(err));
	tap_str(t, err, "count: 9223372036854775808 is too large",
		"int64 overflow");
	tap_ok(t, !set(p, "ratio", "0.75", err, sizeof(err)) &&
	       p->ratio == 0.75, "double 0.75");
	set(p, "ratio", "3", err, sizeof(err));
	tap_str(t, err, "ratio: 3 is out of range 0.5..2", "double range");
	tap_ok(t, set(p, "ratio", "nan", err, sizeof(err)) == -1 &&
	       set(p, "ratio", "1.0x", err, sizeof(err)) == -1,
	       "double nan and garbage rejected");
}

static void test_others(struct tap *t, struct params *p)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES" };
	static const char *const no[] = { "no", "false", "off", "0", "Off" };
	char err[256], longstr[TB_OPT_STRLEN + 1];
	size_t i;
	int bad = 0;

	for (i = 0; i < 5; i++) {
		bad += set(p, "flag", yes[i], err, sizeof(err)) || p->flag != 1;
		bad += set(p, "flag", no[i], err, sizeof(err)) || p->flag != 0;
	}
	tap_ok(t, !bad, "bool variants");
	set(p, "flag", "maybe", err, sizeof(err));
	tap_str(t, err, "flag: 'maybe' is not a boolean (use yes/no, "
		"true/false, on/off or 1/0)", "bad bool");
	tap_ok(t, !set(p, "mode", "copy", err, sizeof(err)) && p->mode == 0,
	       "enum copy");
	set(p, "mode", "Copy", err, sizeof(err));
	tap_str(t, err, "mode: 'Copy' is not one of: copy, zero", "bad enum");
	memset(longstr, 'a', sizeof(longstr) - 2);
	longstr[sizeof(longstr) - 2] = '\0';
	tap_ok(t, !set(p, "name", longstr, err, sizeof(err)) &&
	       strlen(p->name) == TB_OPT_STRLEN - 1, "string of 127 bytes");
	memset(longstr, 'a', sizeof(longstr) - 1);
	longstr[sizeof(longstr) - 1] = '\0';
	set(p, "name", longstr, err, sizeof(err));
	tap_str(t, err, "name: value is too long (128 bytes, at most 127)",
		"string too long");
	tap_ok(t, tb_opt_find(tab, "nope") == NULL, "find unknown -> NULL");
	tap_ok(t, tb_parse_size("4K", &p->size) == 0 && p->size == 4096 &&
	       tb_parse_size("4X", &p->size) == -1, "tb_parse_size");
}

/* The help table of tab, columns squeezed to one space: name, type, range,
 * default, description. */
static const char *const help_want[] = {
	"option type range default description",
	"size size 0..16T 433M bytes",
	"level int 1..9 9 compression level",
	"count int any - unbounded",
	"ratio number 0.5..2 1.5 a ratio",
	"flag bool yes|no yes a switch",
	"mode choice copy|zero zero what to do",
	"name text <128 bytes x a label",
	"bs size 512..64M 1M block size",
	NULL,
};

/* Read fd to its end into buf (NUL-terminated); bytes read or -1. */
static ssize_t read_all(int fd, char *buf, size_t len)
{
	size_t used = 0;
	ssize_t n;

	while (used < len - 1 &&
	       (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	return n < 0 ? -1 : (ssize_t)used;
}

/* Squeeze runs of spaces in s to one and drop leading ones, in place. */
static void squeeze(char *s)
{
	char *w = s;
	const char *r;

	for (r = s; *r; r++)
		if (*r != ' ' || (w > s && w[-1] != ' '))
			*w++ = *r;
	*w = '\0';
}

/* Check help line i against help_want[i]; its description must start in
 * column *col (set by the heading, line 0).  Returns 0 if misaligned. */
static int help_line(struct tap *t, int i, const char *l, int *col)
{
	const char *d = i ? tab[i - 1].help : "description";
	char line[256], desc[32];
	int c = (int)strlen(l) - (int)strlen(d);

	printf("# %s\n", l);
	snprintf(line, sizeof(line), "%s", l);
	squeeze(line);
	snprintf(desc, sizeof(desc), "help line %d", i + 1);
	tap_str(t, line, help_want[i], desc);
	if (i == 0)
		*col = c;
	return c == *col && c > 0 && strcmp(l + c, d) == 0;
}

static void test_help(struct tap *t)
{
	char buf[4096], *l, *save;
	int fds[2], i, col = 0, aligned = 1;

	if (pipe(fds)) {
		tap_ok(t, 0, "pipe for help");
		return;
	}
	tb_opt_help(tab, fds[1]);
	close(fds[1]);
	tap_ok(t, read_all(fds[0], buf, sizeof(buf)) > 0, "help printed");
	close(fds[0]);
	printf("# help:\n");
	l = strtok_r(buf, "\n", &save);
	for (i = 0; l && help_want[i]; i++) {
		aligned &= help_line(t, i, l, &col);
		l = strtok_r(NULL, "\n", &save);
	}
	tap_ok(t, i == 9 && !l, "a heading and one line per option, no more");
	tap_ok(t, aligned, "the description column is aligned");
}

static void test_json(struct tap *t, struct params *p)
{
	struct tb_json j;
	char err[256];

	tap_ok(t, tb_opt_defaults(tab, p, err, sizeof(err)) == 0,
	       "defaults apply");
	tb_json_init(&j);
	tb_opt_json(tab, p, &j);
	tap_str(t, j.buf, "{\"size\":454033408,\"level\":9,\"count\":1048576,"
		"\"ratio\":1.5,\"flag\":true,\"mode\":\"zero\",\"name\":\"x\","
		"\"bs\":1048576}", "params JSON");
	tb_json_free(&j);
}

int main(void)
{
	struct tap t = { 0, 0 };
	struct params p;

	memset(&p, 0, sizeof(p));
	test_sizes(&t, &p);
	test_numbers(&t, &p);
	test_others(&t, &p);
	test_json(&t, &p);
	test_help(&t);
	return tap_done(&t);
}
