/* profile.c - reading profile text into sections (see tb_profile.h).
 *
 * One pass over the lines.  Key/value pairs of a section are collected
 * with their line numbers and applied (profile_apply.c) when the section
 * ends, because an instance's `workload =` may come after its options.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_profile.h"
#include "profile_priv.h"
#include "utf8_priv.h"

int prof_err(struct prof_parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->err || !ps->errlen)
		return -1;
	n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->path, line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

const struct prof_kv *prof_kv_find(const struct prof_sect *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nkv; i++)
		if (!strcmp(s->kv[i].key, key))
			return &s->kv[i];
	return NULL;
}

static void sect_free(struct prof_sect *s)
{
	size_t i;

	for (i = 0; i < s->nkv; i++) {
		free(s->kv[i].key);
		free(s->kv[i].val);
	}
	free(s->kv);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int name_ok(const char *s, const char *e)
{
	if (s == e)
		return 0;
	for (; s < e; s++)
		if (!is_name_char(*s))
			return 0;
	return 1;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

/* NUL bytes and invalid UTF-8 are errors. */
static int check_bytes(struct prof_parser *ps, int line, const char *s,
		       const char *e)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = (const unsigned char *)e;
	size_t k;

	while (p < end) {
		if (*p == '\0')
			return prof_err(ps, line, "NUL byte in profile text");
		k = tb_utf8_seq_len(p, (size_t)(end - p));
		if (!k)
			return prof_err(ps, line, "invalid UTF-8 "
					"(a profile is UTF-8 text)");
		p += k;
	}
	return 0;
}

/* End of the line's content: a '#' at its start or after whitespace
 * begins a comment. */
static const char *strip_comment(const char *s, const char *e)
{
	const char *p;

	for (p = s; p < e; p++)
		if (*p == '#' && (p == s || is_space(p[-1])))
			return p;
	return e;
}

static int sect_end(struct prof_parser *ps)
{
	int rc;

	if (!ps->cur.name)
		return 0;
	if (!strcmp(ps->cur.name, "profile"))
		rc = prof_apply_profile(ps);
	else
		rc = prof_apply_instance(ps);
	sect_free(&ps->cur);
	return rc;
}

static int sect_dup(struct prof_parser *ps, int line, const char *name)
{
	size_t i;

	if (ps->profile_line && !strcmp(name, "profile"))
		return prof_err(ps, line, "duplicate section [profile] "
				"(first on line %d)", ps->profile_line);
	for (i = 0; i < ps->p->ninst; i++)
		if (!strcmp(ps->p->inst[i].name, name))
			return prof_err(ps, line, "duplicate section [%s] "
					"(first on line %d)", name,
					ps->p->inst[i].line);
	return 0;
}

static int sect_begin(struct prof_parser *ps, int line, const char *s,
		      const char *e)
{
	const char *close = memchr(s, ']', (size_t)(e - s));
	const char *ns = s + 1, *ne = close;
	char *name;

	if (sect_end(ps))
		return -1;
	if (!close)
		return prof_err(ps, line, "unterminated '[' (expected [name])");
	if (close + 1 != e)
		return prof_err(ps, line, "unexpected text after ']'");
	trim(&ns, &ne);
	if (!name_ok(ns, ne))
		return prof_err(ps, line, "invalid section name '%.*s' (use "
				"letters, digits, '_', '.' and '-')",
				(int)(close - s - 1), s + 1);
	name = strndup(ns, (size_t)(ne - ns));
	if (!name)
		return prof_err(ps, line, "out of memory");
	if (!ps->profile_line && strcmp(name, "profile")) {
		prof_err(ps, line, "expected [profile] before [%s]", name);
		free(name);
		return -1;
	}
	if (sect_dup(ps, line, name)) {
		free(name);
		return -1;
	}
	ps->cur.name = name;
	ps->cur.line = line;
	if (!strcmp(name, "profile"))
		ps->profile_line = line;
	return 0;
}

