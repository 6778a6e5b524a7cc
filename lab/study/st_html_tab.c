/* st_html_tab.c - the tables of report.html.
 *
 * Each table is a list of columns (heading, what kind of cell, offsetof
 * the field) over an array of structures: the platforms, the rows, the
 * geometric means, the failures.  One function turns a field into text,
 * so every table formats a number, a relative value or a CI the same way
 * (st_num: six significant digits), and the full table has the columns
 * of report.csv, in its order, with its empty cells: an info row has no
 * median, cv, relative or CI, a row without baseline data no relative.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "study/st_html.h"
#include "utf8_priv.h"

#define CELL_LEN	96

enum cell_kind {
	CELL_STR,	/* char * */
	CELL_SIZE,	/* size_t */
	CELL_INT,	/* int */
	CELL_NUM,	/* double */
	CELL_PLAT,	/* size_t index into r->plats: its name */
	CELL_RUN,	/* const struct st_run *: its id */
	CELL_MARK,	/* int: "incomplete" when set */
	CELL_BETTER,	/* enum st_better */
	CELL_VALUE,	/* st_row double: "" for an info row */
	CELL_REL,	/* st_row double: "" without a relative */
	CELL_SIG,	/* st_row: yes/no when a CI was computed */
	CELL_CI,	/* st_row: "[low, high]" */
	CELL_GEO_SIG,	/* st_geo: yes/no when a CI was computed */
};

struct cell_col {
	const char *head;
	enum cell_kind kind;
	size_t off;
};

#define COL(h, k, type, field) { h, k, offsetof(type, field) }
#define PCOL(h, field) COL(h, CELL_STR, struct st_platform, field)
#define WCOL(h, k, field) COL(h, k, struct st_row, field)

static const struct cell_col plat_cols[] = {
	PCOL("platform", name), PCOL("label", label),
	PCOL("hypervisor", hypervisor), PCOL("kernel", kernel),
	PCOL("cpu", cpu), PCOL("memory", memory), PCOL("disks", disks),
	PCOL("nics", nics), PCOL("image", image), PCOL("mode", mode),
	PCOL("profile", profile),
	COL("boots", CELL_SIZE, struct st_platform, nruns),
	COL("kept runs", CELL_SIZE, struct st_platform, kept),
	COL("incomplete", CELL_MARK, struct st_platform, incomplete),
};

static const struct cell_col head_cols[] = {
	WCOL("platform", CELL_PLAT, plat), WCOL("instance", CELL_STR, instance),
	WCOL("metric", CELL_STR, metric), WCOL("unit", CELL_STR, unit),
	WCOL("relative", CELL_REL, rel), WCOL("CI", CELL_CI, ci_lo),
	WCOL("significant", CELL_SIG, significant),
	WCOL("outliers", CELL_SIZE, outliers), WCOL("flags", CELL_STR, flags),
};

/* The columns of report.csv. */
static const struct cell_col row_cols[] = {
	WCOL("platform", CELL_PLAT, plat), WCOL("instance", CELL_STR, instance),
	WCOL("workload", CELL_STR, workload), WCOL("metric", CELL_STR, metric),
	WCOL("unit", CELL_STR, unit), WCOL("better", CELL_BETTER, better),
	WCOL("n", CELL_SIZE, n), WCOL("median", CELL_VALUE, median),
	WCOL("min", CELL_NUM, min), WCOL("max", CELL_NUM, max),
	WCOL("cv", CELL_VALUE, cv), WCOL("relative", CELL_REL, rel),
	WCOL("ci_low", CELL_REL, ci_lo), WCOL("ci_high", CELL_REL, ci_hi),
	WCOL("significant", CELL_SIG, significant),
	WCOL("outliers", CELL_SIZE, outliers), WCOL("flags", CELL_STR, flags),
};

static const struct cell_col geo_cols[] = {
	COL("platform", CELL_PLAT, struct st_geo, plat),
	COL("geometric mean", CELL_NUM, struct st_geo, gm),
	COL("ci_low", CELL_NUM, struct st_geo, ci_lo),
	COL("ci_high", CELL_NUM, struct st_geo, ci_hi),
	COL("significant", CELL_GEO_SIG, struct st_geo, significant),
};

static const struct cell_col fail_cols[] = {
	COL("platform", CELL_PLAT, struct st_failure, plat),
	COL("run", CELL_RUN, struct st_failure, run),
	COL("instance", CELL_STR, struct st_failure, instance),
	COL("rep", CELL_INT, struct st_failure, rep),
	COL("status", CELL_STR, struct st_failure, status),
	COL("reason", CELL_STR, struct st_failure, reason),
};

#define NCOLS(a)	(sizeof(a) / sizeof((a)[0]))

static const char *html_ref(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

void st_html_esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), k;

	for (; n; p += k, n -= k) {
		k = tb_utf8_seq_len(p, n);
		if (!k || (k == 1 && *p < 0x20 && *p != '\t' && *p != '\n') ||
		    (k == 1 && *p == 0x7f)) {
			fputs("&#xFFFD;", f);
			k = k ? k : 1;
		} else if (k == 1 && html_ref(*p)) {
			fputs(html_ref(*p), f);
		} else {
			fwrite(p, 1, k, f);
		}
	}
}

/* A row's relative columns exist only when a baseline was there. */
static const char *row_rel(const struct st_row *w, double v, char *b)
{
	return w->has_rel ? st_num(b, CELL_LEN, v) : "";
}

