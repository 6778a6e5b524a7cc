/* st_run.c - one run directory into a struct st_run.
 *
 * samples.jsonl is read record by record; a line that is not a record is
 * an error naming the file and line, except the last line of a run without
 * DONE when it lacks its newline (the sample a power cut interrupted: it
 * was never complete, and the run is incomplete anyway).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "study/st_priv.h"
#include "tb_util.h"

static char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strdup(s) : NULL;
}

static char *jdump(json_t *v)
{
	return v && !json_is_null(v) ?
		json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

static int rec_from_json(struct st_rec *c, json_t *o, const char **what)
{
	json_t *b = json_object_get(o, "better"), *v;
	const char *bs = json_string_value(b);

	*what = "not a record (instance, workload, rep, status)";
	c->instance = jstr(o, "instance");
	c->workload = jstr(o, "workload");
	c->status = jstr(o, "status");
	if (!c->instance || !c->workload || !c->status ||
	    !json_is_integer(json_object_get(o, "rep")))
		return -1;
	c->rep = (int)json_integer_value(json_object_get(o, "rep"));
	c->warmup = json_is_true(json_object_get(o, "warmup"));
	c->headline = json_is_true(json_object_get(o, "headline"));
	c->metric = jstr(o, "metric");
	c->unit = jstr(o, "unit");
	c->ihash = tb_hash_str(c->instance);
	c->mhash = c->metric ? tb_hash_str(c->metric) : 0;
	c->reason = jstr(o, "reason");
	c->params = jdump(json_object_get(o, "params"));
	c->derived = jdump(json_object_get(o, "derived"));
	c->scratch = jstr(json_object_get(o, "scratch"), "medium");
	c->better = !bs ? ST_INFO : !strcmp(bs, "higher") ? ST_HIGHER :
		!strcmp(bs, "lower") ? ST_LOWER : ST_INFO;
	if (bs && c->better == ST_INFO) {
		*what = "better is neither higher, lower nor null";
		return -1;
	}
	if (c->metric) {
		v = json_object_get(o, "value");
		*what = "a metric without a numeric value";
		if (!json_is_number(v) || !c->unit)
			return -1;
		c->value = json_number_value(v);
	}
	return 0;
}

static void rec_free(struct st_rec *c)
{
	free(c->instance);
	free(c->workload);
	free(c->metric);
	free(c->unit);
	free(c->status);
	free(c->reason);
	free(c->params);
	free(c->derived);
	free(c->scratch);
}

static int add_rec(struct st_run *run, json_t *o, const char **what)
{
	struct st_rec *n = realloc(run->recs,
				   (run->nrecs + 1) * sizeof(*n));

	*what = "out of memory";
	if (!n)
		return -1;
	run->recs = n;
	memset(&n[run->nrecs], 0, sizeof(*n));
	if (!run->rec_run)
		run->rec_run = jstr(o, "run");
	if (rec_from_json(&n[run->nrecs], o, what) < 0) {
		rec_free(&n[run->nrecs]);
		return -1;
	}
	run->nrecs++;
	return 0;
}

/* One line of samples.jsonl (NUL-terminated, without its newline). */
static int take_line(struct st_run *run, char *line, const char **what,
		     json_error_t *je)
{
	json_t *o = json_loads(line, 0, je);
	int rc;

	if (!o) {
		*what = je->text;
		return -1;
	}
	rc = json_is_object(o) ? add_rec(run, o, what) : -1;
	if (!json_is_object(o))
		*what = "not a JSON object";
	json_decref(o);
	return rc;
}

static int read_samples(struct st_run *run, char **err)
{
	char *path = fs_join(run->dir, "samples.jsonl");
	char *text = NULL, *p, *nl;
	const char *what = NULL;
	json_error_t je;
	long line = 0;
	int rc = path ? tb_read_file(path, &text, NULL) : -ENOMEM;

	if (rc < 0) {
		*err = tb_strdupf("%s: %s", path ? path : run->dir,
				  strerror(-rc));
		free(path);
		return -1;
	}
	for (p = text; *p && rc == 0; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		line++;
		if (nl)
			*nl = '\0';
		if (!*p)
			continue;
		rc = take_line(run, p, &what, &je);
		if (rc < 0 && !nl && !run->done) {
			run->torn = 1;		/* the sample in flight */
			rc = 0;
		}
	}
	if (rc < 0)
		*err = tb_strdupf("%s:%ld: %s", path, line, what);
	free(text);
	free(path);
	return rc;
}

