/* console.c - a run read back from the serial console, for boots without a
 * BENCHRES disk (the ISO, PXE).
 *
 * The appliance prints every sample as `TWINBENCH {record}` (the line of
 * samples.jsonl), the hardware it found as `TWINBENCH-HARDWARE {json}`
 * and, when the run is complete, `TWINBENCH-DONE <run-id> <status>`.  From
 * these lines this file rebuilds a run directory like the one on BENCHRES:
 * samples.jsonl (the records as printed), console.log (the whole serial
 * log), hardware.json, summary.json (computed here the way the appliance
 * computes it: statistics over the non-warm-up samples of runs that ended
 * ok, an instance's status the worst of its records; "source":"console"),
 * and DONE only if TWINBENCH-DONE came.  manifest.json is not on the
 * console, so it is missing.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab.h"
#include "tb_stats.h"
#include "tb_util.h"

#define MARK_SAMPLE	"TWINBENCH {"
#define MARK_HW		"TWINBENCH-HARDWARE {"
#define MARK_DONE	"TWINBENCH-DONE "

struct con_metric {
	const char *name, *unit, *better;
	double *v;
	size_t n, disc;
};

struct con_inst {
	const char *name, *workload, *reason;
	int rank, repeat, discard;
	struct con_metric *m;
	size_t nm;
};

struct con_run {
	json_t *samples;	/* the records, in order */
	char *lines;		/* their text, one per line */
	char *hardware;		/* the TWINBENCH-HARDWARE object */
	char id[128], status[32];	/* from TWINBENCH-DONE */
	struct con_inst *in;
	size_t nin;
};

static int status_rank(const char *s)
{
	static const char *const order[] = { "ok", "skipped", "failed",
					     "timeout" };

	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, order[i]))
			return i;
	return 2;
}

static int append_line(char **all, const char *s)
{
	char *n = tb_strdupf("%s%s\n", *all ? *all : "", s);

	free(*all);
	*all = n;
	return n ? 0 : -ENOMEM;
}

/* One line of the log; markers may follow other output on the line. */
static int take_line(struct con_run *r, char *line)
{
	char *p;
	json_t *rec;

	line[strcspn(line, "\r")] = '\0';
	if ((p = strstr(line, MARK_HW))) {
		free(r->hardware);
		r->hardware = strdup(p + strlen(MARK_HW) - 1);
		return r->hardware ? 0 : -ENOMEM;
	}
	if ((p = strstr(line, MARK_DONE))) {
		if (sscanf(p + strlen(MARK_DONE), "%127s %31s", r->id,
			   r->status) != 2)
			r->id[0] = r->status[0] = '\0';
		return 0;
	}
	if (!(p = strstr(line, MARK_SAMPLE)))
		return 0;
	p += strlen(MARK_SAMPLE) - 1;
	rec = json_loads(p, 0, NULL);
	if (!json_is_object(rec)) {
		json_decref(rec);
		return 0;	/* garbled by other output: not a sample */
	}
	if (json_array_append_new(r->samples, rec))
		return -ENOMEM;
	return append_line(&r->lines, p);
}

static int parse_log(struct con_run *r, const char *log, char **text)
{
	char *line, *save = NULL;
	int e = tb_read_file(log, text, NULL);

	if (e)
		return e;
	r->samples = json_array();
	if (!r->samples)
		return -ENOMEM;
	for (line = strtok_r(*text, "\n", &save); !e && line;
	     line = strtok_r(NULL, "\n", &save))
		e = take_line(r, line);
	return e;
}

static struct con_inst *find_inst(struct con_run *r, const char *name,
				  const char *workload)
{
	struct con_inst *n;

	for (size_t i = 0; i < r->nin; i++)
		if (!strcmp(r->in[i].name, name))
			return &r->in[i];
	n = realloc(r->in, (r->nin + 1) * sizeof(*n));
	if (!n)
		return NULL;
	r->in = n;
	n = &r->in[r->nin++];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->workload = workload;
	return n;
}