static const char *row_sig(const struct st_row *w)
{
	if (!w->has_rel || w->plat == 0 || isnan(w->ci_lo))
		return "";
	return w->significant ? "yes" : "no";
}

static const char *row_cell(const struct st_row *w, enum cell_kind k,
			    double v, char *b)
{
	char lo[32], hi[32];

	switch (k) {
	case CELL_VALUE:
		return w->better == ST_INFO ? "" : st_num(b, CELL_LEN, v);
	case CELL_REL:
		return row_rel(w, v, b);
	case CELL_SIG:
		return row_sig(w);
	default:	/* CELL_CI */
		if (!w->has_rel || isnan(w->ci_lo))
			return "";
		snprintf(b, CELL_LEN, "[%s, %s]", st_num(lo, 32, w->ci_lo),
			 st_num(hi, 32, w->ci_hi));
		return b;
	}
}

/* The text of column c of the structure at p (b: CELL_LEN bytes). */
static const char *cell_text(const struct st_report *r,
			     const struct cell_col *c, const void *p, char *b)
{
	const char *f = (const char *)p + c->off;
	size_t plat;

	switch (c->kind) {
	case CELL_STR:
		return *(char *const *)(const void *)f;
	case CELL_SIZE:
		snprintf(b, CELL_LEN, "%zu", *(const size_t *)(const void *)f);
		return b;
	case CELL_INT:
		snprintf(b, CELL_LEN, "%d", *(const int *)(const void *)f);
		return b;
	case CELL_NUM:
		return st_num(b, CELL_LEN, *(const double *)(const void *)f);
	case CELL_PLAT:
		plat = *(const size_t *)(const void *)f;
		return plat < r->nplats ? r->plats[plat].name : "";
	case CELL_RUN:
		p = *(const struct st_run *const *)(const void *)f;
		return p ? ((const struct st_run *)p)->id : "";
	case CELL_MARK:
		return *(const int *)(const void *)f ? "incomplete" : "";
	case CELL_BETTER:
		return st_better_name(*(const enum st_better *)(const void *)f);
	case CELL_GEO_SIG:
		if (isnan(((const struct st_geo *)p)->ci_lo))
			return "";
		return *(const int *)(const void *)f ? "yes" : "no";
	default:
		return row_cell(p, c->kind, *(const double *)(const void *)f,
				b);
	}
}

static int cell_right(enum cell_kind k)
{
	return k != CELL_STR && k != CELL_PLAT && k != CELL_RUN &&
	       k != CELL_MARK && k != CELL_BETTER;
}

/* <table> of n structures of size each at base; keep (NULL: all) picks. */
static void html_table(const struct st_report *r, FILE *f,
		       const struct cell_col *cols, size_t ncols,
		       const void *base, size_t size, size_t n,
		       int (*keep)(const void *))
{
	char b[CELL_LEN];
	size_t shown = 0;

	fputs("<div class=\"wide\"><table>\n<thead><tr>", f);
	for (size_t c = 0; c < ncols; c++) {
		fputs("<th>", f);
		st_html_esc(f, cols[c].head);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		const void *p = (const char *)base + i * size;

		if (keep && !keep(p))
			continue;
		fputs("<tr>", f);
		for (size_t c = 0; c < ncols; c++) {
			fputs(cell_right(cols[c].kind) ? "<td class=\"n\">" :
			      "<td>", f);
			st_html_esc(f, cell_text(r, &cols[c], p, b));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
		shown++;
	}
	if (!shown)
		fprintf(f, "<tr><td colspan=\"%zu\">(none)</td></tr>\n", ncols);
	fputs("</tbody>\n</table></div>\n", f);
}

static int is_headline(const void *p)
{
	return ((const struct st_row *)p)->headline;
}

void st_html_plats(const struct st_report *r, FILE *f)
{
	fputs("<h2 id=\"platforms\">Platforms</h2>\n", f);
	html_table(r, f, plat_cols, NCOLS(plat_cols), r->plats,
		   sizeof(*r->plats), r->nplats, NULL);
}

void st_html_headline(const struct st_report *r, FILE *f)
{
	fputs("<h2 id=\"headline\">Headline results</h2>\n", f);
	html_table(r, f, head_cols, NCOLS(head_cols), r->rows,
		   sizeof(*r->rows), r->nrows, is_headline);
}

void st_html_geo(const struct st_report *r, FILE *f)
{
	fputs("<h2 id=\"geomean\">Geometric means</h2>\n<p>Over the ", f);
	fprintf(f, "%zu benchmark%s every platform ran:", r->nbench,
		r->nbench == 1 ? "" : "s");
	for (size_t i = 0; i < r->nbench; i++) {
		fputs(i ? ", " : " ", f);
		st_html_esc(f, r->bench[i]);
	}
	fputs(".</p>\n", f);
	html_table(r, f, geo_cols, NCOLS(geo_cols), r->geo, sizeof(*r->geo),
		   r->ngeo, NULL);
}

void st_html_rows(const struct st_report *r, FILE *f)
{
	fputs("<h2 id=\"rows\">All rows</h2>\n", f);
	html_table(r, f, row_cols, NCOLS(row_cols), r->rows, sizeof(*r->rows),
		   r->nrows, NULL);
}

void st_html_fails(const struct st_report *r, FILE *f)
{
	fputs("<h2 id=\"failures\">Failures</h2>\n", f);
	html_table(r, f, fail_cols, NCOLS(fail_cols), r->fails,
		   sizeof(*r->fails), r->nfails, NULL);
}
