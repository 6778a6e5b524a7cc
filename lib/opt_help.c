/* opt_help.c - formatting option tables for people (tb_opt_help). */
#include <stdio.h>
#include <string.h>

#include "tb_opt.h"
#include "opt_priv.h"

#define HELP_COLS 4

static const char *const type_names[] = {
	[TB_OPT_INT] = "int",
	[TB_OPT_SIZE] = "size",
	[TB_OPT_DOUBLE] = "number",
	[TB_OPT_BOOL] = "bool",
	[TB_OPT_STR] = "text",
	[TB_OPT_ENUM] = "choice",
};

const char *opt_choice(const struct tb_opt *o, int idx)
{
	int i;

	if (!o->choices || idx < 0)
		return NULL;
	for (i = 0; o->choices[i]; i++)
		if (i == idx)
			return o->choices[i];
	return NULL;
}

static void int_fmt(double d, char *buf, size_t len)
{
	if (d > -9.2e18 && d < 9.2e18)
		snprintf(buf, len, "%lld", (long long)d);
	else
		snprintf(buf, len, "%.0f", d);
}

void opt_size_fmt(int64_t v, char *buf, size_t len)
{
	static const char suf[] = "TGMK";
	int i;

	for (i = 0; i < 4 && v != 0; i++) {
		int64_t unit = (int64_t)1 << (10 * (4 - i));

		if (v % unit == 0) {
			snprintf(buf, len, "%lld%c", (long long)(v / unit),
				 suf[i]);
			return;
		}
	}
	snprintf(buf, len, "%lld", (long long)v);
}

void opt_range_fmt(const struct tb_opt *o, char *buf, size_t len)
{
	char a[32], b[32];

	if (o->type == TB_OPT_SIZE && o->min >= 0 && o->max < 9.2e18) {
		opt_size_fmt((int64_t)o->min, a, sizeof(a));
		opt_size_fmt((int64_t)o->max, b, sizeof(b));
	} else if (o->type == TB_OPT_INT || o->type == TB_OPT_SIZE) {
		int_fmt(o->min, a, sizeof(a));
		int_fmt(o->max, b, sizeof(b));
	} else {
		snprintf(a, sizeof(a), "%g", o->min);
		snprintf(b, sizeof(b), "%g", o->max);
	}
	snprintf(buf, len, "%s..%s", a, b);
}

/* The "range" column: a numeric range, the choices, or a hint. */
static void help_range(const struct tb_opt *o, char *buf, size_t len)
{
	size_t used = 0;
	int i, w;

	buf[0] = '\0';
	switch (o->type) {
	case TB_OPT_INT:
	case TB_OPT_SIZE:
	case TB_OPT_DOUBLE:
		if (opt_has_range(o))
			opt_range_fmt(o, buf, len);
		else
			snprintf(buf, len, "any");
		break;
	case TB_OPT_BOOL:
		snprintf(buf, len, "yes|no");
		break;
	case TB_OPT_STR:
		snprintf(buf, len, "<%d bytes", TB_OPT_STRLEN);
		break;
	case TB_OPT_ENUM:
		for (i = 0; o->choices && o->choices[i]; i++) {
			w = snprintf(buf + used, len - used, "%s%s",
				     i ? "|" : "", o->choices[i]);
			if (w < 0 || (size_t)w >= len - used)
				break;
			used += (size_t)w;
		}
		break;
	}
}

static void help_cells(const struct tb_opt *o, char cell[HELP_COLS][160])
{
	snprintf(cell[0], 160, "%s", o->name);
	snprintf(cell[1], 160, "%s", type_names[o->type]);
	help_range(o, cell[2], 160);
	snprintf(cell[3], 160, "%s", o->def ? o->def : "-");
}

void tb_opt_help(const struct tb_opt *tab, int fd)
{
	char cell[HELP_COLS][160];
	int width[HELP_COLS] = { 0 };
	const struct tb_opt *o;
	int c;

	static const char *const head[HELP_COLS] = {
		"option", "type", "range", "default"
	};

	for (c = 0; c < HELP_COLS; c++)
		width[c] = (int)strlen(head[c]);
	for (o = tab; o && o->name; o++) {
		help_cells(o, cell);
		for (c = 0; c < HELP_COLS; c++)
			if ((int)strlen(cell[c]) > width[c])
				width[c] = (int)strlen(cell[c]);
	}
	if (!tab || !tab->name) {
		dprintf(fd, "  (no options)\n");
		return;
	}
	dprintf(fd, "  %-*s  %-*s  %-*s  %-*s  %s\n", width[0], head[0],
		width[1], head[1], width[2], head[2], width[3], head[3],
		"description");
	for (o = tab; o->name; o++) {
		help_cells(o, cell);
		dprintf(fd, "  %-*s  %-*s  %-*s  %-*s  %s\n",
			width[0], cell[0], width[1], cell[1],
			width[2], cell[2], width[3], cell[3],
			o->help ? o->help : "");
	}
}
