/* json.c - streaming JSON writer (see tb_json.h).
 *
 * first[d] and in_obj[d] describe the container open at depth d; depth 0 is
 * the top level, which takes exactly one value.  Every operation is a no-op
 * once j->err is set, so callers check tb_json_error() once at the end.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_json.h"
#include "utf8_priv.h"

static int json_grow(struct tb_json *j, size_t extra)
{
	size_t need, cap;
	char *nbuf;

	if (j->err)
		return -1;
	if (extra > SIZE_MAX / 2 - j->len - 1) {
		j->err = -ENOMEM;
		return -1;
	}
	need = j->len + extra + 1;
	if (j->buf && need <= j->cap)
		return 0;
	cap = j->cap ? j->cap : 256;
	while (cap < need)
		cap *= 2;
	nbuf = realloc(j->buf, cap);
	if (!nbuf) {
		j->err = -ENOMEM;
		return -1;
	}
	if (!j->buf)
		nbuf[0] = '\0';
	j->buf = nbuf;
	j->cap = cap;
	return 0;
}

static void json_put(struct tb_json *j, const char *s, size_t n)
{
	if (json_grow(j, n))
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void json_puts(struct tb_json *j, const char *s)
{
	json_put(j, s, strlen(s));
}

static void json_fail(struct tb_json *j, int e)
{
	if (!j->err)
		j->err = e;
}

void tb_json_reset(struct tb_json *j)
{
	j->len = 0;
	if (j->buf)
		j->buf[0] = '\0';
	j->depth = 0;
	memset(j->first, 0, sizeof(j->first));
	memset(j->in_obj, 0, sizeof(j->in_obj));
	j->first[0] = 1;
	j->want_value = 0;
	j->err = 0;
	json_grow(j, 0);
}

void tb_json_init(struct tb_json *j)
{
	memset(j, 0, sizeof(*j));
	tb_json_reset(j);
}

void tb_json_free(struct tb_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

int tb_json_error(const struct tb_json *j)
{
	return j->err;
}

/* Emit the separator a new value needs, or fail if none is allowed here. */
static int json_before_value(struct tb_json *j)
{
	int d = j->depth;

	if (j->err)
		return -1;
	if (d > 0 && j->in_obj[d]) {
		if (!j->want_value) {
			json_fail(j, -EINVAL);	/* value where a key is due */
			return -1;
		}
		j->want_value = 0;
		return 0;
	}
	if (d == 0 && !j->first[0]) {
		json_fail(j, -EINVAL);		/* second top-level value */
		return -1;
	}
	if (!j->first[d])
		json_put(j, ",", 1);
	j->first[d] = 0;
	return j->err ? -1 : 0;
}

static void json_begin(struct tb_json *j, int obj)
{
	if (json_before_value(j))
		return;
	if (j->depth + 1 >= TB_JSON_DEPTH) {
		json_fail(j, -EINVAL);
		return;
	}
	json_put(j, obj ? "{" : "[", 1);
	j->depth++;
	j->first[j->depth] = 1;
	j->in_obj[j->depth] = (unsigned char)obj;
}

static void json_end(struct tb_json *j, int obj)
{
	if (j->err)
		return;
	if (j->depth == 0 || j->in_obj[j->depth] != obj || j->want_value) {
		json_fail(j, -EINVAL);
		return;
	}
	json_put(j, obj ? "}" : "]", 1);
	j->depth--;
}

void tb_json_obj_begin(struct tb_json *j)
{
	json_begin(j, 1);
}

void tb_json_obj_end(struct tb_json *j)
{
	json_end(j, 1);
}

void tb_json_arr_begin(struct tb_json *j)
{
	json_begin(j, 0);
}

void tb_json_arr_end(struct tb_json *j)
{
	json_end(j, 0);
}

size_t tb_utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* The two-character escape of c, or NULL. */
static const char *json_short_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	}
	return NULL;
}