static int kv_add(struct prof_parser *ps, int line, const char *ks,
		  const char *ke, const char *vs, const char *ve)
{
	struct prof_sect *c = &ps->cur;
	struct prof_kv *kv;

	if (c->nkv == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;

		kv = realloc(c->kv, cap * sizeof(*kv));
		if (!kv)
			return prof_err(ps, line, "out of memory");
		c->kv = kv;
		c->cap = cap;
	}
	kv = &c->kv[c->nkv];
	kv->key = strndup(ks, (size_t)(ke - ks));
	kv->val = strndup(vs, (size_t)(ve - vs));
	kv->line = line;
	if (!kv->key || !kv->val) {
		free(kv->key);
		free(kv->val);
		return prof_err(ps, line, "out of memory");
	}
	c->nkv++;
	return 0;
}

static int key_value(struct prof_parser *ps, int line, const char *s,
		     const char *e)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	const char *ks = s, *ke = eq, *vs, *ve = e;
	const struct prof_kv *old;
	char key[64];

	if (!eq)
		return prof_err(ps, line, "syntax error: expected "
				"'key = value' or '[section]'");
	trim(&ks, &ke);
	if (ks == ke)
		return prof_err(ps, line, "syntax error: no key before '='");
	if (!name_ok(ks, ke) || ke - ks >= (long)sizeof(key))
		return prof_err(ps, line, "invalid key '%.*s'",
				(int)(ke - ks), ks);
	memcpy(key, ks, (size_t)(ke - ks));
	key[ke - ks] = '\0';
	if (!ps->cur.name)
		return prof_err(ps, line, "'%s' outside a section (a profile "
				"starts with [profile])", key);
	old = prof_kv_find(&ps->cur, key);
	if (old)
		return prof_err(ps, line, "duplicate key '%s' "
				"(first on line %d)", key, old->line);
	vs = eq + 1;
	trim(&vs, &ve);
	return kv_add(ps, line, ks, ke, vs, ve);
}

static int parse_line(struct prof_parser *ps, int line, const char *s,
		      const char *e)
{
	if (check_bytes(ps, line, s, e))
		return -1;
	e = strip_comment(s, e);
	trim(&s, &e);
	if (s == e)
		return 0;
	if (*s == '[')
		return sect_begin(ps, line, s, e);
	return key_value(ps, line, s, e);
}

static char *profile_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 8 && !strcmp(base + n - 8, ".profile"))
		n -= 8;
	return strndup(base, n);
}

static int parse_text(struct prof_parser *ps, const char *text, size_t len)
{
	const char *s = text, *end = text + len, *nl;
	int line = 0;

	while (s < end) {
		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (parse_line(ps, line, s, nl ? nl : end))
			return -1;
		s = nl ? nl + 1 : end;
	}
	if (sect_end(ps))
		return -1;
	if (!ps->profile_line)
		return prof_err(ps, line ? line : 1, "no [profile] section");
	if (ps->p->ninst == 0)
		return prof_err(ps, ps->profile_line, "profile has no "
				"instances (add a section with "
				"'workload = NAME')");
	return 0;
}

int tb_profile_parse_n(const char *path, const char *text, size_t len,
		       tb_wl_lookup lookup, struct tb_profile *p,
		       char *err, size_t errlen)
{
	struct prof_parser ps = {
		.path = path, .lookup = lookup, .p = p,
		.err = err, .errlen = errlen,
	};
	int rc;

	memset(p, 0, sizeof(*p));
	if (err && errlen)
		err[0] = '\0';
	p->name = profile_name(path);
	p->description = strdup("");
	p->repeat = 3;
	p->discard = 0;
	p->timeout = 600;
	p->seed = 1;
	if (!p->name || !p->description)
		rc = prof_err(&ps, 0, "out of memory");
	else
		rc = parse_text(&ps, text, len);
	sect_free(&ps.cur);
	if (rc) {
		tb_profile_free(p);
		return -1;
	}
	return 0;
}

int tb_profile_parse(const char *path, const char *text, tb_wl_lookup lookup,
		     struct tb_profile *p, char *err, size_t errlen)
{
	return tb_profile_parse_n(path, text, strlen(text), lookup, p,
				  err, errlen);
}

void tb_profile_free(struct tb_profile *p)
{
	size_t i;

	for (i = 0; i < p->ninst; i++) {
		free(p->inst[i].name);
		free(p->inst[i].params);
	}
	free(p->inst);
	free(p->name);
	free(p->description);
	memset(p, 0, sizeof(*p));
}
