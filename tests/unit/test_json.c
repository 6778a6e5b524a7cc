/* test_json.c - the JSON writer: escaping, numbers, nesting, errors. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tb_json.h"

/* JSON text of one string value of n bytes. */
static void str_json(struct tb_json *j, const char *s, size_t n)
{
	tb_json_reset(j);
	tb_json_strn(j, s, n);
}

static void test_controls(struct tap *t, struct tb_json *j)
{
	static const char *const named[32] = {
		['\b'] = "\"\\b\"", ['\f'] = "\"\\f\"", ['\n'] = "\"\\n\"",
		['\r'] = "\"\\r\"", ['\t'] = "\"\\t\"",
	};
	char want[16], in[1];
	int c, bad = 0;

	for (c = 0; c < 32; c++) {
		in[0] = (char)c;
		str_json(j, in, 1);
		if (named[c])
			snprintf(want, sizeof(want), "%s", named[c]);
		else
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		if (strcmp(j->buf, want)) {
			printf("# control 0x%02x: got %s want %s\n", c, j->buf,
			       want);
			bad++;
		}
	}
	tap_ok(t, !bad, "all 32 control characters escaped");
	str_json(j, "\x7f", 1);
	tap_str(t, j->buf, "\"\x7f\"", "DEL passed through");
	tb_json_reset(j);
	tb_json_str(j, "a\"b\\c/d");
	tap_str(t, j->buf, "\"a\\\"b\\\\c/d\"", "quote and backslash");
}

static void test_utf8(struct tap *t, struct tb_json *j)
{
	tb_json_reset(j);
	tb_json_str(j, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	tap_str(t, j->buf, "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
		"UTF-8 (e-acute, emoji) passed through");
	tb_json_reset(j);
	tb_json_str(j, "a\xff" "b");
	tap_str(t, j->buf, "\"a\\ufffdb\"", "invalid byte 0xff -> \\ufffd");
	tb_json_reset(j);
	tb_json_str(j, "\xc3");
	tap_str(t, j->buf, "\"\\ufffd\"", "truncated sequence -> \\ufffd");
	tb_json_reset(j);
	tb_json_str(j, "\xc0\xaf");
	tap_str(t, j->buf, "\"\\ufffd\\ufffd\"", "overlong '/' rejected");
	tb_json_reset(j);
	tb_json_str(j, "\xed\xa0\x80");
	tap_str(t, j->buf, "\"\\ufffd\\ufffd\\ufffd\"", "surrogate rejected");
	tb_json_reset(j);
	tb_json_str(j, "\xf4\x90\x80\x80");
	tap_str(t, j->buf, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
		"code point above U+10FFFF rejected");
	str_json(j, "a\0b", 3);
	tap_str(t, j->buf, "\"a\\u0000b\"", "NUL inside strn escaped");
}

static void test_numbers(struct tap *t, struct tb_json *j)
{
	static const double v[] = {
		0.1, 1.0 / 3, 12.5, -0.0, 1e300, -1e-300, 5e-324,
		1.7976931348623157e308, 123456789012345678.0, 2.5e-7,
	};
	size_t i;
	int bad = 0;
	double back;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tb_json_reset(j);
		tb_json_num(j, v[i]);
		back = strtod(j->buf, NULL);
		if (memcmp(&back, &v[i], sizeof(back)) ||
		    strspn(j->buf, "0123456789-+.e") != strlen(j->buf)) {
			printf("# %.17g -> %s\n", v[i], j->buf);
			bad++;
		}
	}
	tap_ok(t, !bad, "%%.17g round-trips bit-exact, JSON number syntax");
	tb_json_reset(j);
	tb_json_arr_begin(j);
	tb_json_num(j, NAN);
	tb_json_num(j, INFINITY);
	tb_json_num(j, -INFINITY);
	tb_json_arr_end(j);
	tap_str(t, j->buf, "[null,null,null]", "NaN and Inf -> null");
	tb_json_reset(j);
	tb_json_arr_begin(j);
	tb_json_int(j, INT64_MIN);
	tb_json_int(j, INT64_MAX);
	tb_json_uint(j, UINT64_MAX);
	tb_json_arr_end(j);
	tap_str(t, j->buf, "[-9223372036854775808,9223372036854775807,"
		"18446744073709551615]", "int64/uint64 exact");
}

