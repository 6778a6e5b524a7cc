/* summary.c - a run's summary.json (DESIGN section 6) as table rows.
 *
 * One row per instance and metric; an instance without metrics (failed,
 * skipped) and a run without instances (failed before anything ran) get
 * one row each so that their status and reason show.  Every field is
 * checked; an error names the JSON path of the field that is wrong.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

struct sum_ctx {
	struct table *t;
	enum table_fmt fmt;
	int done;
	const char *run, *label;
	struct sum_err *e;
};

static int bad(struct sum_ctx *c, const char *where, const char *key,
	       const char *what)
{
	c->e->text = tb_strdupf("%s%s\"%s\" %s", where, *where ? ": " : "",
				key, what);
	return -1;
}

/* A string member; nullable ones may also be null or absent. */
static int get_str(struct sum_ctx *c, json_t *o, const char *where,
		   const char *key, int nullable, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return 0;
	}
	if (nullable && (!v || json_is_null(v)))
		return 0;
	return bad(c, where, key, nullable ? "is not a string or null" :
		   "is missing or not a string");
}

/* A number or null (NaN). */
static int get_num(struct sum_ctx *c, json_t *o, const char *where,
		   const char *key, double *out)
{
	json_t *v = json_object_get(o, key);

	*out = NAN;
	if (json_is_number(v))
		*out = json_number_value(v);
	else if (!v || !json_is_null(v))
		return bad(c, where, key, "is missing or not a number");
	return 0;
}

static json_t *get_arr(struct sum_ctx *c, json_t *o, const char *where,
		       const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_array(v))
		bad(c, where, key, "is missing or not an array");
	return json_is_array(v) ? v : NULL;
}

/* Shortest text that reads back as v (CSV); 4 significant digits else. */
static char *fmt_num(double v, enum table_fmt f)
{
	double a = fabs(v);
	char *s;

	if (isnan(v))
		return strdup(f == TABLE_CSV ? "" : "-");
	if (f == TABLE_CSV) {
		for (int p = 1; p < 17; p++) {
			s = tb_strdupf("%.*g", p, v);
			if (!s || strtod(s, NULL) == v)
				return s;
			free(s);
		}
		return tb_strdupf("%.17g", v);
	}
	if (a == 0)
		return strdup("0");
	if (a >= 1e6 || a < 1e-3)
		return tb_strdupf("%.3e", v);
	return tb_strdupf("%.*f", a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ?
			  2 : a >= 1 ? 3 : 4, v);
}

static char *fmt_cv(double cv, enum table_fmt f)
{
	if (f == TABLE_CSV || isnan(cv))
		return fmt_num(cv, f);
	return tb_strdupf("%.2f", cv * 100);
}

/* Row cells: run label instance workload metric unit better | n median mad
 * cv min max | status reason.  better is "higher", "lower" or "info" (a
 * metric that describes the run, not its performance: no median, MAD or
 * CV, only its range). */
struct sum_row {
	const char *instance, *workload, *metric, *unit, *better, *status;
	const char *reason;
	double n, v[5];		/* median mad cv min max */
};

static int add_row(struct sum_ctx *c, const struct sum_row *r)
{
	char *num[6] = { NULL };
	const char *status = r->status, *reason = r->reason;
	int i, e = -ENOMEM;

	if (!c->done && (!status || !strcmp(status, "ok"))) {
		status = "incomplete";
		reason = reason ? reason : "no DONE";
	}
	num[0] = isnan(r->n) ? fmt_num(r->n, c->fmt) :
		 tb_strdupf("%.0f", r->n);
	for (i = 0; i < 5; i++)
		num[i + 1] = i == 2 ? fmt_cv(r->v[i], c->fmt) :
			     fmt_num(r->v[i], c->fmt);
	for (i = 0; i < 6 && num[i]; i++)
		;
	if (i == 6) {
		const char *dash = c->fmt == TABLE_CSV ? "" : "-";
		const char *cells[] = {
			c->run, c->label ? c->label : dash,
			r->instance ? r->instance : dash,
			r->workload ? r->workload : dash,
			r->metric ? r->metric : dash, r->unit ? r->unit : dash,
			r->better ? r->better : dash, num[0], num[1], num[2],
			num[3], num[4], num[5],
			status ? status : dash, reason ? reason : "",
		};
		e = table_add_row(c->t, cells);
	}
	for (i = 0; i < 6; i++)
		free(num[i]);
	return e;
}

static void init_row(struct sum_row *r)
{
	memset(r, 0, sizeof(*r));
	r->n = NAN;
	for (int i = 0; i < 5; i++)
		r->v[i] = NAN;
}

