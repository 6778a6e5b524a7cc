/* conline.c - the console lines a terminal shows (tb_conline.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tb_conline.h"

#define MARK_DONE	"TWINBENCH-DONE "

/* Machine-readable lines: for `twinbench console`, not for people. */
static const char *const hidden[] = {
	"TWINBENCH {", "TWINBENCH-HARDWARE {", "TWINBENCH-RUN {",
};

/* Anywhere in a line: the appliance's messages, kernel trouble. */
static const char *const shown[] = {
	"twinbench:", "Kernel panic", "Oops:", "BUG: ", "Out of memory",
};

static int has_any(const char *line, const char *const *marks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(line, marks[i]))
			return 1;
	return 0;
}

static const char *digits(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

/* "[N/M " starts a progress line. */
static int is_progress(const char *s)
{
	if (*s != '[' || !(s = digits(s + 1)) || *s != '/' ||
	    !(s = digits(s + 1)))
		return 0;
	return *s == ' ';
}

/* "twinbench 0.1.0: ..." (the appliance's headers) */
static int is_header(const char *s)
{
	return !strncmp(s, "twinbench ", 10) && isdigit((unsigned char)s[10]);
}

/* "<run-id> <status>[ <reason>]" in words. */
static const char *done_words(const char *p, char *out, size_t n)
{
	char id[128], status[32];
	int end = 0;

	if (sscanf(p, "%127s %31s%n", id, status, &end) != 2)
		return NULL;
	p += end;
	if (*p == ' ')
		p++;
	snprintf(out, n, "twinbench: run %s finished, status %s%s%s", id,
		 status, *p ? ": " : "", p);
	return out;
}

const char *tb_conline_show(const char *line, char *out, size_t n)
{
	const char *done = strstr(line, MARK_DONE);

	if (has_any(line, hidden, sizeof(hidden) / sizeof(*hidden)))
		return NULL;
	if (done)
		return done_words(done + strlen(MARK_DONE), out, n);
	if (is_progress(line) || is_header(line) ||
	    has_any(line, shown, sizeof(shown) / sizeof(*shown)))
		return line;
	return NULL;
}

void tb_conline_init(struct tb_conline *c, tb_conline_fn *fn, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->fn = fn;
	c->ctx = ctx;
}

/* line[0..len) is a line: judge it, pass it on if shown. */
static void take(struct tb_conline *c)
{
	const char *s;

	while (c->len && c->line[c->len - 1] == '\r')
		c->len--;
	c->line[c->len] = '\0';
	s = tb_conline_show(c->line, c->out, sizeof(c->out));
	if (s) {
		c->fn(c->ctx, s, strlen(s));
		c->fn(c->ctx, "\n", 1);
	}
}

void tb_conline_feed(struct tb_conline *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (!c->cut)
				take(c);
			c->len = 0;
			c->cut = 0;
		} else if (c->cut) {
			continue;
		} else if (c->len == sizeof(c->line) - 1) {
			take(c);
			c->cut = 1;
		} else {
			c->line[c->len++] = s[i];
		}
	}
}

void tb_conline_flush(struct tb_conline *c)
{
	if (c->len && !c->cut)
		take(c);
	c->len = 0;
	c->cut = 0;
}
