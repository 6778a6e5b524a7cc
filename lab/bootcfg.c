/* bootcfg.c - the few parts of syslinux.cfg that twinbench touches.
 *
 * Keywords are case-insensitive and may be indented, as in syslinux.
 * `DEFAULT NAME` picks the entry; every entry starts with `LABEL NAME` and
 * runs to the next LABEL; its `APPEND` line holds the kernel parameters.
 * Edits change only the lines they must and keep every other byte.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lab.h"
#include "tb_util.h"

struct line {
	const char *s;		/* start */
	size_t len;		/* without the line end */
	size_t full;		/* with it */
};

struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (b->err)
		return;
	if (!b->p || b->len + n + 1 > b->cap) {
		cap = (b->len + n + 1) * 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->err = -ENOMEM;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static char *sb_done(struct sbuf *b)
{
	if (!b->err && !b->p)
		sb_add(b, "", 0);
	if (b->err) {
		free(b->p);
		return NULL;
	}
	return b->p;
}

/* Next line at *pos of text; 0 at the end. */
static int next_line(const char *text, size_t *pos, struct line *l)
{
	const char *s = text + *pos, *nl;

	if (!*s)
		return 0;
	nl = strchr(s, '\n');
	l->s = s;
	l->full = nl ? (size_t)(nl - s) + 1 : strlen(s);
	l->len = nl ? (size_t)(nl - s) : l->full;
	while (l->len > 0 && (s[l->len - 1] == '\r'))
		l->len--;
	*pos += l->full;
	return 1;
}

/* If l is `KW arg`, the offset of arg (blanks skipped), else 0. */
static size_t kw_arg(const struct line *l, const char *kw)
{
	size_t i = 0, k = strlen(kw);

	while (i < l->len && isblank((unsigned char)l->s[i]))
		i++;
	if (l->len - i < k || strncasecmp(l->s + i, kw, k))
		return 0;
	i += k;
	if (i < l->len && !isblank((unsigned char)l->s[i]))
		return 0;
	while (i < l->len && isblank((unsigned char)l->s[i]))
		i++;
	return i;
}

/* The first word of l from offset i, malloc'ed. */
static char *word_at(const struct line *l, size_t i)
{
	size_t j = i;

	while (j < l->len && !isblank((unsigned char)l->s[j]))
		j++;
	return strndup(l->s + i, j - i);
}

static int add_label(struct bootcfg *c, char *name)
{
	char **nl = realloc(c->labels, (c->nlabels + 1) * sizeof(*nl));

	if (!nl) {
		free(name);
		return -ENOMEM;
	}
	c->labels = nl;
	c->labels[c->nlabels++] = name;
	return 0;
}

int bootcfg_parse(const char *text, struct bootcfg *c)
{
	struct line l;
	size_t pos = 0, a;
	char *w;

	memset(c, 0, sizeof(*c));
	c->text = strdup(text);
	if (!c->text)
		return -ENOMEM;
	while (next_line(text, &pos, &l)) {
		if ((a = kw_arg(&l, "LABEL")) && a < l.len) {
			w = word_at(&l, a);
			if (!w || add_label(c, w))
				goto nomem;
		} else if ((a = kw_arg(&l, "DEFAULT")) && a < l.len) {
			free(c->deflt);
			c->deflt = word_at(&l, a);
			if (!c->deflt)
				goto nomem;
		}
	}
	return 0;
nomem:
	bootcfg_free(c);
	return -ENOMEM;
}

void bootcfg_free(struct bootcfg *c)
{
	for (size_t i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->deflt);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

int bootcfg_has(const struct bootcfg *c, const char *label)
{
	for (size_t i = 0; i < c->nlabels; i++)
		if (!strcmp(c->labels[i], label))
			return 1;
	return 0;
}

char *bootcfg_labels_str(const struct bootcfg *c)
{
	struct sbuf b = { 0 };

	for (size_t i = 0; i < c->nlabels; i++) {
		if (i)
			sb_str(&b, ", ");
		sb_str(&b, c->labels[i]);
	}
	if (!c->nlabels)
		sb_str(&b, "(none)");
	return sb_done(&b);
}

/* l with everything after the keyword replaced by " value". */
static void put_kw_line(struct sbuf *b, const struct line *l, size_t a,
			const char *value)
{
	size_t kwend = a;

	while (kwend > 0 && isblank((unsigned char)l->s[kwend - 1]))
		kwend--;
	sb_add(b, l->s, kwend);
	sb_str(b, " ");
	sb_str(b, value);
	sb_add(b, l->s + l->len, l->full - l->len);
}

char *bootcfg_set_default(const char *text, const char *label)
{
	struct sbuf b = { 0 };
	struct line l;
	size_t pos = 0, a;
	int seen = 0;

	while (next_line(text, &pos, &l)) {
		if ((a = kw_arg(&l, "DEFAULT")) && a < l.len) {
			put_kw_line(&b, &l, a, label);
			seen = 1;
		} else {
			sb_add(&b, l.s, l.full);
		}
	}
	if (!seen) {
		struct sbuf nb = { 0 };

		sb_str(&nb, "DEFAULT ");
		sb_str(&nb, label);
		sb_str(&nb, "\n");
		sb_add(&nb, b.p ? b.p : "", b.len);
		nb.err = nb.err ? nb.err : b.err;
		free(b.p);
		b = nb;
	}
	return sb_done(&b);
}

static int is_param(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n > k && !strncmp(s, key, k) && s[k] == '=';
}

/* An APPEND line with every key=... dropped and key=value added last. */
static void put_append(struct sbuf *b, const struct line *l, size_t a,
		       const char *key, const char *value)
{
	size_t i = a, j;

	sb_add(b, l->s, a);
	if (a == l->len && !isblank((unsigned char)l->s[a - 1]))
		sb_str(b, " ");
	while (i < l->len) {
		j = i;
		while (j < l->len && !isblank((unsigned char)l->s[j]))
			j++;
		if (j > i && !is_param(l->s + i, j - i, key)) {
			sb_add(b, l->s + i, j - i);
			sb_str(b, " ");
		}
		for (i = j; i < l->len && isblank((unsigned char)l->s[i]);)
			i++;
	}
	sb_str(b, key);
	sb_str(b, "=");
	sb_str(b, value);
	sb_add(b, l->s + l->len, l->full - l->len);
}

/* An entry without APPEND gets one at its end. */
static void add_append(struct sbuf *b, const char *key, const char *value)
{
	if (b->len && b->p[b->len - 1] != '\n')
		sb_str(b, "\n");
	sb_str(b, "  APPEND ");
	sb_str(b, key);
	sb_str(b, "=");
	sb_str(b, value);
	sb_str(b, "\n");
}

static int is_label(const struct line *l, size_t a, const char *label)
{
	size_t n = strlen(label);

	return l->len - a >= n && !strncmp(l->s + a, label, n) &&
	       (a + n == l->len || isblank((unsigned char)l->s[a + n]));
}

char *bootcfg_set_param(const char *text, const char *label,
			const char *key, const char *value)
{
	struct sbuf b = { 0 };
	struct line l;
	size_t pos = 0, a;
	int in = 0, done = 0;

	while (next_line(text, &pos, &l)) {
		if ((a = kw_arg(&l, "LABEL")) && a < l.len) {
			if (in && !done) {
				add_append(&b, key, value);
				done = 1;
			}
			in = !done && is_label(&l, a, label);
		} else if (in && !done && (a = kw_arg(&l, "APPEND"))) {
			put_append(&b, &l, a, key, value);
			done = 1;
			continue;
		}
		sb_add(&b, l.s, l.full);
	}
	if (in && !done)
		add_append(&b, key, value);
	return sb_done(&b);
}

char *bootcfg_append(const char *text, const char *label)
{
	struct line l;
	size_t pos = 0, a;
	int in = 0, found = 0;

	while (next_line(text, &pos, &l)) {
		if ((a = kw_arg(&l, "LABEL")) && a < l.len) {
			if (in)
				break;
			in = is_label(&l, a, label);
			found |= in;
		} else if (in && (a = kw_arg(&l, "APPEND"))) {
			return strndup(l.s + a, l.len - a);
		}
	}
	return found ? strdup("") : NULL;
}
