/* st_flags.c - the flags of a row: why its ratio may not measure the
 * virtualization layer alone.
 *
 *   incomplete       a boot of the platform has no DONE
 *   mixed-bits       a binary of the platform's runs differs from another
 *                    run's binary of the same name
 *   no-baseline      the baseline has no kept value of this cell
 *   no-data          the platform has no kept value of this cell
 *   derived:K=P/B    parameter K was derived from the machine (P here, B
 *                    on the baseline): the ratio measures the machines
 *   scratch:P/B      the scratch medium differs (e.g. ram/disk)
 *   params           the instance ran with other parameters than on the
 *                    baseline
 *   zero-median      a median is not > 0: no ratio
 *   few-runs         fewer than 2 kept values here or on the baseline: a
 *                    ratio, but no interval (nothing to resample)
 *   few-boots        fewer than 3 boots with kept values here or on the
 *                    baseline: the interval shows the run-to-run noise but
 *                    cannot show the boot-to-boot spread (it is too
 *                    narrow when boots differ; tests/unit/test_bootstrap.c
 *                    measures how much)
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_compute.h"
#include "tb_util.h"

int st_flag(struct st_row *row, const char *word)
{
	return st_append(&row->flags, "%s%s", *row->flags ? " " : "", word);
}

/* name's sha256 in run u's manifest, or NULL. */
static const char *bin_sha(const struct st_run *u, const char *name)
{
	json_t *b, *bins = json_object_get(u->manifest, "binaries");
	size_t i;

	json_array_foreach(bins, i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")) ?:
			    "", name))
			return json_string_value(json_object_get(b,
								 "sha256"));
	return NULL;
}

static int run_mixed(const struct st_report *r, const struct st_run *u)
{
	json_t *b, *bins = json_object_get(u->manifest, "binaries");
	size_t i, k;

	json_array_foreach(bins, i, b) {
		const char *n = json_string_value(json_object_get(b, "name"));
		const char *h = json_string_value(json_object_get(b,
								  "sha256"));

		for (k = 0; n && h && k < r->nruns; k++) {
			const char *o = bin_sha(&r->runs[k], n);

			if (o && strcmp(o, h))
				return 1;
		}
	}
	return 0;
}

int st_plat_mixed(const struct st_report *r, const struct st_platform *p)
{
	size_t u;

	for (u = 0; u < p->nruns; u++)
		if (run_mixed(r, p->runs[u]))
			return 1;
	return 0;
}

static char *num_text(json_t *v)
{
	return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) :
		strdup("none");
}

/* derived:K=P/B for every derived parameter that differs. */
static int derived_flags(struct st_row *row, const char *mine,
			 const char *theirs)
{
	json_t *a = mine ? json_loads(mine, 0, NULL) : NULL;
	json_t *b = theirs ? json_loads(theirs, 0, NULL) : NULL;
	json_t *all = json_object(), *v;
	const char *k;
	int rc = all ? 0 : -ENOMEM;

	json_object_update(all, a);
	json_object_update(all, b);
	json_object_foreach(all, k, v) {
		json_t *x = json_object_get(a, k), *y = json_object_get(b, k);
		char *xs, *ys, *w;

		if (rc || (x && y && json_equal(x, y)))
			continue;
		xs = num_text(x);
		ys = num_text(y);
		w = xs && ys ? tb_strdupf("derived:%s=%s/%s", k, xs, ys) :
			NULL;
		rc = w ? st_flag(row, w) : -ENOMEM;
		free(w);
		free(xs);
		free(ys);
	}
	json_decref(a);
	json_decref(b);
	json_decref(all);
	return rc;
}

static int same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static int compare_flags(struct st_row *row, const struct st_vals *v,
			 const struct st_vals *base)
{
	int rc = 0;
	char *w;

	if (!same(v->derived, base->derived))
		rc = derived_flags(row, v->derived, base->derived);
	if (rc == 0 && v->scratch && base->scratch &&
	    strcmp(v->scratch, base->scratch)) {
		w = tb_strdupf("scratch:%s/%s", v->scratch, base->scratch);
		rc = w ? st_flag(row, w) : -ENOMEM;
		free(w);
	}
	if (rc == 0 && v->params && base->params &&
	    strcmp(v->params, base->params))
		rc = st_flag(row, "params");
	return rc;
}

static size_t boots_with_values(const struct st_vals *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nboots; i++)
		n += v->n[i] > 0;
	return n;
}

int st_row_flags(const struct st_report *r, struct st_row *row,
		 const struct st_vals *v, const struct st_vals *base)
{
	const struct st_platform *p = &r->plats[row->plat];
	int rc = 0;

	if (p->incomplete)
		rc = st_flag(row, "incomplete");
	if (rc == 0 && p->mixed)
		rc = st_flag(row, "mixed-bits");
	if (rc == 0 && !v->total)
		rc = st_flag(row, "no-data");
	if (rc == 0 && row->better != ST_INFO && v->total &&
	    (!base || !base->total))
		rc = st_flag(row, "no-baseline");
	if (rc == 0 && base && base->total && v->total && row->plat != 0)
		rc = compare_flags(row, v, base);
	if (rc == 0 && row->better != ST_INFO && row->plat != 0 && base &&
	    base->total > 1 && v->total > 1 &&
	    (boots_with_values(v) < 3 || boots_with_values(base) < 3))
		rc = st_flag(row, "few-boots");
	return rc;
}