static struct con_metric *find_metric(struct con_inst *in, json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "metric"));
	struct con_metric *m;

	for (size_t i = 0; i < in->nm; i++)
		if (!strcmp(in->m[i].name, name))
			return &in->m[i];
	m = realloc(in->m, (in->nm + 1) * sizeof(*m));
	if (!m)
		return NULL;
	in->m = m;
	m = &in->m[in->nm++];
	memset(m, 0, sizeof(*m));
	m->name = name;
	m->unit = json_string_value(json_object_get(rec, "unit"));
	m->better = json_string_value(json_object_get(rec, "better"));
	return m;
}

/* Count one record into its instance. */
static int add_record(struct con_run *r, json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "instance"));
	const char *st = json_string_value(json_object_get(rec, "status"));
	json_t *value = json_object_get(rec, "value");
	int rep = (int)json_integer_value(json_object_get(rec, "rep"));
	int warm = json_is_true(json_object_get(rec, "warmup"));
	struct con_inst *in;
	struct con_metric *m;
	double *nv;

	if (!name)
		return 0;
	in = find_inst(r, name, json_string_value(json_object_get(rec,
							"workload")));
	if (!in)
		return -ENOMEM;
	in->repeat = rep > in->repeat ? rep : in->repeat;
	if (warm && rep > in->discard)
		in->discard = rep;
	if (status_rank(st) > in->rank) {
		in->rank = status_rank(st);
		in->reason = json_string_value(json_object_get(rec, "reason"));
	}
	if (status_rank(st) != 0 || !json_is_string(json_object_get(rec,
	    "metric")) || !json_is_number(value))
		return 0;
	m = find_metric(in, rec);
	if (!m)
		return -ENOMEM;
	if (warm) {
		m->disc++;
		return 0;
	}
	nv = realloc(m->v, (m->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	m->v = nv;
	m->v[m->n++] = json_number_value(value);
	return 0;
}

/* A number, or null for NaN (jansson has no NaN). */
static json_t *num(double v)
{
	return v == v ? json_real(v) : json_null();
}

static json_t *metric_json(const struct con_metric *m)
{
	const char *keys[] = { "median", "mean", "min", "max", "mad",
			       "stddev", "cv" };
	struct tb_stats st;
	json_t *o;

	if (tb_stats_compute(m->v, m->n, &st))
		return NULL;
	o = json_pack("{s:s, s:s?, s:s?, s:I, s:I}", "metric", m->name,
		      "unit", m->unit, "better", m->better, "n",
		      (json_int_t)m->n, "discarded", (json_int_t)m->disc);
	const double vals[] = { st.median, st.mean, st.min, st.max, st.mad,
				st.stddev, st.cv };
	for (size_t i = 0; o && i < sizeof(vals) / sizeof(*vals); i++)
		if (json_object_set_new(o, keys[i], num(vals[i]))) {
			json_decref(o);
			o = NULL;
		}
	return o;
}

static const char *rank_name(int rank)
{
	static const char *const names[] = { "ok", "skipped", "failed",
					     "timeout" };

	return names[rank];
}

static json_t *instance_json(const struct con_inst *in)
{
	json_t *o, *ms = json_array();

	for (size_t i = 0; ms && i < in->nm; i++)
		if (json_array_append_new(ms, metric_json(&in->m[i]))) {
			json_decref(ms);
			ms = NULL;
		}
	if (!ms)
		return NULL;
	o = json_pack("{s:s, s:s?, s:s, s:s?, s:i, s:i, s:o}", "instance",
		      in->name, "workload", in->workload, "status",
		      rank_name(in->rank), "reason", in->reason, "repeat",
		      in->repeat, "discard", in->discard, "metrics", ms);
	return o;
}

/* The run's status and reason, as the appliance would give them. */
static char *run_reason(const struct con_run *r)
{
	if (!r->status[0])
		return strdup("no TWINBENCH-DONE on the console: the run did "
			      "not finish");
	for (size_t i = 0; i < r->nin; i++)
		if (r->in[i].rank >= 2)
			return tb_strdupf("%s: %s: %s", r->in[i].name,
					  rank_name(r->in[i].rank),
					  r->in[i].reason ? r->in[i].reason :
					  "?");
	return NULL;
}

static json_t *summary_json(const struct con_run *r, const char *id)
{
	const char *dash = strchr(id, '-');
	char *reason = run_reason(r);
	json_t *insts = json_array(), *o;

	for (size_t i = 0; insts && i < r->nin; i++)
		if (json_array_append_new(insts, instance_json(&r->in[i]))) {
			json_decref(insts);
			insts = NULL;
		}
	o = insts ? json_pack("{s:i, s:s, s:s?, s:s, s:s, s:s?, s:o}",
			      "schema", 1, "run", id, "label",
			      dash ? dash + 1 : NULL, "source", "console",
			      "status", r->status[0] ? r->status : "failed",
			      "reason", reason, "instances", insts) : NULL;
	free(reason);
	return o;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char *p = fs_join(dir, name);
	int e = p ? fs_write_text(p, text ? text : "") : -ENOMEM;

	free(p);
	return e;
}

/* The files into a new directory tmp. */
static int write_files(const struct con_run *r, const char *tmp,
		       const char *id, const char *log)
{
	json_t *sum = summary_json(r, id);
	char *text = sum ? json_dumps(sum, JSON_INDENT(1)) : NULL;
	char *done = r->status[0] ? tb_strdupf("%s\n", r->status) : NULL;
	int e = text ? 0 : -ENOMEM;

	if (!e)
		e = write_text(tmp, "summary.json", text);
	if (!e)
		e = write_text(tmp, "samples.jsonl", r->lines);
	if (!e)
		e = write_text(tmp, "console.log", log);
	if (!e && r->hardware)
		e = write_text(tmp, "hardware.json", r->hardware);
	if (!e && r->status[0])
		e = done ? write_text(tmp, "DONE", done) : -ENOMEM;
	free(done);
	free(text);
	json_decref(sum);
	return e;
}

static void con_run_free(struct con_run *r)
{
	for (size_t i = 0; i < r->nin; i++) {
		for (size_t k = 0; k < r->in[i].nm; k++)
			free(r->in[i].m[k].v);
		free(r->in[i].m);
	}
	free(r->in);
	free(r->lines);
	free(r->hardware);
	json_decref(r->samples);
}

/* The run id: from TWINBENCH-DONE, else from the first sample. */
static char *run_id(const struct con_run *r)
{
	json_t *first = json_array_get(r->samples, 0);
	const char *id = json_string_value(json_object_get(first, "run"));

	if (r->id[0])
		return strdup(r->id);
	return strdup(id ? id : "console");
}

int console_run(const char *log, const char *dir, char **id)
{
	struct con_run r;
	char *text = NULL, *tmp = NULL, *dest = NULL;
	size_t i;
	int e;

	memset(&r, 0, sizeof(r));
	*id = NULL;
	e = parse_log(&r, log, &text);
	if (!e && !r.id[0] && json_array_size(r.samples) == 0 && !r.hardware)
		e = -ENOENT;
	for (i = 0; !e && i < json_array_size(r.samples); i++)
		e = add_record(&r, json_array_get(r.samples, i));
	if (!e && !(*id = run_id(&r)))
		e = -ENOMEM;
	if (!e) {
		dest = fs_join(dir, *id);
		tmp = tb_strdupf("%s/.%s.tmp", dir, *id);
		e = !dest || !tmp ? -ENOMEM : fs_exists(dest) ? -EEXIST :
		    mkdir(tmp, 0755) ? -errno : 0;
	}
	if (!e && (e = write_files(&r, tmp, *id, text)) == 0 &&
	    rename(tmp, dest))
		e = -errno;
	if (e && tmp && fs_exists(tmp))
		fs_remove_tree(tmp);
	free(tmp);
	free(dest);
	free(text);
	con_run_free(&r);
	return e;
}
