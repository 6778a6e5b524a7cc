/* profile_apply.c - turning a finished section into profile values.
 *
 * [profile] sets the defaults; an instance section looks its workload up,
 * applies the workload's defaults, then its own keys in order, so every
 * error names the line of the key that caused it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tb_opt.h"
#include "tb_profile.h"
#include "profile_priv.h"

/* repeat, discard and timeout: in [profile] and as instance overrides */
struct prof_knobs {
	int64_t repeat, discard, timeout;
	int line_repeat, line_discard;	/* where set, 0 if inherited */
};

static const struct tb_opt knob_opts[] = {
	{ "repeat", TB_OPT_INT, offsetof(struct prof_knobs, repeat), 1, 1000,
	  "3", "runs per instance", NULL },
	{ "discard", TB_OPT_INT, offsetof(struct prof_knobs, discard), 0, 999,
	  "0", "leading runs dropped as warm-up", NULL },
	{ "timeout", TB_OPT_INT, offsetof(struct prof_knobs, timeout), 1,
	  604800, "600", "seconds per run", NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* 1 if kv is a knob (applied or error set in *rc), 0 if not. */
static int knob_set(struct prof_parser *ps, const struct prof_kv *kv,
		    struct prof_knobs *k, int *rc)
{
	const struct tb_opt *o = tb_opt_find(knob_opts, kv->key);
	char msg[256];

	if (!o)
		return 0;
	*rc = 0;
	if (tb_opt_set(o, k, kv->val, msg, sizeof(msg)))
		*rc = prof_err(ps, kv->line, "%s", msg);
	else if (!strcmp(kv->key, "repeat"))
		k->line_repeat = kv->line;
	else if (!strcmp(kv->key, "discard"))
		k->line_discard = kv->line;
	return 1;
}

static int knob_check(struct prof_parser *ps, const struct prof_knobs *k)
{
	int line = k->line_discard ? k->line_discard :
		   k->line_repeat ? k->line_repeat : ps->cur.line;

	if (k->discard < k->repeat)
		return 0;
	return prof_err(ps, line, "discard (%lld) must be less than repeat "
			"(%lld)", (long long)k->discard, (long long)k->repeat);
}

static int parse_seed(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int profile_key(struct prof_parser *ps, const struct prof_kv *kv)
{
	char *d;

	if (!strcmp(kv->key, "description")) {
		d = strdup(kv->val);
		if (!d)
			return prof_err(ps, kv->line, "out of memory");
		free(ps->p->description);
		ps->p->description = d;
		return 0;
	}
	if (!strcmp(kv->key, "seed")) {
		if (parse_seed(kv->val, &ps->p->seed))
			return prof_err(ps, kv->line, "seed: '%s' is not an "
					"integer in 0..%llu", kv->val,
					(unsigned long long)UINT64_MAX);
		return 0;
	}
	return prof_err(ps, kv->line, "unknown key '%s' in [profile] (known: "
			"description, repeat, discard, timeout, seed)",
			kv->key);
}

int prof_apply_profile(struct prof_parser *ps)
{
	struct prof_knobs k = { 3, 0, 600, 0, 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < ps->cur.nkv && !rc; i++)
		if (!knob_set(ps, &ps->cur.kv[i], &k, &rc))
			rc = profile_key(ps, &ps->cur.kv[i]);
	if (rc || knob_check(ps, &k))
		return -1;
	ps->p->repeat = (int)k.repeat;
	ps->p->discard = (int)k.discard;
	ps->p->timeout = (int)k.timeout;
	return 0;
}

static int instance_keys(struct prof_parser *ps, struct tb_instance *in,
			 struct prof_knobs *k)
{
	const struct prof_kv *kv;
	const struct tb_opt *o;
	char msg[256];
	size_t i;
	int rc = 0;

	for (i = 0; i < ps->cur.nkv; i++) {
		kv = &ps->cur.kv[i];
		if (!strcmp(kv->key, "workload"))
			continue;
		if (knob_set(ps, kv, k, &rc)) {
			if (rc)
				return -1;
			continue;
		}
		o = tb_opt_find(in->wl->opts, kv->key);
		if (!o)
			return prof_err(ps, kv->line, "unknown option '%s' for "
					"workload '%s'", kv->key, in->wl->name);
		if (tb_opt_set(o, in->params, kv->val, msg, sizeof(msg)))
			return prof_err(ps, kv->line, "%s", msg);
	}
	return knob_check(ps, k);
}

static int instance_add(struct prof_parser *ps, struct tb_instance *in)
{
	struct tb_profile *p = ps->p;
	struct tb_instance *ni;

	ni = realloc(p->inst, (p->ninst + 1) * sizeof(*ni));
	if (!ni)
		return prof_err(ps, in->line, "out of memory");
	p->inst = ni;
	p->inst[p->ninst++] = *in;
	return 0;
}

static int instance_fill(struct prof_parser *ps, struct tb_instance *in)
{
	const struct prof_kv *wkv = prof_kv_find(&ps->cur, "workload");
	struct prof_knobs k = {
		ps->p->repeat, ps->p->discard, ps->p->timeout, 0, 0
	};
	char msg[256];

	if (!wkv)
		return prof_err(ps, ps->cur.line, "section [%s] has no "
				"'workload = NAME'", ps->cur.name);
	in->wl = ps->lookup ? ps->lookup(wkv->val) : NULL;
	if (!in->wl)
		return prof_err(ps, wkv->line, "unknown workload '%s'",
				wkv->val);
	in->params = calloc(1, in->wl->params_size ? in->wl->params_size : 1);
	if (!in->params)
		return prof_err(ps, ps->cur.line, "out of memory");
	if (tb_opt_defaults(in->wl->opts, in->params, msg, sizeof(msg)))
		return prof_err(ps, ps->cur.line, "workload '%s': bad "
				"default: %s", in->wl->name, msg);
	if (instance_keys(ps, in, &k))
		return -1;
	in->repeat = (int)k.repeat;
	in->discard = (int)k.discard;
	in->timeout = (int)k.timeout;
	return 0;
}

int prof_apply_instance(struct prof_parser *ps)
{
	struct tb_instance in = { .line = ps->cur.line };

	in.name = strdup(ps->cur.name);
	if (!in.name)
		return prof_err(ps, ps->cur.line, "out of memory");
	if (instance_fill(ps, &in) || instance_add(ps, &in)) {
		free(in.name);
		free(in.params);
		return -1;
	}
	return 0;
}
