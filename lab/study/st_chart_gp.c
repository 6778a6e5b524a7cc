/* st_chart_gp.c - the gnuplot scripts of the report's charts.
 *
 * Each chart is one self-contained script: the SVG terminal with a fixed
 * size and font family, then the data inline as datablocks ($bars <<
 * EOD), then the plot.  Nothing in a script depends on the machine or
 * the time, so the same report gives the same SVG bytes.
 *
 * Bar charts (one per benchmark, and the summary of geometric means)
 * follow Camargos et al. 2008, Figures 3-9: one bar per platform,
 * normalized to the baseline, higher is better; whiskers show the
 * bootstrap CI and a dashed line marks 1.  A platform without a relative
 * value gets no bar but a "no data" mark, never a bar at 0.  Scalability
 * charts follow its Figure 10: (a) aggregate and (b) per-VM value against
 * the VM count n on a log2 axis.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_chart.h"
#include "utf8_priv.h"

#define GP_FONT		"sans-serif,12"
#define GP_LINE_1	"#555555"
#define GP_INK		" lc rgb 'black' lw 1.5"
#define GP_YLABEL	"relative performance (> 1: faster than %s)"

/* One bar: a platform's value and CI; has == 0: drawn as missing. */
struct gp_bar {
	const char *name;
	int has;
	double v, lo, hi;
};

static const char *const gp_colours[] = {
	ST_CHART_BAR, "#cc0000", "#4e9a06", "#f57900", "#75507b", "#c17d11",
};

static const char *baseline_name(const struct st_report *r)
{
	return r->opt.baseline ? r->opt.baseline : ST_DEFAULT_BASELINE;
}

/* A gnuplot single-quoted string ('' is a quote; no other escapes).
 * Control characters and bytes that are not UTF-8 become '?', so the SVG
 * gnuplot writes stays well-formed XML. */
static void gp_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), k;

	fputc('\'', f);
	while (n) {
		k = tb_utf8_seq_len(p, n);
		if (k == 1 && *p == '\'')
			fputs("''", f);
		else if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f)))
			fputc('?', f);
		else
			fwrite(p, 1, k, f);
		k = k ? k : 1;
		p += k;
		n -= k;
	}
	fputc('\'', f);
}

/* A number for a datablock: NaN as gnuplot's own "NaN" (undefined). */
static const char *gp_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		return "NaN";
	return st_num(buf, n, v);
}

static void gp_head(FILE *f, int w, int h, const char *title)
{
	fprintf(f, "set terminal svg size %d,%d fixed font '%s' noenhanced "
		"background rgb 'white'\n", w, h, GP_FONT);
	fputs("set encoding utf8\nset key off\n", f);
	if (!title)
		return;
	fputs("set title ", f);
	gp_str(f, title);
	fputc('\n', f);
}

static int gp_ylabel_rel(FILE *f, const struct st_report *r)
{
	char *s = NULL;

	if (st_append(&s, GP_YLABEL, baseline_name(r)))
		return -ENOMEM;
	fputs("set ylabel ", f);
	gp_str(f, s);
	fputc('\n', f);
	free(s);
	return 0;
}

static double bars_top(const struct gp_bar *b, size_t n)
{
	double top = 1;

	for (size_t i = 0; i < n; i++) {
		if (!b[i].has)
			continue;
		top = fmax(top, b[i].v);
		if (isfinite(b[i].hi))
			top = fmax(top, b[i].hi);
	}
	return top * 1.15;
}

/* The datablocks: $bars (x value) and $ci (x value low high); 1 when
 * $ci has a line, so the whiskers can be plotted. */
static int bars_data(FILE *f, const struct gp_bar *b, size_t n)
{
	char v[32], lo[32], hi[32];
	int nci = 0;

	fputs("$bars << EOD\n", f);
	for (size_t i = 0; i < n; i++)
		if (b[i].has)
			fprintf(f, "%zu %s\n", i, st_num(v, 32, b[i].v));
	fputs("EOD\n$ci << EOD\n", f);
	for (size_t i = 0; i < n; i++) {
		if (!b[i].has || !isfinite(b[i].lo) || !isfinite(b[i].hi))
			continue;
		fprintf(f, "%zu %s %s %s\n", i, st_num(v, 32, b[i].v),
			st_num(lo, 32, b[i].lo), st_num(hi, 32, b[i].hi));
		nci++;
	}
	fputs("EOD\n", f);
	return nci > 0;
}

/* Platform names as x tics; the value above each bar, "no data" where
 * there is none. */