static int metric_row(struct sum_ctx *c, json_t *m, const char *where,
		      struct sum_row *r)
{
	static const char *const keys[5] = {
		"median", "mad", "cv", "min", "max",
	};
	json_t *n = json_object_get(m, "n");
	int i, info;

	if (!json_is_object(m))
		return bad(c, where, "metrics", "entry is not an object");
	if (!json_is_integer(n))
		return bad(c, where, "n", "is missing or not an integer");
	r->n = (double)json_integer_value(n);
	if (get_str(c, m, where, "metric", 0, &r->metric) ||
	    get_str(c, m, where, "unit", 0, &r->unit) ||
	    get_str(c, m, where, "better", 1, &r->better))
		return -1;
	if (r->better && strcmp(r->better, "higher") &&
	    strcmp(r->better, "lower"))
		return bad(c, where, "better", "is not \"higher\", \"lower\" "
			   "or null");
	info = !r->better;
	if (info)
		r->better = "info";
	for (i = 0; i < 5; i++) {
		r->v[i] = NAN;
		if (info && i < 3)	/* no median, MAD, CV to show */
			continue;
		if (get_num(c, m, where, keys[i], &r->v[i]))
			return -1;
	}
	return add_row(c, r);
}

static int metric_rows(struct sum_ctx *c, json_t *metrics, const char *where,
		       struct sum_row *r)
{
	size_t i;
	json_t *m;
	char *mw;
	int e = 0;

	if (json_array_size(metrics) == 0)
		return add_row(c, r);
	json_array_foreach(metrics, i, m) {
		mw = tb_strdupf("%s.metrics[%zu]", where, i);
		e = mw ? metric_row(c, m, mw, r) : -ENOMEM;
		free(mw);
		if (e)
			break;
	}
	return e;
}

static int instance_rows(struct sum_ctx *c, json_t *in, const char *where)
{
	struct sum_row r;
	json_t *metrics;

	init_row(&r);
	if (!json_is_object(in))
		return bad(c, where, "instances", "entry is not an object");
	if (get_str(c, in, where, "instance", 0, &r.instance) ||
	    get_str(c, in, where, "workload", 0, &r.workload) ||
	    get_str(c, in, where, "status", 0, &r.status) ||
	    get_str(c, in, where, "reason", 1, &r.reason))
		return -1;
	metrics = get_arr(c, in, where, "metrics");
	return metrics ? metric_rows(c, metrics, where, &r) : -1;
}

/* The run itself: fields, then every instance. */
static int run_rows(struct sum_ctx *c, json_t *root, struct sum_info *info)
{
	json_t *schema = json_object_get(root, "schema"), *insts, *in;
	struct sum_row r;
	char *where;
	size_t i;
	int e = 0;

	init_row(&r);
	if (!json_is_object(root))
		return bad(c, "", "summary", "is not a JSON object");
	if (!json_is_integer(schema) || json_integer_value(schema) != 1)
		return bad(c, "", "schema", "is not 1 (unknown format)");
	if (get_str(c, root, "", "run", 0, &c->run) ||
	    get_str(c, root, "", "label", 1, &c->label) ||
	    get_str(c, root, "", "status", 0, &r.status) ||
	    get_str(c, root, "", "reason", 1, &r.reason) ||
	    !(insts = get_arr(c, root, "", "instances")))
		return -1;
	info->run = strdup(c->run);
	info->status = strdup(r.status);
	info->reason = r.reason ? strdup(r.reason) : NULL;
	if (!info->run || !info->status || (r.reason && !info->reason))
		return -ENOMEM;
	if (json_array_size(insts) == 0)
		return add_row(c, &r);
	json_array_foreach(insts, i, in) {
		where = tb_strdupf("instances[%zu]", i);
		e = where ? instance_rows(c, in, where) : -ENOMEM;
		free(where);
		if (e)
			break;
	}
	return e;
}

int summary_rows(const char *dir, enum table_fmt fmt, struct table *t,
		 struct sum_info *info, struct sum_err *e)
{
	struct sum_ctx c = { .t = t, .fmt = fmt, .e = e };
	char *path = fs_join(dir, "summary.json");
	json_error_t jerr;
	json_t *root;
	int r = -1;

	memset(info, 0, sizeof(*info));
	memset(e, 0, sizeof(*e));
	info->done = c.done = col_is_done(dir);
	if (!path)
		return -ENOMEM;
	if (!fs_exists(path)) {
		e->text = strdup("missing");
		free(path);
		return -ENOENT;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		e->line = jerr.line;
		e->column = jerr.column;
		e->text = strdup(jerr.text);
	} else {
		r = run_rows(&c, root, info);
		json_decref(root);
	}
	free(path);
	return r;
}

void sum_info_free(struct sum_info *info)
{
	free(info->run);
	free(info->status);
	free(info->reason);
	memset(info, 0, sizeof(*info));
}
