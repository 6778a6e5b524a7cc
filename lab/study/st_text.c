/* st_text.c - report.csv, report.md and the terminal table. */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "lab.h"
#include "study/st_table.h"

int st_write_csv(const struct st_report *r, FILE *f)
{
	struct table *t = st_table_full(r);
	int rc;

	if (!t)
		return -ENOMEM;
	rc = table_print(t, TABLE_CSV, f);
	table_free(t);
	return rc;
}

/* "## title", a blank line, the table (skipped when it has no rows). */
static int md_section(FILE *f, const char *title, struct table *t,
		      size_t nrows)
{
	int rc;

	if (!t)
		return -ENOMEM;
	fprintf(f, "## %s\n\n", title);
	rc = nrows ? table_print(t, TABLE_MARKDOWN, f) : 0;
	if (!nrows)
		fprintf(f, "(none)\n");
	fprintf(f, "\n");
	table_free(t);
	return rc;
}

static void md_intro(const struct st_report *r, FILE *f)
{
	size_t i;

	fprintf(f, "# twinbench report: every platform relative to %s\n\n",
		r->opt.baseline);
	for (i = 0; i < r->nbanners; i++)
		fprintf(f, "> **Warning:** %s\n>\n", r->banners[i]);
	if (r->nbanners)
		fprintf(f, "\n");
	fprintf(f, "Made by `%s`.\n\n", r->command);
	fprintf(f, "Relative performance: median / baseline median for "
		"higher-is-better metrics, baseline median / median for "
		"lower-is-better ones, so > 1 is faster than %s.  Interval: "
		"95%%, seeded bootstrap (boots, then runs within each boot; "
		"B = %u, seed %llu).  Significant (*) only when it excludes "
		"1.  Information metrics are shown, never divided.\n\n",
		r->opt.baseline, r->opt.boot_b,
		(unsigned long long)r->opt.seed);
}

int st_write_md(const struct st_report *r, FILE *f)
{
	size_t nhead = 0, i;
	int rc;

	for (i = 0; i < r->nrows; i++)
		nhead += r->rows[i].headline;
	md_intro(r, f);
	rc = md_section(f, "Platforms", st_table_plats(r), r->nplats);
	if (rc == 0)
		rc = md_section(f, "Headline metrics", st_table_headline(r),
				nhead);
	if (rc == 0)
		rc = md_section(f, "Geometric mean of the headline relatives",
				st_table_geo(r), r->nbench ? r->ngeo : 0);
	if (rc == 0)
		rc = md_section(f, "Every metric", st_table_full(r),
				r->nrows);
	if (rc == 0)
		rc = md_section(f, "Failed and skipped runs",
				st_table_fails(r), r->nfails);
	return rc;
}

int st_print_terminal(const struct st_report *r, FILE *f)
{
	struct table *t = st_table_headline(r);
	size_t i;
	int rc;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < r->nbanners; i++)
		fprintf(f, "WARNING: %s\n", r->banners[i]);
	rc = table_print(t, TABLE_PLAIN, f);
	table_free(t);
	for (i = 0; rc == 0 && r->nbench && i < r->ngeo; i++) {
		char a[32], b[32], c[32];
		const struct st_geo *g = &r->geo[i];

		if (g->plat == 0)
			continue;
		fprintf(f, "geometric mean over %zu benchmarks: %s %s",
			r->nbench, r->plats[g->plat].name,
			st_num(a, 32, g->gm));
		if (isnan(g->ci_lo))
			fprintf(f, " (no interval)\n");
		else
			fprintf(f, " [%s, %s]%s\n", st_num(b, 32, g->ci_lo),
				st_num(c, 32, g->ci_hi),
				g->significant ? " *" : "");
	}
	if (r->nfails)
		fprintf(f, "%zu repetitions failed or were skipped (see the "
			"report)\n", r->nfails);
	return rc;
}