static void bars_labels(FILE *f, const struct gp_bar *b, size_t n,
			double top)
{
	char y[32];

	fputs("set xtics nomirror (", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		gp_str(f, b[i].name);
		fprintf(f, " %zu", i);
	}
	fputs(")\n", f);
	for (size_t i = 0; i < n; i++) {
		double at = b[i].has && isfinite(b[i].hi) ?
			    fmax(b[i].v, b[i].hi) : b[i].v;

		if (b[i].has)
			fprintf(f, "set label %zu '%.2f' at %zu, first %s "
				"center offset 0,0.8 front\n", i + 1, b[i].v,
				i, st_num(y, 32, at + top * 0.01));
		else
			fprintf(f, "set label %zu 'no data' at %zu, "
				"graph 0.05 center front\n", i + 1, i);
	}
}

static void gp_bars(FILE *f, const struct gp_bar *b, size_t n)
{
	double top = bars_top(b, n);
	char y[32];
	int ci = bars_data(f, b, n);

	bars_labels(f, b, n, top);
	fprintf(f, "set xrange [-0.6:%zu.4]\n", n ? n - 1 : 0);
	fprintf(f, "set yrange [0:%s]\n", st_num(y, 32, top));
	fputs("set grid ytics\nset style fill solid 1.0 noborder\n"
	      "set boxwidth 0.6\n", f);
	fprintf(f, "plot $bars using 1:2 with boxes lc rgb '%s', \\\n",
		ST_CHART_BAR);
	if (ci)		/* whiskers and their caps */
		fputs("  $ci using 1:3:(0):($4-$3) with vectors nohead" GP_INK
		      ", \\\n"
		      "  $ci using ($1-0.08):3:(0.16):(0) with vectors nohead"
		      GP_INK ", \\\n"
		      "  $ci using ($1-0.08):4:(0.16):(0) with vectors nohead"
		      GP_INK ", \\\n", f);
	fprintf(f, "  1 with lines dt 2 lw 1.5 lc rgb '%s'\n", GP_LINE_1);
}

/* A whole bar chart: title (freed here), the relative y label, bars. */
static int bar_chart(const struct st_report *r, FILE *f, char *title,
		     const struct gp_bar *b, size_t n)
{
	gp_head(f, 720, 420, title);
	free(title);
	if (gp_ylabel_rel(f, r))
		return -ENOMEM;
	gp_bars(f, b, n);
	return 0;
}

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static const struct st_row *plat_row(const struct st_report *r,
				     const struct st_row *first, size_t p)
{
	for (size_t i = 0; i < r->nrows; i++) {
		const struct st_row *w = &r->rows[i];

		if (w->plat == p && w->headline && same(w->instance,
		    first->instance) && same(w->metric, first->metric))
			return w;
	}
	return NULL;
}

/* Figures 3-9: one bar per platform (every platform that is not a
 * scalability step, and the steps that ran the benchmark). */
static int script_bench(const struct st_report *r, const struct st_chart *c,
			FILE *f, struct gp_bar *b)
{
	const struct st_row *w0 = c->row;
	size_t n = 0;
	char *title = NULL;

	for (size_t p = 0; p < r->nplats; p++) {
		const struct st_row *w = plat_row(r, w0, p);

		if (!w && r->plats[p].vms > 1)
			continue;
		b[n] = (struct gp_bar){ r->plats[p].name,
					w && w->has_rel && isfinite(w->rel),
					w ? w->rel : NAN, w ? w->ci_lo : NAN,
					w ? w->ci_hi : NAN };
		n++;
	}
	if (st_append(&title, "%s (%s): %s, relative to %s", w0->instance,
		      w0->workload ? w0->workload : "", w0->metric,
		      baseline_name(r)))
		return -ENOMEM;
	return bar_chart(r, f, title, b, n);
}

static int script_summary(const struct st_report *r, FILE *f,
			  struct gp_bar *b)
{
	char *title = NULL;

	for (size_t i = 0; i < r->ngeo; i++) {
		const struct st_geo *g = &r->geo[i];

		b[i] = (struct gp_bar){ g->plat < r->nplats ?
					r->plats[g->plat].name : "?",
					isfinite(g->gm), g->gm, g->ci_lo,
					g->ci_hi };
	}
	if (st_append(&title, "geometric mean over %zu benchmark%s, "
		      "relative to %s", r->nbench, r->nbench == 1 ? "" : "s",
		      baseline_name(r)))
		return -ENOMEM;
	return bar_chart(r, f, title, b, r->ngeo);
}

