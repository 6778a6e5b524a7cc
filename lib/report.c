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
	return tb_report_side(ctx, TB_SIDE_NONE, metric, value, unit, better);
}

const char *tb_side_name(enum tb_side side)
{
	return side == TB_SIDE_LOCAL ? "local" :
		side == TB_SIDE_PEER ? "peer" : NULL;
}

int tb_report_side(struct tb_ctx *ctx, enum tb_side side, const char *metric,
		   double value, const char *unit, enum tb_better better)
{
	char m[MSG_FIELD(metric)], u[MSG_FIELD(unit)], line[256];
	const char *sn = tb_side_name(side);
	int n;

	if (!metric || !*metric || !isfinite(value))
		return -EINVAL;
	field_clean(m, sizeof(m), metric);
	field_clean(u, sizeof(u), unit ? unit : "");
	n = snprintf(line, sizeof(line), "R\t%s\t%.17g\t%s\t%s%s%s\n", m,
		     value, u, tb_better_name(better), sn ? "\t" : "",
		     sn ? sn : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return write_line(ctx->report_fd, line, (size_t)n);
}

const char *tb_better_name(enum tb_better b)
{
	return b == TB_HIGHER ? "higher" : b == TB_LOWER ? "lower" : "info";
}

int tb_derived(struct tb_ctx *ctx, const char *param, double value)
{
	char m[MSG_FIELD(metric)], line[160];
	int n;

	if (!param || !*param || !isfinite(value))
		return -EINVAL;
	field_clean(m, sizeof(m), param);
	n = snprintf(line, sizeof(line), "D\t%s\t%.17g\n", m, value);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return write_line(ctx->report_fd, line, (size_t)n);
}

int tb_report_phase(struct tb_ctx *ctx, uint64_t ns, double cpu_s,
		    long rss_kib)
{
	char line[128];
	int n;

	if (!isfinite(cpu_s) || cpu_s < 0)
		cpu_s = 0;
	n = snprintf(line, sizeof(line), "P\t%llu\t%.17g\t%ld\n",
		     (unsigned long long)ns, cpu_s, rss_kib < 0 ? -1 : rss_kib);
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

/* A finite number filling the field [s, e); -1 otherwise. */
static int field_num(const char *s, const char *e, double *v)
{
	char num[64], *end;

	if (field_take(num, sizeof(num), s, e) || !num[0] || num[0] == ' ')
		return -1;
	*v = strtod(num, &end);
	return *end || !isfinite(*v) ? -1 : 0;
}

static int parse_result(const char **f, const char **fe,
			struct tb_report_msg *m)
{
	size_t blen = (size_t)(fe[4] - f[4]);

	if (f[1] == fe[1] || field_take(m->metric, sizeof(m->metric),
					f[1], fe[1]))
		return -1;
	if (field_num(f[2], fe[2], &m->value))
		return -1;
	if (field_take(m->unit, sizeof(m->unit), f[3], fe[3]))
		return -1;
	if (blen == 6 && !memcmp(f[4], "higher", 6))
		m->better = TB_HIGHER;
	else if (blen == 5 && !memcmp(f[4], "lower", 5))
		m->better = TB_LOWER;
	else if (blen == 4 && !memcmp(f[4], "info", 4))
		m->better = TB_INFO;
	else
		return -1;
	return 0;
}

/* The optional side field of an R line. */
static int parse_side(const char *s, const char *e, struct tb_report_msg *m)
{
	size_t n = (size_t)(e - s);

	if (n == 5 && !memcmp(s, "local", 5))
		m->side = TB_SIDE_LOCAL;
	else if (n == 4 && !memcmp(s, "peer", 4))
		m->side = TB_SIDE_PEER;
	else
		return -1;
	return 0;
}

static int parse_derived(const char **f, const char **fe,
			 struct tb_report_msg *m)
{
	if (f[1] == fe[1] || field_take(m->metric, sizeof(m->metric),
					f[1], fe[1]))
		return -1;
	return field_num(f[2], fe[2], &m->value);
}

static int parse_phase(const char **f, const char **fe,
		       struct tb_report_msg *m)
{
	double ns, rss;

	if (field_num(f[1], fe[1], &ns) || ns < 0 || ns > 1.8e19 ||
	    field_num(f[2], fe[2], &m->value) || m->value < 0 ||
	    field_num(f[3], fe[3], &rss) || rss < -1 || rss > 1e15)
		return -1;
	m->ns = (uint64_t)ns;
	m->rss_kib = (long)rss;
	return 0;
}

int tb_report_parse(const char *line, struct tb_report_msg *m)
{
	const char *f[6], *fe[6], *end;
	size_t len;
	int n;

	memset(m, 0, sizeof(*m));
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	end = line + len;
	n = split_tabs(line, end, f, fe, 6);
	if (n < 2 || fe[0] - f[0] != 1)
		return -1;
	m->kind = line[0];
	if (m->kind == 'R' && (n == 5 || n == 6))
		return parse_result(f, fe, m) ||
			(n == 6 && parse_side(f[5], fe[5], m)) ? -1 : 0;
	if (m->kind == 'D' && n == 3)
		return parse_derived(f, fe, m);
	if (m->kind == 'P' && n == 4)
		return parse_phase(f, fe, m);
	if ((m->kind == 'F' || m->kind == 'S') && n == 2)
		return field_take(m->reason, sizeof(m->reason), f[1], fe[1]);
	return -1;
}
