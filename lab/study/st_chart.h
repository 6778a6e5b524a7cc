/* st_chart.h - the report's charts, shared by the chart renderer
 * (st_chart.c, st_chart_gp.c) and the HTML page that inlines them
 * (st_html.c).  Private to lab/study.
 */
#ifndef ST_CHART_H
#define ST_CHART_H

#include <stdio.h>

#include "study/study.h"

/* The bar colour of every chart (also what tests look for). */
#define ST_CHART_BAR	"#3465a4"

enum st_chart_kind { ST_CHART_BENCH, ST_CHART_SUMMARY, ST_CHART_SCALE };

/* One chart of a report: what it shows and its file in charts_dir. */
struct st_chart {
	enum st_chart_kind kind;
	const char *instance;		/* NULL for the summary */
	const struct st_row *row;	/* bench: its first headline row */
	const struct st_scale *scale;	/* scale: its first step */
	char *file;			/* "NAME.svg" */
};

/* The charts of r in the order the report shows them: one per benchmark
 * with a headline row, the summary, one per scaled instance.  0 or
 * -ENOMEM; free with st_chart_list_free(). */
int st_chart_list(const struct st_report *r, struct st_chart **out,
		  size_t *n);
void st_chart_list_free(struct st_chart *c, size_t n);

/* st_chart_gp.c - the gnuplot script of one chart, written to f.  0 or
 * -EIO (f's error indicator set). */
int st_chart_script(const struct st_report *r, const struct st_chart *c,
		    FILE *f);

#endif
