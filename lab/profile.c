/* profile.c - choose which boot entry (profile) an image runs.
 *
 * The boot partition carries the same menu twice: /syslinux.cfg (BIOS) and
 * /EFI/BOOT/syslinux.cfg (UEFI).  Choosing a profile rewrites the DEFAULT
 * line of both inside the image (mcopy out, edit, mcopy -o back); a label
 * goes into the chosen entry's APPEND line as bench.label=.  A lab operator
 * can so switch a stick to another profile without rebuilding it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

static const char *const cfg_paths[] = {
	"/syslinux.cfg", "/EFI/BOOT/syslinux.cfg",
};

/* Fetch and parse one cfg; *absent set if an optional one is missing. */
static int load_cfg(const struct profile_req *q, size_t i, struct bootcfg *c,
		    int *absent)
{
	char *local = tb_strdupf("%s/cfg%zu", q->workdir, i), *text = NULL;
	int e;

	*absent = 0;
	if (!local)
		return -ENOMEM;
	e = fat_get(q->image, q->boot, cfg_paths[i], local, i > 0);
	if (e && i > 0) {
		*absent = 1;
		e = 0;
	} else if (!e) {
		e = tb_read_file(local, &text, NULL);
		if (!e)
			e = bootcfg_parse(text, c);
	}
	free(text);
	free(local);
	return e;
}

/* The cfg's text with the request applied (malloc'ed). */
static char *edit_cfg(const struct bootcfg *c, const char *chosen,
		      const char *label)
{
	char *t, *u;

	if (c->deflt && !strcmp(c->deflt, chosen))
		t = strdup(c->text);
	else
		t = bootcfg_set_default(c->text, chosen);
	if (!t || !label)
		return t;
	u = bootcfg_set_param(t, chosen, "bench.label", label);
	free(t);
	return u;
}

static int store_cfg(const struct profile_req *q, size_t i, const char *text)
{
	char *local = tb_strdupf("%s/cfg%zu.new", q->workdir, i);
	int e;

	if (!local)
		return -ENOMEM;
	e = fs_write_text(local, text);
	if (!e)
		e = fat_put(q->image, q->boot, local, cfg_paths[i]);
	free(local);
	return e;
}

/* Apply the request to cfg i (already parsed as c). */
static int apply_cfg(const struct profile_req *q, struct profile_res *r,
		     size_t i, const struct bootcfg *c)
{
	char *text;
	int e = 0;

	if (!bootcfg_has(c, r->chosen)) {
		r->failed = cfg_paths[i];
		return -ENOENT;
	}
	text = edit_cfg(c, r->chosen, q->label);
	if (!text)
		return -ENOMEM;
	if (strcmp(text, c->text)) {
		e = store_cfg(q, i, text);
		if (e)
			r->failed = cfg_paths[i];
	}
	free(text);
	return e;
}

/* From the BIOS cfg: check the profile, fix what is chosen. */
static int choose(const struct profile_req *q, struct profile_res *r,
		  const struct bootcfg *c)
{
	if (q->profile && !bootcfg_has(c, q->profile)) {
		r->available = bootcfg_labels_str(c);
		return r->available ? -ENOENT : -ENOMEM;
	}
	if (!q->profile && !c->deflt)
		return -EINVAL;
	r->chosen = strdup(q->profile ? q->profile : c->deflt);
	if (!r->chosen)
		return -ENOMEM;
	if (!c->deflt || strcmp(c->deflt, r->chosen)) {
		r->previous = strdup(c->deflt ? c->deflt : "(none)");
		if (!r->previous)
			return -ENOMEM;
	}
	return 0;
}

int profile_select(const struct profile_req *q, struct profile_res *r)
{
	struct bootcfg c;
	int e = 0, absent;
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; !e && i < sizeof(cfg_paths) / sizeof(*cfg_paths); i++) {
		e = load_cfg(q, i, &c, &absent);
		if (e) {
			r->failed = cfg_paths[i];
			break;
		}
		if (absent)
			continue;
		if (i == 0)
			e = choose(q, r, &c);
		if (!e)
			e = apply_cfg(q, r, i, &c);
		bootcfg_free(&c);
	}
	return e;
}

void profile_res_free(struct profile_res *r)
{
	free(r->chosen);
	free(r->previous);
	free(r->available);
	memset(r, 0, sizeof(*r));
}
