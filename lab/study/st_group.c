/* st_group.c - platforms from runs, and what a reader must know of each:
 * hypervisor, kernel, CPU, memory, disk and NIC drivers, image, mode and
 * profile, each the distinct values over its boots.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_priv.h"
#include "tb_util.h"

long st_plat_find(const struct st_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nplats; i++)
		if (!strcmp(r->plats[i].name, name))
			return (long)i;
	return -1;
}

/* Add v to the " | "-joined list *s unless it is there. */
static int add_fact(char **s, const char *v)
{
	const char *p;
	size_t n = strlen(v);

	for (p = *s; p && (p = strstr(p, v)); p += n)
		if ((p == *s || !strncmp(p - 3, " | ", 3)) &&
		    (!p[n] || !strncmp(p + n, " | ", 3)))
			return 0;
	return st_append(s, "%s%s", *s ? " | " : "", v);
}

static const char *js(json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return json_string_value(json_object_get(o, path));
}

static long long ji(json_t *o, const char *a, const char *b)
{
	return json_integer_value(json_object_get(json_object_get(o, a), b));
}

/* "vda virtio_blk, sdb ahci" from hardware.disks or .nics */
static char *devices(json_t *hw, const char *key, const char *kind)
{
	json_t *a = json_object_get(hw, key), *d;
	char *s = NULL;
	size_t i;

	json_array_foreach(a, i, d) {
		const char *k = js(d, "kind");

		if (kind && k && strcmp(k, kind))
			continue;
		if (st_append(&s, "%s%s %s", s ? ", " : "",
			      js(d, "name") ? js(d, "name") : "?",
			      js(d, "driver") ? js(d, "driver") : "?") < 0)
			break;
	}
	return s ? s : strdup(hw ? "none" : "unknown");
}

static int hypervisor_fact(struct st_platform *p, const struct st_run *u)
{
	json_t *m = u->manifest;
	const char *name = js(m, "system.hypervisor.name");
	const char *sig = js(m, "system.hypervisor.signature");
	const char *mode = js(m, "mode");
	char *s;
	int rc;

	if (!m)
		return add_fact(&p->hypervisor, "unknown (no manifest)");
	s = tb_strdupf("%s%s%s%s", name ? name : "none",
		       sig ? " (" : "", sig ? sig : "", sig ? ")" : "");
	if (!s)
		return -ENOMEM;
	rc = add_fact(&p->hypervisor, s);
	free(s);
	if (rc == 0 && mode && !strcmp(mode, "container")) {
		const char *eng = js(m, "container.engine");

		s = tb_strdupf("container%s%s", eng ? ": " : "",
			       eng ? eng : "");
		rc = s ? add_fact(&p->mode, s) : -ENOMEM;
		free(s);
	} else if (rc == 0) {
		rc = add_fact(&p->mode, mode ? mode : "unknown");
	}
	return rc;
}

static int system_facts(struct st_platform *p, const struct st_run *u)
{
	json_t *m = u->manifest;
	const char *cpu = js(m, "system.cpu_model");
	const char *img = js(m, "image.id");
	char *s;
	int rc;

	rc = add_fact(&p->kernel, js(m, "kernel.release") ?
		      js(m, "kernel.release") : "unknown");
	s = tb_strdupf("%s x %lld", cpu ? cpu : "unknown",
		       ji(m, "system", "cpu_count"));
	rc = rc ? rc : s ? add_fact(&p->cpu, s) : -ENOMEM;
	free(s);
	s = tb_strdupf("%lld MiB", ji(m, "system", "mem_total_kib") / 1024);
	rc = rc ? rc : s ? add_fact(&p->memory, m ? s : "unknown") : -ENOMEM;
	free(s);
	s = tb_strdupf("%.12s", img ? img : "none");
	rc = rc ? rc : s ? add_fact(&p->image, s) : -ENOMEM;
	free(s);
	s = tb_strdupf("%s %.12s", u->profile ? u->profile : "unknown",
		       u->profile_sha256 ? u->profile_sha256 : "");
	rc = rc ? rc : s ? add_fact(&p->profile, s) : -ENOMEM;
	free(s);
	return rc;
}

static int hardware_facts(struct st_platform *p, const struct st_run *u)
{
	char *d = devices(u->hardware, "disks", "disk");
	char *n = devices(u->hardware, "nics", NULL);
	int rc = d && n ? 0 : -ENOMEM;

	if (rc == 0)
		rc = add_fact(&p->disks, d);
	if (rc == 0)
		rc = add_fact(&p->nics, n);
	free(d);
	free(n);
	return rc;
}

static int add_run(struct st_report *r, struct st_run *u)
{
	long k = st_plat_find(r, u->platform);
	struct st_platform *p, **nr;
	struct st_run **nruns;

	if (k < 0) {
		p = realloc(r->plats, (r->nplats + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		r->plats = p;
		p = &r->plats[r->nplats++];
		memset(p, 0, sizeof(*p));
		p->name = strdup(u->platform);
		p->label = strdup(u->label);
		p->vms = u->vms;
		if (!p->name || !p->label)
			return -ENOMEM;
	} else {
		p = &r->plats[k];
	}
	nruns = realloc(p->runs, (p->nruns + 1) * sizeof(*nr));
	if (!nruns)
		return -ENOMEM;
	p->runs = nruns;
	p->runs[p->nruns++] = u;
	p->incomplete |= !u->done;
	if (hypervisor_fact(p, u) || system_facts(p, u) ||
	    hardware_facts(p, u))
		return -ENOMEM;
	return 0;
}

static int run_cmp(const void *a, const void *b)
{
	const struct st_run *x = a, *y = b;
	int c = strcmp(x->platform, y->platform);

	if (!c)
		c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->dir, y->dir);
}

/* The baseline first, then by name. */
static int plat_cmp_base(const struct st_platform *x,
			 const struct st_platform *y, const char *base)
{
	int bx = !strcmp(x->name, base), by = !strcmp(y->name, base);

	return bx != by ? by - bx : strcmp(x->name, y->name);
}

static void sort_plats(struct st_report *r)
{
	size_t i, j;
	struct st_platform t;

	for (i = 1; i < r->nplats; i++)	/* a few platforms: insertion */
		for (j = i; j > 0 && plat_cmp_base(&r->plats[j - 1],
						   &r->plats[j],
						   r->opt.baseline) > 0; j--) {
			t = r->plats[j];
			r->plats[j] = r->plats[j - 1];
			r->plats[j - 1] = t;
		}
}

int st_group(struct st_report *r, char **err)
{
	size_t i;

	qsort(r->runs, r->nruns, sizeof(*r->runs), run_cmp);
	for (i = 0; i < r->nruns; i++)
		if (add_run(r, &r->runs[i]) < 0) {
			*err = strdup("out of memory");
			return -1;
		}
	sort_plats(r);
	return 0;
}

void st_platform_free(struct st_platform *p)
{
	free(p->name);
	free(p->label);
	free(p->runs);
	free(p->hypervisor);
	free(p->kernel);
	free(p->cpu);
	free(p->memory);
	free(p->disks);
	free(p->nics);
	free(p->image);
	free(p->mode);
	free(p->profile);
}
