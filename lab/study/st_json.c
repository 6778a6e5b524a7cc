/* st_json.c - report.json: everything the report computed, sorted keys,
 * full precision (jansson's "%.17g"), NaN as null. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "study/study.h"

static json_t *num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *row_json(const struct st_report *r, const struct st_row *w)
{
	json_t *o = json_object();

	json_object_set_new(o, "platform", str(r->plats[w->plat].name));
	json_object_set_new(o, "instance", str(w->instance));
	json_object_set_new(o, "workload", str(w->workload));
	json_object_set_new(o, "metric", str(w->metric));
	json_object_set_new(o, "unit", str(w->unit));
	json_object_set_new(o, "better", w->better == ST_INFO ? json_null() :
			    str(st_better_name(w->better)));
	json_object_set_new(o, "headline", json_boolean(w->headline));
	json_object_set_new(o, "n", json_integer((json_int_t)w->n));
	json_object_set_new(o, "median", w->better == ST_INFO ? json_null()
			    : num(w->median));
	json_object_set_new(o, "min", num(w->min));
	json_object_set_new(o, "max", num(w->max));
	json_object_set_new(o, "cv", w->better == ST_INFO ? json_null() :
			    num(w->cv));
	json_object_set_new(o, "relative", w->has_rel ? num(w->rel) :
			    json_null());
	json_object_set_new(o, "ci_low", w->has_rel ? num(w->ci_lo) :
			    json_null());
	json_object_set_new(o, "ci_high", w->has_rel ? num(w->ci_hi) :
			    json_null());
	json_object_set_new(o, "significant", json_boolean(w->significant));
	json_object_set_new(o, "outliers",
			    json_integer((json_int_t)w->outliers));
	json_object_set_new(o, "flags", str(w->flags));
	return o;
}

static json_t *plat_json(const struct st_platform *p)
{
	json_t *o = json_object(), *runs = json_array();
	size_t i;

	for (i = 0; i < p->nruns; i++) {
		json_t *u = json_object();

		json_object_set_new(u, "run", str(p->runs[i]->id));
		json_object_set_new(u, "dir", str(p->runs[i]->dir));
		json_object_set_new(u, "done", json_boolean(p->runs[i]->done));
		json_object_set_new(u, "status", str(p->runs[i]->status));
		json_array_append_new(runs, u);
	}
	json_object_set_new(o, "name", str(p->name));
	json_object_set_new(o, "label", str(p->label));
	json_object_set_new(o, "vms", json_integer(p->vms));
	json_object_set_new(o, "hypervisor", str(p->hypervisor));
	json_object_set_new(o, "kernel", str(p->kernel));
	json_object_set_new(o, "cpu", str(p->cpu));
	json_object_set_new(o, "memory", str(p->memory));
	json_object_set_new(o, "disks", str(p->disks));
	json_object_set_new(o, "nics", str(p->nics));
	json_object_set_new(o, "image", str(p->image));
	json_object_set_new(o, "mode", str(p->mode));
	json_object_set_new(o, "profile", str(p->profile));
	json_object_set_new(o, "incomplete", json_boolean(p->incomplete));
	json_object_set_new(o, "mixed_bits", json_boolean(p->mixed));
	json_object_set_new(o, "kept", json_integer((json_int_t)p->kept));
	json_object_set_new(o, "runs", runs);
	return o;
}

static json_t *geo_json(const struct st_report *r)
{
	json_t *o = json_object(), *a = json_array(), *b = json_array();
	size_t i;

	for (i = 0; i < r->nbench; i++)
		json_array_append_new(b, str(r->bench[i]));
	for (i = 0; i < r->ngeo; i++) {
		json_t *g = json_object();

		json_object_set_new(g, "platform",
				    str(r->plats[r->geo[i].plat].name));
		json_object_set_new(g, "geomean", num(r->geo[i].gm));
		json_object_set_new(g, "ci_low", num(r->geo[i].ci_lo));
		json_object_set_new(g, "ci_high", num(r->geo[i].ci_hi));
		json_object_set_new(g, "significant",
				    json_boolean(r->geo[i].significant));
		json_array_append_new(a, g);
	}
	json_object_set_new(o, "benchmarks", b);
	json_object_set_new(o, "platforms", a);
	return o;
}

static json_t *fails_json(const struct st_report *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->nfails; i++) {
		const struct st_failure *f = &r->fails[i];
		json_t *o = json_object();

		json_object_set_new(o, "platform", str(r->plats[f->plat].name));
		json_object_set_new(o, "run", str(f->run->id));
		json_object_set_new(o, "instance", str(f->instance));
		json_object_set_new(o, "rep", json_integer(f->rep));
		json_object_set_new(o, "status", str(f->status));
		json_object_set_new(o, "reason", str(f->reason));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *scale_json(const struct st_report *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->nscale; i++) {
		const struct st_scale *s = &r->scale[i];
		json_t *o = json_object();

		json_object_set_new(o, "label", str(s->label));
		json_object_set_new(o, "instance", str(s->instance));
		json_object_set_new(o, "metric", str(s->metric));
		json_object_set_new(o, "unit", str(s->unit));
		json_object_set_new(o, "vms", json_integer(s->vms));
		json_object_set_new(o, "per_vm", num(s->per_vm));
		json_object_set_new(o, "aggregate", num(s->aggregate));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *options_json(const struct st_report *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "baseline", str(r->opt.baseline));
	json_object_set_new(o, "seed", json_integer((json_int_t)r->opt.seed));
	json_object_set_new(o, "bootstrap", json_integer(r->opt.boot_b));
	json_object_set_new(o, "level", json_real(0.95));
	json_object_set_new(o, "allow_incomplete",
			    json_boolean(r->opt.allow_incomplete));
	json_object_set_new(o, "allow_mixed",
			    json_boolean(r->opt.allow_mixed));
	return o;
}

int st_write_json(const struct st_report *r, FILE *f)
{
	json_t *o = json_object(), *a, *rows = json_array(), *b;
	size_t i;
	int rc;

	if (!o || !rows)
		return -ENOMEM;
	a = json_array();
	for (i = 0; i < r->nplats; i++)
		json_array_append_new(a, plat_json(&r->plats[i]));
	for (i = 0; i < r->nrows; i++)
		json_array_append_new(rows, row_json(r, &r->rows[i]));
	b = json_array();
	for (i = 0; i < r->nbanners; i++)
		json_array_append_new(b, str(r->banners[i]));
	json_object_set_new(o, "schema", json_integer(1));
	json_object_set_new(o, "command", str(r->command));
	json_object_set_new(o, "options", options_json(r));
	json_object_set_new(o, "banners", b);
	json_object_set_new(o, "platforms", a);
	json_object_set_new(o, "rows", rows);
	json_object_set_new(o, "geomean", geo_json(r));
	json_object_set_new(o, "failures", fails_json(r));
	json_object_set_new(o, "scale", scale_json(r));
	rc = json_dumpf(o, f, JSON_INDENT(1) | JSON_SORT_KEYS) < 0 ?
		-EIO : 0;
	fputc('\n', f);
	json_decref(o);
	return rc;
}
