/* st_table.c - the report's tables as lab/table.c tables: every row (the
 * CSV contract), the headline rows, the platforms, the geometric means and
 * the failures.  The CSV, Markdown and terminal renderers print them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "study/st_table.h"
#include "tb_util.h"

/* Contract: the CSV columns, in this order. */
static const char *const full_head[ST_FULL_NCOLS] = {
	"platform", "instance", "workload", "metric", "unit", "better", "n",
	"median", "min", "max", "cv", "relative", "ci_low", "ci_high",
	"significant", "outliers", "flags",
};
static const unsigned char full_right[ST_FULL_NCOLS] = {
	0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0,
};

static const char *yes_no(const struct st_row *w)
{
	if (!w->has_rel || w->plat == 0 || isnan(w->ci_lo))
		return "";
	return w->significant ? "yes" : "no";
}

struct table *st_table_full(const struct st_report *r)
{
	struct table *t = table_new(ST_FULL_NCOLS, full_head, full_right);
	char b[8][32], n[24], o[24];
	size_t i;

	for (i = 0; t && i < r->nrows; i++) {
		const struct st_row *w = &r->rows[i];
		int info = w->better == ST_INFO;
		const char *c[ST_FULL_NCOLS] = {
			r->plats[w->plat].name, w->instance, w->workload,
			w->metric, w->unit, st_better_name(w->better), n,
			st_num(b[0], 32, w->median), st_num(b[1], 32, w->min),
			st_num(b[2], 32, w->max),
			info ? "" : st_num(b[3], 32, w->cv),
			w->has_rel ? st_num(b[4], 32, w->rel) : "",
			w->has_rel ? st_num(b[5], 32, w->ci_lo) : "",
			w->has_rel ? st_num(b[6], 32, w->ci_hi) : "",
			yes_no(w), o, w->flags,
		};

		snprintf(n, sizeof(n), "%zu", w->n);
		snprintf(o, sizeof(o), "%zu", w->outliers);
		if (info)	/* shown (n, min, max), never divided or ranked */
			c[7] = "";
		if (table_add_row(t, c) < 0) {
			table_free(t);
			return NULL;
		}
	}
	return t;
}

/* "0.97 [0.95, 0.99]" or "1 (baseline)" */
static void rel_text(char *s, size_t len, const struct st_row *w)
{
	char a[32], b[32], c[32];

	if (!w->has_rel)
		snprintf(s, len, "-");
	else if (w->plat == 0)
		snprintf(s, len, "1 (baseline)");
	else if (isnan(w->ci_lo))
		snprintf(s, len, "%s (no interval)", st_num(a, 32, w->rel));
	else
		snprintf(s, len, "%s [%s, %s]", st_num(a, 32, w->rel),
			 st_num(b, 32, w->ci_lo), st_num(c, 32, w->ci_hi));
}

/* marks: * significant, o<N> outliers, then the flags */
static void marks(char *s, size_t len, const struct st_row *w)
{
	snprintf(s, len, "%s%s%s", w->significant ? "*" : "",
		 w->significant && *w->flags ? " " : "", w->flags);
	if (w->outliers) {
		size_t k = strlen(s);

		snprintf(s + k, len - k, "%soutliers=%zu", k ? " " : "",
			 w->outliers);
	}
}

struct table *st_table_headline(const struct st_report *r)
{
	static const char *const head[] = { "platform", "instance",
		"metric", "unit", "median", "relative [95% CI]", "marks" };
	static const unsigned char right[] = { 0, 0, 0, 0, 1, 0, 0 };
	struct table *t = table_new(7, head, right);
	char rel[128], mk[512], med[32];
	size_t i;

	for (i = 0; t && i < r->nrows; i++) {
		const struct st_row *w = &r->rows[i];
		const char *c[7] = { r->plats[w->plat].name, w->instance,
			w->metric, w->unit, st_num(med, 32, w->median), rel,
			mk };

		if (!w->headline)
			continue;
		rel_text(rel, sizeof(rel), w);
		marks(mk, sizeof(mk), w);
		if (table_add_row(t, c) < 0) {
			table_free(t);
			return NULL;
		}
	}
	return t;
}

struct table *st_table_geo(const struct st_report *r)
{
	static const char *const head[] = { "platform", "benchmarks",
		"geometric mean", "ci_low", "ci_high", "significant" };
	static const unsigned char right[] = { 0, 1, 1, 1, 1, 0 };
	struct table *t = table_new(6, head, right);
	char a[32], b[32], c[32], n[24];
	size_t i;

	for (i = 0; t && i < r->ngeo; i++) {
		const struct st_geo *g = &r->geo[i];
		const char *cells[6] = { r->plats[g->plat].name, n,
			st_num(a, 32, g->gm), st_num(b, 32, g->ci_lo),
			st_num(c, 32, g->ci_hi),
			isnan(g->ci_lo) ? "" : g->significant ? "yes" : "no" };

		snprintf(n, sizeof(n), "%zu", r->nbench);
		if (table_add_row(t, cells) < 0) {
			table_free(t);
			return NULL;
		}
	}
	return t;
}

struct table *st_table_plats(const struct st_report *r)
{
	static const char *const head[] = { "platform", "hypervisor",
		"kernel", "cpu", "memory", "disks", "nics", "image", "mode",
		"profile", "boots", "kept runs", "complete" };
	static const unsigned char right[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 1, 0 };
	struct table *t = table_new(13, head, right);
	char nb[24], nk[24];
	size_t i;

	for (i = 0; t && i < r->nplats; i++) {
		const struct st_platform *p = &r->plats[i];
		const char *c[13] = { p->name, p->hypervisor, p->kernel,
			p->cpu, p->memory, p->disks, p->nics, p->image,
			p->mode, p->profile, nb, nk,
			p->incomplete ? "no" : "yes" };

		snprintf(nb, sizeof(nb), "%zu", p->nruns);
		snprintf(nk, sizeof(nk), "%zu", p->kept);
		if (table_add_row(t, c) < 0) {
			table_free(t);
			return NULL;
		}
	}
	return t;
}

struct table *st_table_fails(const struct st_report *r)
{
	static const char *const head[] = { "platform", "run", "instance",
		"rep", "status", "reason" };
	static const unsigned char right[] = { 0, 0, 0, 1, 0, 0 };
	struct table *t = table_new(6, head, right);
	char rep[24];
	size_t i;

	for (i = 0; t && i < r->nfails; i++) {
		const struct st_failure *f = &r->fails[i];
		const char *c[6] = { r->plats[f->plat].name, f->run->id,
			f->instance, rep, f->status, f->reason };

		snprintf(rep, sizeof(rep), "%d", f->rep);
		if (table_add_row(t, c) < 0) {
			table_free(t);
			return NULL;
		}
	}
	return t;
}