/* path's JSON object, or NULL: absent (*err NULL) or bad (*err set). */
static json_t *read_json(const char *dir, const char *name, char **err)
{
	char *path = fs_join(dir, name);
	json_error_t je;
	json_t *o;

	*err = NULL;
	if (!path || !fs_exists(path)) {
		if (!path)
			*err = strdup("out of memory");
		free(path);
		return NULL;
	}
	o = json_load_file(path, 0, &je);
	if (!o)
		*err = tb_strdupf("%s:%d: %s", path, je.line, je.text);
	else if (!json_is_object(o)) {
		*err = tb_strdupf("%s: not a JSON object", path);
		json_decref(o);
		o = NULL;
	}
	free(path);
	return o;
}

/* DONE holds the run's status (and reason) on its first line. */
static int read_done(struct st_run *run)
{
	char *path = fs_join(run->dir, "DONE");
	char *text = NULL, *sp, *nl;

	if (!path)
		return -ENOMEM;
	run->done = fs_exists(path);
	if (run->done && tb_read_file(path, &text, NULL) < 0)
		text = NULL;
	free(path);
	if (!text)
		return 0;
	if ((nl = strchr(text, '\n')))
		*nl = '\0';
	if ((sp = strchr(text, ' '))) {
		*sp = '\0';
		run->reason = strdup(sp + 1);
	}
	run->status = *text ? strdup(text) : NULL;
	free(text);
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	while (s && !s[1] && s > p) {	/* trailing slash */
		const char *q = s - 1;

		while (q > p && *q != '/')
			q--;
		return *q == '/' ? q + 1 : q;
	}
	return s ? s + 1 : p;
}

/* Run id and label: the manifest's, else the records' run id ("NNNN-L"). */
static int identify(struct st_run *run)
{
	json_t *m = run->manifest;
	const char *id = json_string_value(json_object_get(m, "run"));
	const char *label = json_string_value(json_object_get(m, "label"));
	const char *dash;

	if (!id && run->nrecs)
		id = run->rec_run;
	if (!id)
		id = base_name(run->dir);
	dash = strchr(id, '-');
	if (!label)
		label = dash ? dash + 1 : id;
	run->id = strndup(id, strcspn(id, "/"));
	run->label = strdup(label);
	run->vms = (long)json_integer_value(json_object_get(m, "vms"));
	run->vm = (long)json_integer_value(json_object_get(m, "vm"));
	run->platform = run->vms > 1 ?
		tb_strdupf("%s@%ld", label, run->vms) : strdup(label);
	if (!run->status)
		run->status = jstr(m, "status");
	json_t *p = json_object_get(m, "profile");
	run->profile = jstr(p, "name");
	run->profile_sha256 = jstr(p, "sha256");
	return run->id && run->label && run->platform ? 0 : -ENOMEM;
}

/* A value counts only when its repetition has no outcome record (it
 * failed, timed out or was skipped after reporting it): lib/summary.c's
 * rule. */
static void mark_dropped(struct st_run *run)
{
	size_t i, k;

	for (i = 0; i < run->nrecs; i++) {
		const struct st_rec *o = &run->recs[i];

		if (o->metric || !strcmp(o->status, "ok"))
			continue;
		for (k = 0; k < run->nrecs; k++)
			if (run->recs[k].metric && run->recs[k].rep == o->rep &&
			    !strcmp(run->recs[k].instance, o->instance))
				run->recs[k].dropped = 1;
	}
}

int st_read_run(struct st_run *run, char **err)
{
	char *e = NULL;

	if (read_done(run) < 0 || read_samples(run, err) < 0)
		goto fail;
	run->manifest = read_json(run->dir, "manifest.json", &e);
	if (e)
		goto bad;
	run->hardware = json_incref(json_object_get(run->manifest,
						     "hardware"));
	if (!run->hardware || json_is_null(run->hardware)) {
		json_decref(run->hardware);
		run->hardware = read_json(run->dir, "hardware.json", &e);
		if (e)
			goto bad;
	}
	mark_dropped(run);
	if (identify(run) < 0) {
		*err = strdup("out of memory");
		goto fail;
	}
	return 0;
bad:
	*err = e;
fail:
	if (!*err)
		*err = tb_strdupf("%s: out of memory", run->dir);
	return -1;
}

void st_run_free(struct st_run *run)
{
	size_t i;

	for (i = 0; i < run->nrecs; i++)
		rec_free(&run->recs[i]);
	free(run->recs);
	json_decref(run->manifest);
	json_decref(run->hardware);
	free(run->dir);
	free(run->id);
	free(run->label);
	free(run->platform);
	free(run->status);
	free(run->reason);
	free(run->profile);
	free(run->profile_sha256);
	free(run->rec_run);
	memset(run, 0, sizeof(*run));
}
