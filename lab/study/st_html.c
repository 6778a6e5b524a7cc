/* st_html.c - report.html: one self-contained HTML5 page.
 *
 * No scripts, no external URL: the style sheet is inline and so are the
 * charts, read back from charts_dir as <svg> elements.  Their XML prolog
 * is dropped, and the ids gnuplot gives inside every chart (gpPt0,
 * gnuplot_canvas, ...) get the chart's number as a prefix, references
 * (href="#..", url(#..)) with them, so the page's ids stay unique.  Every
 * string of the report is escaped (st_html_esc); numbers come from
 * st_num; nothing from the clock or the environment, so the same report
 * gives the same page.  Sections: banners, the command, the platforms,
 * the headline rows, the geometric means, the charts, every row, the
 * failures.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_chart.h"
#include "study/st_html.h"
#include "tb_util.h"

static const char html_css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222;"
	"background:#fff}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}\n"
	"table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}\n"
	"th,td{border:1px solid #bbb;padding:0.2em 0.5em;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#eee}td.n{text-align:right;"
	"font-variant-numeric:tabular-nums}\n"
	".banner{background:#fff3c4;border:1px solid #d8a300;"
	"border-left:0.5em solid #d8a300;padding:0.5em 0.8em;"
	"margin:0.4em 0}\n"
	"code{background:#f4f4f4;padding:0.1em 0.3em;"
	"overflow-wrap:anywhere}\n"
	"figure{margin:1em 0}figure svg{max-width:100%;height:auto}\n"
	".wide{overflow-x:auto}.missing{color:#a00}\n";

static void html_head(const struct st_report *r, FILE *f)
{
	const char *base = r->opt.baseline ? r->opt.baseline :
			   ST_DEFAULT_BASELINE;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\" />\n"
	      "<meta name=\"viewport\" content=\"width=device-width\" />\n"
	      "<title>twinbench report</title>\n<style>\n", f);
	fputs(html_css, f);
	fputs("</style>\n</head>\n<body>\n<h1>twinbench report: ", f);
	fprintf(f, "%zu platform%s relative to ", r->nplats,
		r->nplats == 1 ? "" : "s");
	st_html_esc(f, base);
	fputs("</h1>\n", f);
}

static void html_banners(const struct st_report *r, FILE *f)
{
	for (size_t i = 0; i < r->nbanners; i++) {
		fputs("<p class=\"banner\" role=\"alert\"><strong>Warning:"
		      "</strong> ", f);
		st_html_esc(f, r->banners[i]);
		fputs("</p>\n", f);
	}
}

static void html_command(const struct st_report *r, FILE *f)
{
	fputs("<p>Made by <code>", f);
	st_html_esc(f, r->command ? r->command : "twinbench report");
	fputs("</code>. Relative performance: greater than 1 is faster "
	      "than the baseline, whatever the metric; the CIs are seeded "
	      "bootstrap confidence intervals.</p>\n", f);
}

/* The length of an id or a reference to one at s inside a tag (after
 * which the prefix goes), or 0.  An id attribute needs a blank before. */
static size_t svg_ref_len(const char *s, const char *tag)
{
	static const char *const refs[] = { "href='#", "href=\"#", "url(#" };
	static const char *const ids[] = { "id='", "id=\"" };

	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (!strncmp(s, refs[i], strlen(refs[i])))
			return strlen(refs[i]);
	if (s == tag || !strchr(" \t\n", s[-1]))
		return 0;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strncmp(s, ids[i], strlen(ids[i])))
			return strlen(ids[i]);
	return 0;
}

/* The <svg> element of a chart file, its ids prefixed "cK-". */
static int svg_inline(FILE *f, const char *svg, size_t k)
{
	const char *p = strstr(svg, "<svg"), *tag = NULL;
	size_t n;

	if (!p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p == '<')
			tag = p;
		else if (*p == '>')
			tag = NULL;
		n = tag ? svg_ref_len(p, tag) : 0;
		if (n) {
			fwrite(p, 1, n, f);
			fprintf(f, "c%zu-", k);
			p += n - 1;
		} else {
			fputc(*p, f);
		}
	}
	return 0;
}

static void html_chart(FILE *f, const char *dir, const struct st_chart *c,
		       size_t k)
{
	char *path = tb_strdupf("%s/%s", dir, c->file), *svg = NULL;
	size_t len;
	int e = path ? tb_read_file(path, &svg, &len) : -ENOMEM;

	fprintf(f, "<figure id=\"chart-%zu\">\n", k);
	if (!e)
		e = svg_inline(f, svg, k);
	if (e) {
		fputs("<p class=\"missing\">Chart ", f);
		st_html_esc(f, c->file);
		fprintf(f, " not drawn: %s.</p>\n", e == -EINVAL ?
			"no svg element" : strerror(-e));
	}
	fputs("</figure>\n", f);
	free(svg);
	free(path);
}

static int html_charts(const struct st_report *r, const char *dir, FILE *f)
{
	struct st_chart *c;
	size_t n;

	fputs("<h2 id=\"charts\">Charts</h2>\n", f);
	if (st_chart_list(r, &c, &n))
		return -ENOMEM;
	if (!dir || !n)
		fputs("<p>(none)</p>\n", f);
	for (size_t i = 0; dir && i < n; i++)
		html_chart(f, dir, &c[i], i + 1);
	st_chart_list_free(c, n);
	return 0;
}

int st_write_html(const struct st_report *r, const char *charts_dir,
		  FILE *f)
{
	int e;

	html_head(r, f);
	html_banners(r, f);
	html_command(r, f);
	st_html_plats(r, f);
	st_html_headline(r, f);
	st_html_geo(r, f);
	e = html_charts(r, charts_dir, f);
	st_html_rows(r, f);
	st_html_fails(r, f);
	fputs("</body>\n</html>\n", f);
	if (!e && (fflush(f) || ferror(f)))
		e = -EIO;
	return e;
}
