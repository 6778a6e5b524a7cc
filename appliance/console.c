/* console.c - print to the console and keep a copy for console.log.
 *
 * The copy lives in memory (a run prints a few lines per repetition); if it
 * cannot grow, printing goes on and the log just stops growing.  A terse
 * console (container mode, `run --quiet`) prints only the lines a terminal
 * shows (progress, messages, the outcome: tb_conline.h); the copy still
 * gets everything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "appliance.h"

void con_init(struct con *c, int fd)
{
	c->fd = fd;
	c->buf = NULL;
	c->len = 0;
	c->cap = 0;
	c->terse = 0;
}

void con_free(struct con *c)
{
	if (c->terse)
		tb_conline_flush(&c->filter);
	c->terse = 0;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

static void keep(struct con *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		char *nb;

		while (cap < c->len + n + 1)
			cap *= 2;
		nb = realloc(c->buf, cap);
		if (!nb)
			return;
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

void con_log_only(struct con *c, const char *s)
{
	keep(c, s, strlen(s));
}

static void out_raw(void *ctx, const char *s, size_t n)
{
	const struct con *c = ctx;
	size_t off = 0;

	while (off < n) {
		ssize_t w = write(c->fd, s + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

static void out(struct con *c, const char *s, size_t n)
{
	if (c->terse)
		tb_conline_feed(&c->filter, s, n);
	else
		out_raw(c, s, n);
}

void con_terse(struct con *c)
{
	tb_conline_init(&c->filter, out_raw, c);
	c->terse = 1;
}

void con_print_only(struct con *c, const char *s)
{
	out(c, s, strlen(s));
}

void con_write(struct con *c, const char *s, size_t n)
{
	keep(c, s, n);
	out(c, s, n);
}

void con_vprintf(struct con *c, const char *fmt, va_list ap)
{
	char *text = NULL;
	int n = vasprintf(&text, fmt, ap);

	if (n < 0)
		return;
	con_write(c, text, (size_t)n);
	free(text);
}

void con_printf(struct con *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(c, fmt, ap);
	va_end(ap);
}
