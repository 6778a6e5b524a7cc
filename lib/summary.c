/* summary.c - a run's summary from its records (see tb_summary.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_stats.h"
#include "tb_summary.h"
#include "tb_util.h"

struct sum_val {
	double v;
	int rep, warmup;
};

struct sum_metric {
	char *name, *unit;
	enum tb_better better;
	struct sum_val *v;
	size_t n, cap;
};

struct sum_inst {
	char *name, *workload, *reason;
	int repeat, discard, declared;
	enum tb_rec_status worst;
	unsigned char *rep_bad;	/* [rep] 1: that run did not end ok */
	int nrep;
	struct sum_metric *m;
	size_t nm;
};

struct tb_sum {
	struct sum_inst *in;
	size_t nin;
};

static const char *const status_names[] = {
	"ok", "skipped", "failed", "timeout",
};

const char *tb_rec_status_name(enum tb_rec_status st)
{
	return (unsigned)st < 4 ? status_names[st] : "failed";
}

int tb_rec_status_parse(const char *s)
{
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

struct tb_sum *tb_sum_new(void)
{
	return calloc(1, sizeof(struct tb_sum));
}

void tb_sum_free(struct tb_sum *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nin; i++) {
		struct sum_inst *in = &s->in[i];

		for (size_t k = 0; k < in->nm; k++) {
			free(in->m[k].name);
			free(in->m[k].unit);
			free(in->m[k].v);
		}
		free(in->m);
		free(in->name);
		free(in->workload);
		free(in->reason);
		free(in->rep_bad);
	}
	free(s->in);
	free(s);
}

static struct sum_inst *find_inst(struct tb_sum *s, const char *name,
				  const char *workload)
{
	struct sum_inst *n;

	for (size_t i = 0; i < s->nin; i++)
		if (!strcmp(s->in[i].name, name))
			return &s->in[i];
	n = realloc(s->in, (s->nin + 1) * sizeof(*n));
	if (!n)
		return NULL;
	s->in = n;
	n = &s->in[s->nin];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	n->workload = workload ? strdup(workload) : NULL;
	if (!n->name || (workload && !n->workload)) {
		free(n->name);
		free(n->workload);
		return NULL;
	}
	s->nin++;
	return n;
}

int tb_sum_instance(struct tb_sum *s, const char *name, const char *workload,
		    int repeat, int discard)
{
	struct sum_inst *in = find_inst(s, name, workload);

	if (!in)
		return -ENOMEM;
	in->declared = 1;
	in->repeat = repeat;
	in->discard = discard;
	return 0;
}

static struct sum_metric *find_metric(struct sum_inst *in,
				      const struct tb_rec *r)
{
	struct sum_metric *m;

	for (size_t i = 0; i < in->nm; i++)
		if (!strcmp(in->m[i].name, r->metric))
			return &in->m[i];
	m = realloc(in->m, (in->nm + 1) * sizeof(*m));
	if (!m)
		return NULL;
	in->m = m;
	m = &in->m[in->nm];
	memset(m, 0, sizeof(*m));
	m->name = strdup(r->metric);
	m->unit = strdup(r->unit ? r->unit : "");
	m->better = r->better;
	if (!m->name || !m->unit) {
		free(m->name);
		free(m->unit);
		return NULL;
	}
	in->nm++;
	return m;
}

/* Remember that run rep of in did not end ok. */
static int mark_bad(struct sum_inst *in, int rep)
{
	if (rep >= in->nrep) {
		unsigned char *n = realloc(in->rep_bad, (size_t)rep + 1);

		if (!n)
			return -ENOMEM;
		memset(n + in->nrep, 0, (size_t)(rep + 1 - in->nrep));
		in->rep_bad = n;
		in->nrep = rep + 1;
	}
	in->rep_bad[rep] = 1;
	return 0;
}

/* Status, reason and the inferred repeat and discard of the instance. */
static int take_outcome(struct sum_inst *in, const struct tb_rec *r)
{
	if (!in->declared) {
		if (r->rep > in->repeat)
			in->repeat = r->rep;
		if (r->warmup && r->rep > in->discard)
			in->discard = r->rep;
	}
	if (r->status > in->worst || (r->status != TB_REC_OK &&
				       !in->reason && r->status == in->worst)) {
		char *why = r->reason ? strdup(r->reason) : NULL;

		if (r->reason && !why)
			return -ENOMEM;
		free(in->reason);
		in->reason = why;
		in->worst = r->status;
	}
	return r->status != TB_REC_OK ? mark_bad(in, r->rep) : 0;
}