/* One label's steps of the chart's instance as $sK, by VM count. */
static void scale_data(FILE *f, const struct st_report *r,
		       const struct st_scale *s0, const char *label,
		       size_t k, size_t *idx)
{
	char a[32], b[32];
	size_t n = 0, j;

	for (size_t i = 0; i < r->nscale; i++) {
		const struct st_scale *s = &r->scale[i];

		if (!same(s->instance, s0->instance) ||
		    !same(s->metric, s0->metric) || !same(s->label, label))
			continue;
		for (j = n++; j > 0 && r->scale[idx[j - 1]].vms > s->vms; j--)
			idx[j] = idx[j - 1];
		idx[j] = i;
	}
	fprintf(f, "$s%zu << EOD\n", k);
	for (j = 0; j < n; j++) {
		const struct st_scale *s = &r->scale[idx[j]];

		fprintf(f, "%ld %s %s\n", s->vms, gp_num(a, 32, s->per_vm),
			gp_num(b, 32, s->aggregate));
	}
	fputs("EOD\n", f);
}

/* The labels that scaled the chart's instance, first seen first. */
static size_t scale_labels(const struct st_report *r,
			   const struct st_scale *s0, const char **lab)
{
	size_t n = 0, j;

	for (size_t i = 0; i < r->nscale; i++) {
		const struct st_scale *s = &r->scale[i];

		if (!same(s->instance, s0->instance) ||
		    !same(s->metric, s0->metric))
			continue;
		for (j = 0; j < n && !same(lab[j], s->label); j++)
			;
		if (j == n)
			lab[n++] = s->label ? s->label : "";
	}
	return n;
}

static void scale_plot(FILE *f, const char *const *lab, size_t n, int col,
		       const char *title)
{
	size_t nc = sizeof(gp_colours) / sizeof(gp_colours[0]);

	fprintf(f, "set title '%s'\nplot ", title);
	for (size_t k = 0; k < n; k++) {
		fprintf(f, "%s$s%zu using 1:%d with linespoints lw 2 pt 7 "
			"ps 0.8 lc rgb '%s' title ", k ? ", \\\n  " : "", k,
			col, gp_colours[k % nc]);
		gp_str(f, lab[k]);
	}
	fputc('\n', f);
}

/* Figure 10: (a) aggregate and (b) per-VM value against n, log2 axis. */
static int script_scale(const struct st_report *r, const struct st_chart *c,
			FILE *f, const char **lab, size_t *idx)
{
	const struct st_scale *s0 = c->scale;
	size_t n = scale_labels(r, s0, lab);
	long top = 32;
	char *s = NULL;

	for (size_t i = 0; i < r->nscale; i++)
		while (same(r->scale[i].instance, s0->instance) &&
		       r->scale[i].vms > top)
			top *= 2;
	gp_head(f, 960, 420, NULL);
	for (size_t k = 0; k < n; k++)
		scale_data(f, r, s0, lab[k], k, idx);
	if (st_append(&s, "%s: %s with n VMs", s0->instance, s0->metric))
		return -ENOMEM;
	fputs("set multiplot layout 1,2 title ", f);
	gp_str(f, s);
	free(s);
	s = NULL;
	if (st_append(&s, "%s (%s)", s0->metric, s0->unit ? s0->unit : ""))
		return -ENOMEM;
	fputs("\nset ylabel ", f);
	gp_str(f, s);
	free(s);
	fprintf(f, "\nset xlabel 'n (VMs)'\nset logscale x 2\n"
		"set xrange [1:%ld]\nset xtics 1,2,%ld\nset yrange [0:*]\n"
		"set offsets 0, 0, graph 0.1, 0\nset grid\n"
		"set key below horizontal\n", top, top);
	scale_plot(f, lab, n, 3, "(a) aggregate");
	scale_plot(f, lab, n, 2, "(b) per VM");
	fputs("unset multiplot\n", f);
	return 0;
}

int st_chart_script(const struct st_report *r, const struct st_chart *c,
		    FILE *f)
{
	size_t n = r->nplats > r->ngeo ? r->nplats : r->ngeo;
	struct gp_bar *b = NULL;
	const char **lab = NULL;
	size_t *idx = NULL;
	int e;

	if (c->kind == ST_CHART_SCALE) {
		lab = calloc(r->nscale + 1, sizeof(*lab));
		idx = calloc(r->nscale + 1, sizeof(*idx));
		e = lab && idx ? script_scale(r, c, f, lab, idx) : -ENOMEM;
	} else {
		b = calloc(n + 1, sizeof(*b));
		e = !b ? -ENOMEM : c->kind == ST_CHART_BENCH ?
		    script_bench(r, c, f, b) : script_summary(r, f, b);
	}
	free(b);
	free(lab);
	free(idx);
	if (!e && (fflush(f) || ferror(f)))
		e = -EIO;
	return e;
}
