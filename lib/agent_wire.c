/* agent_wire.c - the peer agent's framing and small helpers (tb_agent.h):
 * the line buffer, numbers, DATA lengths, tokens, measurement lines and the
 * one JSON number the agent reads from iperf3.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_agent.h"

int tb_agent_get_u64(const struct tb_agent_msg *m, const char *key, int base,
		     uint64_t min, uint64_t max, uint64_t *out)
{
	const char *v = tb_agent_get(m, key), *p;
	unsigned long long x;
	char *end;

	if (!v)
		return -ENOENT;
	for (p = v; *p; p++)
		if (!(*p >= '0' && *p <= '9') && !(base == 16 &&
		    ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))))
			return -EINVAL;
	if (p == v || p - v > (base == 16 ? 16 : 20))
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, base);
	if (errno || *end || x < min || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

int tb_agent_data_len(const struct tb_agent_msg *m, size_t max, size_t *len)
{
	uint64_t v;

	if (strcmp(m->verb, "DATA") || m->npairs != 1 ||
	    tb_agent_get_u64(m, "len", 10, 0, max, &v))
		return -1;
	*len = (size_t)v;
	return 0;
}

int tb_agent_token_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la > lb ? la : lb, i;
	unsigned diff = la != lb;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)(i < la ? a[i] : 0) ^
			(unsigned char)(i < lb ? b[i] : 0);
	return diff == 0;
}

int tb_agent_fmt_result(char *buf, size_t n, const char *metric,
			double value, const char *unit, enum tb_better b)
{
	const char *p;
	int w;

	for (p = metric; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return -1;
	for (p = unit; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;
	if (!*metric || !isfinite(value))
		return -1;
	w = snprintf(buf, n, "R\t%s\t%.17g\t%s\t%s\tpeer\n", metric, value,
		     unit, tb_better_name(b));
	return w < 0 || (size_t)w >= n ? -1 : w;
}

size_t tb_agent_rb_room(const struct tb_agent_rb *r)
{
	return sizeof(r->buf) - r->len;
}

void tb_agent_rb_filled(struct tb_agent_rb *r, size_t n)
{
	r->len += n <= tb_agent_rb_room(r) ? n : tb_agent_rb_room(r);
}

int tb_agent_rb_line(struct tb_agent_rb *r, char *out, size_t *n)
{
	char *nl = memchr(r->buf, '\n', r->len);
	size_t l;

	if (!nl)
		return r->len == sizeof(r->buf) ? TB_AGENT_OVERSIZED : 0;
	l = (size_t)(nl - r->buf);
	memcpy(out, r->buf, l);
	out[l] = '\0';
	*n = l++;
	memmove(r->buf, r->buf + l, r->len - l);
	r->len -= l;
	return 1;
}

size_t tb_agent_rb_take(struct tb_agent_rb *r, void *dst, size_t max)
{
	size_t k = r->len < max ? r->len : max;

	memcpy(dst, r->buf, k);
	memmove(r->buf, r->buf + k, r->len - k);
	r->len -= k;
	return k;
}

/* After a JSON string's opening quote: the byte after its closing one. */
static const char *skip_string(const char *s)
{
	for (; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s + 1 : s;
}

/* s at `"name"`: the value after its ':' (spaces skipped), else NULL. */
static const char *member_value(const char *s, const char *name)
{
	size_t l = strlen(name);

	if (*s != '"' || strncmp(s + 1, name, l) || s[l + 1] != '"')
		return NULL;
	s += l + 2;
	s += strspn(s, " \t\r\n");
	if (*s != ':')
		return NULL;
	s++;
	return s + strspn(s, " \t\r\n");
}

/* obj at '{': the number of its member key (not nested deeper). */
static int object_num(const char *s, const char *key, double *v)
{
	int depth = 0;
	char *end;

	for (; *s; s++) {
		const char *val;

		if (*s == '"') {
			val = depth == 1 ? member_value(s, key) : NULL;
			if (val) {
				*v = strtod(val, &end);
				return end == val || !isfinite(*v) ? -1 : 0;
			}
			s = skip_string(s + 1) - 1;
		} else if (*s == '{' || *s == '[') {
			depth++;
		} else if ((*s == '}' || *s == ']') && --depth == 0) {
			return -1;
		}
	}
	return -1;
}

int tb_agent_json_num(const char *json, const char *obj, const char *key,
		      double *v)
{
	const char *s;

	for (s = json; *s; s++) {
		const char *val;

		if (*s != '"')
			continue;
		val = member_value(s, obj);
		if (val && *val == '{')
			return object_num(val, key, v);
		s = skip_string(s + 1) - 1;
	}
	return -1;
}
