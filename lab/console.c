/* console.c - a run read back from the serial console, for boots without a
 * BENCHRES disk (the ISO, PXE).
 *
 * The appliance prints `TWINBENCH-RUN {run,label,profile}` when it starts,
 * every sample as `TWINBENCH {record}` (the line of samples.jsonl), the
 * hardware it found as `TWINBENCH-HARDWARE {json}` and, when the run is
 * complete, `TWINBENCH-DONE <run-id> <status>[ <reason>]`.  From these
 * lines this file rebuilds a run directory like the one on BENCHRES:
 * samples.jsonl (the records as printed), console.log (the whole serial
 * log), hardware.json, summary.json and DONE only if TWINBENCH-DONE came.
 * summary.json is computed from the records by the same code as the
 * appliance's (lib/summary.c), so for a complete run it equals the one on
 * BENCHRES but for "source":"console".  manifest.json is not on the
 * console, so it is missing.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab.h"
#include "tb_json.h"
#include "tb_summary.h"
#include "tb_util.h"

#define MARK_SAMPLE	"TWINBENCH {"
#define MARK_HW		"TWINBENCH-HARDWARE {"
#define MARK_DONE	"TWINBENCH-DONE "
#define MARK_RUN	"TWINBENCH-RUN {"

struct con_run {
	json_t *samples;	/* the records, in order */
	char *lines;		/* their text, one per line */
	char *hardware;		/* the TWINBENCH-HARDWARE object */
	json_t *run;		/* the TWINBENCH-RUN object */
	char id[128], status[32];	/* from TWINBENCH-DONE */
	char *reason;		/* the rest of that line, or NULL */
	struct tb_sum *sum;
};

static int append_line(char **all, const char *s)
{
	char *n = tb_strdupf("%s%s\n", *all ? *all : "", s);

	free(*all);
	*all = n;
	return n ? 0 : -ENOMEM;
}

/* "<run-id> <status>[ <reason>]" */
static int take_done(struct con_run *r, const char *p)
{
	int end = 0;

	free(r->reason);
	r->reason = NULL;
	if (sscanf(p, "%127s %31s%n", r->id, r->status, &end) != 2) {
		r->id[0] = r->status[0] = '\0';
		return 0;
	}
	p += end;
	if (*p == ' ' && p[1]) {
		r->reason = strdup(p + 1);
		if (!r->reason)
			return -ENOMEM;
	}
	return 0;
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
	if ((p = strstr(line, MARK_DONE)))
		return take_done(r, p + strlen(MARK_DONE));
	if ((p = strstr(line, MARK_RUN))) {
		json_decref(r->run);
		r->run = json_loads(p + strlen(MARK_RUN) - 1, 0, NULL);
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

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Count one record into the summary; a record that is not one (no
 * instance, no rep) is left out, as the appliance never writes such. */
static int add_record(struct con_run *r, json_t *rec)
{
	json_t *value = json_object_get(rec, "value");
	const char *better = jstr(rec, "better");
	int st = tb_rec_status_parse(jstr(rec, "status"));
	struct tb_rec t = {
		.instance = jstr(rec, "instance"),
		.workload = jstr(rec, "workload"),
		.rep = (int)json_integer_value(json_object_get(rec, "rep")),
		.warmup = json_is_true(json_object_get(rec, "warmup")),
		.metric = jstr(rec, "metric"),
		.unit = jstr(rec, "unit"),
		.better = !better ? TB_INFO : !strcmp(better, "higher") ?
			  TB_HIGHER : TB_LOWER,
		.value = json_number_value(value),
		.status = st < 0 ? TB_REC_FAILED : (enum tb_rec_status)st,
		.reason = jstr(rec, "reason"),
	};
	int e;

	if (t.metric && (!json_is_number(value) || t.status != TB_REC_OK))
		t.metric = NULL;
	e = tb_sum_add(r->sum, &t);
	return e == -EINVAL ? 0 : e;
}

/* summary.json's text, as the appliance writes it, + "source". */
static char *summary_text(const struct con_run *r, const char *id)
{
	const char *dash = strchr(id, '-'), *label = jstr(r->run, "label");
	const char *reason = r->status[0] ? r->reason :
		"no TWINBENCH-DONE on the console: the run did not finish";
	struct tb_json j;
	char *text = NULL;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_sum_members_json(r->sum, &j, id, label ? label :
			    dash ? dash + 1 : NULL, jstr(r->run, "profile"),
			    r->status[0] ? r->status : "failed", reason);
	tb_json_kstr(&j, "source", "console");
	tb_json_obj_end(&j);
	if (tb_json_error(&j) == 0)
		text = strdup(j.buf);
	tb_json_free(&j);
	return text;
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
	char *text = summary_text(r, id);
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
	return e;
}

static void con_run_free(struct con_run *r)
{
	tb_sum_free(r->sum);
	json_decref(r->run);
	free(r->reason);
	free(r->lines);
	free(r->hardware);
	json_decref(r->samples);
}

/* The run id: from TWINBENCH-DONE, TWINBENCH-RUN or the first sample. */
static char *run_id(const struct con_run *r)
{
	const char *id = jstr(json_array_get(r->samples, 0), "run");

	if (r->id[0])
		return strdup(r->id);
	if (jstr(r->run, "run"))
		id = jstr(r->run, "run");
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
	r.sum = tb_sum_new();
	e = r.sum ? parse_log(&r, log, &text) : -ENOMEM;
	if (!e && !r.id[0] && json_array_size(r.samples) == 0 && !r.hardware &&
	    !r.run)
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
