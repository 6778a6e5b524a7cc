/* st_fails.c - failed and skipped repetitions, kept counts, scalability
 * steps; st_compute() and st_report_free().
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_compute.h"
#include "tb_stats.h"
#include "tb_util.h"

static int add_fail(struct st_report *r, size_t p, const struct st_run *u,
		    const struct st_rec *x)
{
	struct st_failure *n = realloc(r->fails,
				       (r->nfails + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	r->fails = n;
	n += r->nfails++;
	memset(n, 0, sizeof(*n));
	n->plat = p;
	n->run = u;
	n->rep = x->rep;
	n->instance = strdup(x->instance);
	n->status = strdup(x->status);
	n->reason = strdup(x->reason ? x->reason : "");
	return n->instance && n->status && n->reason ? 0 : -ENOMEM;
}

int st_compute_fails(struct st_report *r)
{
	size_t p, u, k;

	for (p = 0; p < r->nplats; p++) {
		struct st_platform *pl = &r->plats[p];

		pl->kept = 0;
		for (u = 0; u < pl->nruns; u++)
			for (k = 0; k < pl->runs[u]->nrecs; k++) {
				const struct st_rec *x = &pl->runs[u]->recs[k];

				if (!x->metric && strcmp(x->status, "ok") &&
				    add_fail(r, p, pl->runs[u], x) < 0)
					return -ENOMEM;
				pl->kept += x->metric && x->headline &&
					!x->warmup && !x->dropped &&
					!strcmp(x->status, "ok");
			}
	}
	return 0;
}

/* The median of VM vm's kept headline values of row's cell on p. */
static double vm_median(const struct st_platform *p,
			const struct st_row *row, long vm, double *buf)
{
	size_t u, k, n = 0;

	for (u = 0; u < p->nruns; u++) {
		const struct st_run *run = p->runs[u];

		if (run->vm != vm)
			continue;
		for (k = 0; k < run->nrecs; k++) {
			const struct st_rec *x = &run->recs[k];

			if (x->metric && !x->warmup && !x->dropped &&
			    !strcmp(x->status, "ok") &&
			    !strcmp(x->instance, row->instance) &&
			    !strcmp(x->metric, row->metric))
				buf[n++] = x->value;
		}
	}
	return n ? tb_median(buf, n) : NAN;
}

static size_t plat_values(const struct st_platform *p)
{
	size_t u, n = 0;

	for (u = 0; u < p->nruns; u++)
		n += p->runs[u]->nrecs;
	return n;
}

static int add_step(struct st_report *r, const struct st_platform *p,
		    const struct st_row *row)
{
	double *buf = malloc((plat_values(p) + 1) * sizeof(*buf));
	double *meds = malloc((p->nruns + 1) * sizeof(*meds));
	struct st_scale *n = realloc(r->scale, (r->nscale + 1) * sizeof(*n));
	size_t nm = 0, u, w;

	if (n)
		r->scale = n;
	if (!buf || !meds || !n) {
		free(buf);
		free(meds);
		return -ENOMEM;
	}
	for (u = 0; u < p->nruns; u++) {	/* each VM index once */
		for (w = 0; w < u && p->runs[w]->vm != p->runs[u]->vm; w++)
			;
		if (w == u && !isnan(vm_median(p, row, p->runs[u]->vm, buf)))
			meds[nm++] = vm_median(p, row, p->runs[u]->vm, buf);
	}
	n += r->nscale;
	memset(n, 0, sizeof(*n));
	n->vms = p->vms;
	for (u = 0; u < nm; u++)
		n->aggregate += meds[u];
	n->per_vm = nm ? tb_median(meds, nm) : NAN;
	free(buf);
	free(meds);
	n->label = strdup(p->label);
	n->instance = strdup(row->instance);
	n->metric = strdup(row->metric);
	n->unit = strdup(row->unit);
	r->nscale++;
	return n->label && n->instance && n->metric && n->unit ? 0 : -ENOMEM;
}

/* Figure 10: platforms of scalability steps, headline higher-is-better
 * rows, per-VM median and the sum over the VMs. */
int st_compute_scale(struct st_report *r)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < r->nrows && rc == 0; i++) {
		const struct st_row *row = &r->rows[i];
		const struct st_platform *p = &r->plats[row->plat];

		if (p->vms >= 1 && row->headline && row->n &&
		    row->better == ST_HIGHER)
			rc = add_step(r, p, row);
	}
	return rc;
}

int st_compute(struct st_report *r)
{
	struct st_reps reps = { NULL, NULL, 0 };
	size_t p;
	int rc;

	for (p = 0; p < r->nplats; p++)
		r->plats[p].mixed = st_plat_mixed(r, &r->plats[p]);
	rc = st_compute_rows(r, &reps);
	if (rc == 0)
		rc = st_compute_geo(r, &reps);
	st_reps_free(&reps);
	if (rc == 0)
		rc = st_compute_fails(r);
	if (rc == 0)
		rc = st_compute_scale(r);
	return rc;
}

void st_report_free(struct st_report *r)
{
	size_t i;

	for (i = 0; i < r->nrows; i++) {
		free(r->rows[i].instance);
		free(r->rows[i].workload);
		free(r->rows[i].metric);
		free(r->rows[i].unit);
		free(r->rows[i].flags);
	}
	for (i = 0; i < r->nfails; i++) {
		free(r->fails[i].instance);
		free(r->fails[i].status);
		free(r->fails[i].reason);
	}
	for (i = 0; i < r->nscale; i++) {
		free(r->scale[i].label);
		free(r->scale[i].instance);
		free(r->scale[i].metric);
		free(r->scale[i].unit);
	}
	for (i = 0; i < r->nplats; i++)
		st_platform_free(&r->plats[i]);
	for (i = 0; i < r->nruns; i++)
		st_run_free(&r->runs[i]);
	st_strv_free_n(r->bench, r->nbench);
	st_strv_free_n(r->banners, r->nbanners);
	free(r->rows);
	free(r->fails);
	free(r->scale);
	free(r->plats);
	free(r->runs);
	free(r->geo);
	free(r->command);
	memset(r, 0, sizeof(*r));
}
