/* report.c - the workload -> runner report pipe (see tb_workload.h).
 *
 * Each message is one line written with a single write(), so lines from
 * concurrent writers stay whole (they are far below PIPE_BUF).  Fields are
 * sanitized (tabs, newlines and other control characters become spaces) and
 * cut to what struct tb_report_msg holds, at a UTF-8 character boundary.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tb_workload.h"

#define MSG_FIELD(f) (sizeof(((struct tb_report_msg *)0)->f))

/* Copy s into dst (size len) without control characters, cut at a
 * character boundary. */
static void field_clean(char *dst, size_t len, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++, n++) {
		unsigned char c = (unsigned char)*s;

		dst[n] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	/* Do not leave half a UTF-8 sequence behind. */
	if (*s && ((unsigned char)*s & 0xc0) == 0x80)
		while (n > 0 && ((unsigned char)dst[n - 1] & 0xc0) == 0x80)
			n--;
	if (*s && n > 0 && ((unsigned char)dst[n - 1] & 0xc0) == 0xc0)
		n--;
	dst[n] = '\0';
}

static int write_line(int fd, const char *line, size_t n)
{
	ssize_t w;

	if (fd < 0)
		return -EBADF;
	while (n > 0) {
		w = write(fd, line, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		line += w;
		n -= (size_t)w;
	}
	return 0;
}

int tb_report(struct tb_ctx *ctx, const char *metric, double value,
	      const char *unit, enum tb_better better)
{
	char m[MSG_FIELD(metric)], u[MSG_FIELD(unit)], line[256];
	int n;

	if (!metric || !*metric || !isfinite(value))
		return -EINVAL;
	field_clean(m, sizeof(m), metric);
	field_clean(u, sizeof(u), unit ? unit : "");
	n = snprintf(line, sizeof(line), "R\t%s\t%.17g\t%s\t%s\n", m, value,
		     u, better == TB_HIGHER ? "higher" : "lower");
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return write_line(ctx->report_fd, line, (size_t)n);
}

static int report_reason(struct tb_ctx *ctx, char kind, const char *fmt,
			 va_list ap)
{
	char r[MSG_FIELD(reason)], line[sizeof(r) + 4];
	char *text = NULL;
	int n;

	if (vasprintf(&text, fmt, ap) < 0)
		return -ENOMEM;
	field_clean(r, sizeof(r), text);
	free(text);
	n = snprintf(line, sizeof(line), "%c\t%s\n", kind, r);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return write_line(ctx->report_fd, line, (size_t)n);
}

int tb_fail(struct tb_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = report_reason(ctx, 'F', fmt, ap);
	va_end(ap);
	return rc;
}

int tb_skip(struct tb_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = report_reason(ctx, 'S', fmt, ap);
	va_end(ap);
	return rc;
}

/* Copy the field [s, e) into dst; -1 if it does not fit or has a
 * control character. */
static int field_take(char *dst, size_t len, const char *s, const char *e)
{
	size_t n = (size_t)(e - s), i;

	if (n >= len)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Split at tabs: up to max fields, start/end pointers; count or -1. */
static int split_tabs(const char *s, const char *end, const char **f,
		      const char **fe, int max)
{
	int n = 0;

	for (;;) {
		const char *t = memchr(s, '\t', (size_t)(end - s));

		if (n == max)
			return -1;
		f[n] = s;
		fe[n] = t ? t : end;
		n++;
		if (!t)
			return n;
		s = t + 1;
	}
}

static int parse_result(const char **f, const char **fe,
			struct tb_report_msg *m)
{
	char num[64], *e;
	size_t blen = (size_t)(fe[4] - f[4]);

	if (f[1] == fe[1] || field_take(m->metric, sizeof(m->metric),
					f[1], fe[1]))
		return -1;
	if (field_take(num, sizeof(num), f[2], fe[2]) || !num[0])
		return -1;
	m->value = strtod(num, &e);
	if (*e || !isfinite(m->value) || num[0] == ' ')
		return -1;
	if (field_take(m->unit, sizeof(m->unit), f[3], fe[3]))
		return -1;
	if (blen == 6 && !memcmp(f[4], "higher", 6))
		m->better = TB_HIGHER;
	else if (blen == 5 && !memcmp(f[4], "lower", 5))
		m->better = TB_LOWER;
	else
		return -1;
	return 0;
}

int tb_report_parse(const char *line, struct tb_report_msg *m)
{
	const char *f[5], *fe[5], *end;
	size_t len;
	int n;

	memset(m, 0, sizeof(*m));
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	end = line + len;
	n = split_tabs(line, end, f, fe, 5);
	if (n < 2 || fe[0] - f[0] != 1)
		return -1;
	m->kind = line[0];
	if (m->kind == 'R' && n == 5)
		return parse_result(f, fe, m) ? -1 : 0;
	if ((m->kind == 'F' || m->kind == 'S') && n == 2)
		return field_take(m->reason, sizeof(m->reason), f[1], fe[1]);
	return -1;
}
