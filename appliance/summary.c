/* summary.c - summary.json: per instance and metric, statistics over the
 * samples of runs that ended ok, warm-up repetitions excluded (they are
 * counted as "discarded").  An instance's status is the worst of its runs;
 * the profile's status is "failed" when any instance failed or timed out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_stats.h"
#include "tb_util.h"

static void metric_stats(const struct app *a, size_t ii, const char *metric,
			 struct tb_json *j)
{
	double *v = malloc((a->nsamples ? a->nsamples : 1) * sizeof(*v));
	const struct sample *first = NULL;
	struct tb_stats st;
	size_t i, n = 0, disc = 0;

	for (i = 0; i < a->nsamples; i++) {
		const struct sample *s = &a->samples[i];

		if (s->inst != ii || !s->run_ok || strcmp(s->metric, metric))
			continue;
		first = first ? first : s;
		if (s->warmup)
			disc++;
		else if (v)
			v[n++] = s->value;
	}
	if (tb_stats_compute(v, n, &st) < 0)
		memset(&st, 0, sizeof(st));
	tb_json_obj_begin(j);
	tb_json_kstr(j, "metric", metric);
	tb_json_kstr(j, "unit", first->unit);
	tb_json_kstr(j, "better", first->better == TB_HIGHER ? "higher" :
		     "lower");
	tb_json_kint(j, "n", (int64_t)n);
	tb_json_kint(j, "discarded", (int64_t)disc);
	tb_json_knum(j, "median", st.median);
	tb_json_knum(j, "mean", st.mean);
	tb_json_knum(j, "min", st.min);
	tb_json_knum(j, "max", st.max);
	tb_json_knum(j, "mad", st.mad);
	tb_json_knum(j, "stddev", st.stddev);
	tb_json_knum(j, "cv", st.cv);
	tb_json_obj_end(j);
	free(v);
}

/* Each metric once, in the order it was first reported. */
static void instance_metrics(const struct app *a, size_t ii,
			     struct tb_json *j)
{
	size_t i, k;

	tb_json_key(j, "metrics");
	tb_json_arr_begin(j);
	for (i = 0; i < a->nsamples; i++) {
		const struct sample *s = &a->samples[i];
		int seen = 0;

		if (s->inst != ii || !s->run_ok)
			continue;
		for (k = 0; k < i && !seen; k++)
			seen = a->samples[k].inst == ii &&
			       a->samples[k].run_ok &&
			       !strcmp(a->samples[k].metric, s->metric);
		if (!seen)
			metric_stats(a, ii, s->metric, j);
	}
	tb_json_arr_end(j);
}

/* Worst status of the instance's runs, with the reason of the first run
 * that has it. */
static enum run_status inst_status(const struct app *a, size_t ii,
				   const char **reason)
{
	enum run_status worst = ST_OK;
	size_t i;

	*reason = NULL;
	for (i = 0; i < a->nruns; i++) {
		const struct run_rec *r = &a->runs[i];

		if (r->inst == ii && r->status > worst) {
			worst = r->status;
			*reason = r->reason;
		}
	}
	return worst;
}

static void instance_json(struct app *a, size_t ii, struct tb_json *j)
{
	const struct tb_instance *in = &a->prof.inst[ii];
	const char *reason;
	enum run_status st = inst_status(a, ii, &reason);

	tb_json_obj_begin(j);
	tb_json_kstr(j, "instance", in->name);
	tb_json_kstr(j, "workload", in->wl->name);
	tb_json_kstr(j, "status", status_name(st));
	tb_json_key(j, "reason");
	reason ? tb_json_str(j, reason) : tb_json_null(j);
	tb_json_kint(j, "repeat", in->repeat);
	tb_json_kint(j, "discard", in->discard);
	instance_metrics(a, ii, j);
	tb_json_obj_end(j);
	if ((st == ST_FAILED || st == ST_TIMEOUT) && !a->reason) {
		a->status = "failed";
		a->reason = tb_strdupf("%s: %s: %s", in->name,
				       status_name(st), reason);
	}
}

int summary_write(struct app *a)
{
	struct tb_json j;
	size_t i;
	int rc;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_json_kint(&j, "schema", 1);
	tb_json_kstr(&j, "run", a->run_id);
	tb_json_kstr(&j, "label", a->label);
	tb_json_kstr(&j, "profile", a->profile_name);
	tb_json_key(&j, "instances");
	tb_json_arr_begin(&j);
	for (i = 0; a->prof_ok && i < a->prof.ninst; i++)
		instance_json(a, i, &j);
	tb_json_arr_end(&j);
	if (!a->status)
		a->status = "ok";
	tb_json_kstr(&j, "status", a->status);
	tb_json_key(&j, "reason");
	a->reason ? tb_json_str(&j, a->reason) : tb_json_null(&j);
	tb_json_obj_end(&j);
	rc = tb_json_error(&j);
	if (rc == 0)
		rc = tb_write_file_atomic(a->run_dir, "summary.json", j.buf,
					  j.len);
	tb_json_free(&j);
	return rc;
}