int tb_sum_add(struct tb_sum *s, const struct tb_rec *r)
{
	struct sum_inst *in;
	struct sum_metric *m;

	if (!r->instance || r->rep < 1 || (unsigned)r->status > 3 ||
	    (r->metric && r->status != TB_REC_OK))
		return -EINVAL;
	if (!(in = find_inst(s, r->instance, r->workload)))
		return -ENOMEM;
	if (take_outcome(in, r) < 0)
		return -ENOMEM;
	if (!r->metric)
		return 0;
	if (!(m = find_metric(in, r)))
		return -ENOMEM;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct sum_val *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = (struct sum_val){ r->value, r->rep, r->warmup };
	return 0;
}

char *tb_sum_failure(const struct tb_sum *s)
{
	for (size_t i = 0; i < s->nin; i++) {
		const struct sum_inst *in = &s->in[i];

		if (in->worst >= TB_REC_FAILED)
			return tb_strdupf("%s: %s: %s", in->name,
					  tb_rec_status_name(in->worst),
					  in->reason ? in->reason : "?");
	}
	return NULL;
}

static int run_ok(const struct sum_inst *in, int rep)
{
	return rep >= in->nrep || !in->rep_bad[rep];
}

/* The counted values of m (runs that ended ok), warm-ups only counted. */
static size_t kept_values(const struct sum_inst *in,
			  const struct sum_metric *m, double *v,
			  size_t *disc)
{
	size_t n = 0;

	*disc = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (!run_ok(in, m->v[i].rep))
			continue;
		if (m->v[i].warmup)
			++*disc;
		else
			v[n++] = m->v[i].v;
	}
	return n;
}

static void metric_json(const struct sum_inst *in, const struct sum_metric *m,
			struct tb_json *j)
{
	double *v = malloc((m->n ? m->n : 1) * sizeof(*v));
	struct tb_stats st;
	size_t n, disc;

	if (!v) {
		j->err = -ENOMEM;
		return;
	}
	n = kept_values(in, m, v, &disc);
	if ((n || disc) && tb_stats_compute(v, n, &st) == 0) {
		tb_json_obj_begin(j);
		tb_json_kstr(j, "metric", m->name);
		tb_json_kstr(j, "unit", m->unit);
		tb_json_key(j, "better");
		m->better == TB_INFO ? tb_json_null(j) :
			tb_json_str(j, tb_better_name(m->better));
		tb_json_kint(j, "n", (int64_t)n);
		tb_json_kint(j, "discarded", (int64_t)disc);
		if (m->better != TB_INFO) {
			tb_json_knum(j, "median", st.median);
			tb_json_knum(j, "mean", st.mean);
		}
		tb_json_knum(j, "min", st.min);
		tb_json_knum(j, "max", st.max);
		if (m->better != TB_INFO) {
			tb_json_knum(j, "mad", st.mad);
			tb_json_knum(j, "stddev", st.stddev);
			tb_json_knum(j, "cv", st.cv);
		}
		tb_json_obj_end(j);
	}
	free(v);
}

static void instance_json(const struct sum_inst *in, struct tb_json *j)
{
	tb_json_obj_begin(j);
	tb_json_kstr(j, "instance", in->name);
	tb_json_key(j, "workload");
	in->workload ? tb_json_str(j, in->workload) : tb_json_null(j);
	tb_json_kstr(j, "status", tb_rec_status_name(in->worst));
	tb_json_key(j, "reason");
	in->reason ? tb_json_str(j, in->reason) : tb_json_null(j);
	tb_json_kint(j, "repeat", in->repeat);
	tb_json_kint(j, "discard", in->discard);
	tb_json_key(j, "metrics");
	tb_json_arr_begin(j);
	for (size_t k = 0; k < in->nm; k++)
		metric_json(in, &in->m[k], j);
	tb_json_arr_end(j);
	tb_json_obj_end(j);
}

void tb_sum_instances_json(const struct tb_sum *s, struct tb_json *j)
{
	tb_json_arr_begin(j);
	for (size_t i = 0; i < s->nin; i++)
		instance_json(&s->in[i], j);
	tb_json_arr_end(j);
}

static void kstr_or_null(struct tb_json *j, const char *k, const char *v)
{
	tb_json_key(j, k);
	v ? tb_json_str(j, v) : tb_json_null(j);
}

void tb_sum_members_json(const struct tb_sum *s, struct tb_json *j,
			 const char *run, const char *label,
			 const char *profile, const char *status,
			 const char *reason)
{
	tb_json_kint(j, "schema", 1);
	tb_json_kstr(j, "run", run);
	kstr_or_null(j, "label", label);
	kstr_or_null(j, "profile", profile);
	tb_json_key(j, "instances");
	if (s)
		tb_sum_instances_json(s, j);
	else
		tb_json_raw(j, "[]");
	tb_json_kstr(j, "status", status);
	kstr_or_null(j, "reason", reason);
}