/* Write the one character at s (n bytes left) escaped; bytes consumed. */
static size_t json_escape_one(struct tb_json *j, const unsigned char *s,
			      size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *e = json_short_escape(s[0]);
	char u[7] = "\\u00";
	size_t k;

	if (e) {
		json_puts(j, e);
		return 1;
	}
	if (s[0] < 0x20) {
		u[4] = hex[s[0] >> 4];
		u[5] = hex[s[0] & 15];
		json_put(j, u, 6);
		return 1;
	}
	k = tb_utf8_seq_len(s, n);
	if (k) {
		json_put(j, (const char *)s, k);
		return k;
	}
	json_puts(j, "\\ufffd");
	return 1;
}

static void json_escape(struct tb_json *j, const unsigned char *s, size_t n)
{
	size_t i = 0, run;

	while (i < n && !j->err) {
		/* plain printable ASCII goes out in one piece */
		for (run = i; run < n && s[run] >= 0x20 && s[run] < 0x80 &&
		     s[run] != '"' && s[run] != '\\'; run++)
			;
		json_put(j, (const char *)s + i, run - i);
		i = run;
		if (i < n)
			i += json_escape_one(j, s + i, n - i);
	}
}

static void json_string(struct tb_json *j, const char *s, size_t n)
{
	json_put(j, "\"", 1);
	json_escape(j, (const unsigned char *)s, n);
	json_put(j, "\"", 1);
}

void tb_json_key(struct tb_json *j, const char *key)
{
	int d = j->depth;

	if (j->err)
		return;
	if (!key || d == 0 || !j->in_obj[d] || j->want_value) {
		json_fail(j, -EINVAL);
		return;
	}
	if (!j->first[d])
		json_put(j, ",", 1);
	j->first[d] = 0;
	json_string(j, key, strlen(key));
	json_put(j, ":", 1);
	j->want_value = 1;
}

void tb_json_strn(struct tb_json *j, const char *s, size_t n)
{
	if (!s) {
		tb_json_null(j);
		return;
	}
	if (json_before_value(j))
		return;
	json_string(j, s, n);
}

void tb_json_str(struct tb_json *j, const char *s)
{
	tb_json_strn(j, s, s ? strlen(s) : 0);
}

void tb_json_num(struct tb_json *j, double v)
{
	char tmp[40];

	if (!isfinite(v)) {
		tb_json_null(j);
		return;
	}
	if (json_before_value(j))
		return;
	snprintf(tmp, sizeof(tmp), "%.17g", v);
	json_puts(j, tmp);
}

void tb_json_int(struct tb_json *j, int64_t v)
{
	char tmp[24];

	if (json_before_value(j))
		return;
	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	json_puts(j, tmp);
}

void tb_json_uint(struct tb_json *j, uint64_t v)
{
	char tmp[24];

	if (json_before_value(j))
		return;
	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	json_puts(j, tmp);
}

void tb_json_bool(struct tb_json *j, int v)
{
	if (json_before_value(j))
		return;
	json_puts(j, v ? "true" : "false");
}

void tb_json_null(struct tb_json *j)
{
	if (json_before_value(j))
		return;
	json_puts(j, "null");
}

/* Surrounding whitespace (a file's final newline) is dropped, so the
 * result still fits on one line when the text itself does. */
void tb_json_raw(struct tb_json *j, const char *text)
{
	size_t n;

	if (text)
		text += strspn(text, " \t\r\n");
	n = text ? strlen(text) : 0;
	while (n > 0 && strchr(" \t\r\n", text[n - 1]))
		n--;
	if (n == 0) {
		json_fail(j, -EINVAL);
		return;
	}
	if (json_before_value(j))
		return;
	json_put(j, text, n);
}

void tb_json_kstr(struct tb_json *j, const char *k, const char *s)
{
	tb_json_key(j, k);
	tb_json_str(j, s);
}

void tb_json_knum(struct tb_json *j, const char *k, double v)
{
	tb_json_key(j, k);
	tb_json_num(j, v);
}

void tb_json_kint(struct tb_json *j, const char *k, int64_t v)
{
	tb_json_key(j, k);
	tb_json_int(j, v);
}

void tb_json_kbool(struct tb_json *j, const char *k, int v)
{
	tb_json_key(j, k);
	tb_json_bool(j, v);
}
