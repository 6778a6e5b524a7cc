/* json_check.c - is a text one well-formed JSON value (RFC 8259)?
 *
 * For JSON that comes from elsewhere (the peer agent's manifest) before it
 * is embedded as it is into a result file.  Strict: UTF-8 is checked,
 * control characters in strings, leading zeros, trailing commas and
 * anything after the value are errors; nesting is bounded.
 */
#include <stdio.h>
#include <string.h>
#include "tb_json.h"
#include "utf8_priv.h"

#define JC_DEPTH 64

struct jc {
	const unsigned char *s, *e;
	int depth;
};

static int value(struct jc *c);

static void ws(struct jc *c)
{
	while (c->s < c->e && (*c->s == ' ' || *c->s == '\t' ||
			       *c->s == '\n' || *c->s == '\r'))
		c->s++;
}

static int lit(struct jc *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->e - c->s) < n || memcmp(c->s, w, n))
		return -1;
	c->s += n;
	return 0;
}

static int digits(struct jc *c)
{
	const unsigned char *s0 = c->s;

	while (c->s < c->e && *c->s >= '0' && *c->s <= '9')
		c->s++;
	return c->s > s0 ? 0 : -1;
}

static int number(struct jc *c)
{
	if (c->s < c->e && *c->s == '-')
		c->s++;
	if (c->s < c->e && *c->s == '0')
		c->s++;
	else if (digits(c) < 0)
		return -1;
	if (c->s < c->e && *c->s == '.') {
		c->s++;
		if (digits(c) < 0)
			return -1;
	}
	if (c->s < c->e && (*c->s == 'e' || *c->s == 'E')) {
		c->s++;
		if (c->s < c->e && (*c->s == '+' || *c->s == '-'))
			c->s++;
		if (digits(c) < 0)
			return -1;
	}
	return 0;
}

static int string(struct jc *c)
{
	c->s++;			/* the opening quote */
	while (c->s < c->e && *c->s != '"') {
		size_t n;

		if (*c->s < 0x20)
			return -1;
		if (*c->s == '\\') {
			if (++c->s >= c->e)
				return -1;
			if (*c->s == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (c->s + i >= c->e ||
					    !c->s[i] ||
					    !strchr("0123456789abcdefABCDEF",
						    c->s[i]))
						return -1;
				c->s += 5;
			} else if (*c->s && strchr("\"\\/bfnrt", *c->s)) {
				c->s++;
			} else {
				return -1;
			}
			continue;
		}
		n = tb_utf8_seq_len(c->s, (size_t)(c->e - c->s));
		if (n == 0)
			return -1;
		c->s += n;
	}
	if (c->s >= c->e)
		return -1;
	c->s++;
	return 0;
}

/* object or array: open already seen */
static int members(struct jc *c, int obj)
{
	char close = obj ? '}' : ']';

	if (++c->depth > JC_DEPTH)
		return -1;
	c->s++;
	ws(c);
	if (c->s < c->e && *c->s == close) {
		c->s++;
		c->depth--;
		return 0;
	}
	for (;;) {
		ws(c);
		if (obj) {
			if (c->s >= c->e || *c->s != '"' || string(c) < 0)
				return -1;
			ws(c);
			if (c->s >= c->e || *c->s++ != ':')
				return -1;
		}
		if (value(c) < 0)
			return -1;
		ws(c);
		if (c->s < c->e && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->e && *c->s == close) {
			c->s++;
			c->depth--;
			return 0;
		}
		return -1;
	}
}

static int value(struct jc *c)
{
	ws(c);
	if (c->s >= c->e)
		return -1;
	switch (*c->s) {
	case '{': return members(c, 1);
	case '[': return members(c, 0);
	case '"': return string(c);
	case 't': return lit(c, "true");
	case 'f': return lit(c, "false");
	case 'n': return lit(c, "null");
	default: return number(c);
	}
}

int tb_json_check(const char *text, size_t len, char *err, size_t n)
{
	struct jc c = { (const unsigned char *)text,
			(const unsigned char *)text + len, 0 };

	if (value(&c) == 0) {
		ws(&c);
		if (c.s == c.e)
			return 0;
	}
	if (err && n)
		snprintf(err, n, "not valid JSON at byte %zu",
			 (size_t)(c.s - (const unsigned char *)text));
	return -1;
}