static void test_nesting(struct tap *t, struct tb_json *j)
{
	tb_json_reset(j);
	tb_json_obj_begin(j);
	tb_json_kint(j, "schema", 1);
	tb_json_kstr(j, "run", "0003-x");
	tb_json_key(j, "a");
	tb_json_arr_begin(j);
	tb_json_int(j, 1);
	tb_json_obj_begin(j);
	tb_json_obj_end(j);
	tb_json_arr_begin(j);
	tb_json_arr_end(j);
	tb_json_bool(j, 0);
	tb_json_null(j);
	tb_json_raw(j, " {\"x\":2}\n");
	tb_json_arr_end(j);
	tb_json_kbool(j, "warmup", 1);
	tb_json_knum(j, "value", 12.5);
	tb_json_kstr(j, "reason", NULL);
	tb_json_obj_end(j);
	tap_str(t, j->buf, "{\"schema\":1,\"run\":\"0003-x\",\"a\":[1,{},[],"
		"false,null,{\"x\":2}],\"warmup\":true,\"value\":12.5,"
		"\"reason\":null}", "nesting and commas");
	tap_ok(t, tb_json_error(j) == 0, "no error after a valid document");
	tb_json_reset(j);
	tb_json_arr_begin(j);
	tb_json_raw(j, " \n");
	tap_ok(t, tb_json_error(j) == -EINVAL, "empty raw text is an error");
}

static void test_errors(struct tap *t, struct tb_json *j)
{
	int i;

	tb_json_reset(j);
	tb_json_key(j, "k");
	tap_ok(t, tb_json_error(j) == -EINVAL, "key outside an object");
	tb_json_reset(j);
	tb_json_arr_begin(j);
	tb_json_key(j, "k");
	tap_ok(t, tb_json_error(j) == -EINVAL, "key inside an array");
	tb_json_reset(j);
	tb_json_obj_begin(j);
	tb_json_int(j, 1);
	tap_ok(t, tb_json_error(j) == -EINVAL, "value where a key is due");
	tb_json_str(j, "ignored");
	tb_json_obj_end(j);
	tap_ok(t, tb_json_error(j) == -EINVAL && !strcmp(j->buf, "{"),
	       "errors are sticky and stop output");
	tb_json_reset(j);
	tb_json_arr_begin(j);
	tb_json_obj_end(j);
	tap_ok(t, tb_json_error(j) == -EINVAL, "mismatched close");
	tb_json_reset(j);
	for (i = 0; i < TB_JSON_DEPTH + 1; i++)
		tb_json_arr_begin(j);
	tap_ok(t, tb_json_error(j) == -EINVAL, "nesting too deep");
	tb_json_reset(j);
	tb_json_int(j, 1);
	tb_json_int(j, 2);
	tap_ok(t, tb_json_error(j) == -EINVAL, "two top-level values");
	tb_json_reset(j);
	tb_json_str(j, "fresh");
	tap_ok(t, tb_json_error(j) == 0 && !strcmp(j->buf, "\"fresh\""),
	       "reset clears the error");
}

static int ck(const char *s)
{
	char err[64];

	return tb_json_check(s, strlen(s), err, sizeof(err));
}

static void test_check(struct tap *t)
{
	static const char *const good[] = {
		"{}", " [ ] ", "{\"a\":[1,-0.5e+3,true,false,null,\"x\"]}",
		"\"\\u00e9\\n\"", "0", "{\"k\":{\"k\":{}}}", "\"\xc3\xa9\"",
	};
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "01", "1.", "-", "{\"a\" 1}",
		"{a:1}", "\"\x01\"", "\"\\x\"", "\"\\u12\"", "tru", "{} {}",
		"\"\xc3\"", "\"\xed\xa0\x80\"", "[1 2]", "\"abc",
	};
	char deep[200], err[64];
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (ck(good[i]) != 0)
			ok = 0, printf("# refused: %s\n", good[i]);
	tap_ok(t, ok, "tb_json_check accepts well-formed JSON");
	ok = 1;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ck(bad[i]) == 0)
			ok = 0, printf("# accepted: %s\n", bad[i]);
	tap_ok(t, ok, "tb_json_check refuses malformed JSON");
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	tap_ok(t, tb_json_check(deep, 200, err, sizeof(err)) < 0 &&
	       strstr(err, "byte"), "nesting is bounded, error names byte");
	tap_ok(t, tb_json_check("{\"a\":1}x", 9, err, sizeof(err)) < 0 &&
	       !strcmp(err, "not valid JSON at byte 7"), "offset of the error");
}

int main(void)
{
	struct tap t = { 0, 0 };
	struct tb_json j;

	tb_json_init(&j);
	test_controls(&t, &j);
	test_utf8(&t, &j);
	test_numbers(&t, &j);
	test_nesting(&t, &j);
	test_errors(&t, &j);
	test_check(&t);
	tb_json_free(&j);
	return tap_done(&t);
}
