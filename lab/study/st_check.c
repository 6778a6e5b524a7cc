/* st_check.c - what the report refuses, and the banners it shows.
 *
 * Refused (unless allowed): a run without DONE (--allow-incomplete), runs
 * whose binaries of the same name have different sha256 (--allow-mixed:
 * identical bits are the point of twinbench).  Always refused: a baseline
 * that no run has.  Shown as banners: what was allowed, torn last lines,
 * runs without a manifest (their bits cannot be compared), differing
 * kernels and profiles.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/st_priv.h"
#include "tb_util.h"

static int banner(struct st_report *r, char *text)
{
	char **n;

	if (!text)
		return -ENOMEM;
	n = realloc(r->banners, (r->nbanners + 1) * sizeof(*n));
	if (!n) {
		free(text);
		return -ENOMEM;
	}
	r->banners = n;
	n[r->nbanners++] = text;
	return 0;
}

/* A MIXED BITS banner for binary name was already added. */
static int strstr_banner(const struct st_report *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->nbanners; i++)
		if (!strncmp(r->banners[i], "MIXED BITS: binary ", 19) &&
		    !strncmp(r->banners[i] + 19, name, n) &&
		    r->banners[i][19 + n] == ' ')
			return 1;
	return 0;
}

static int check_baseline(struct st_report *r, char **err)
{
	char *names = NULL;
	size_t i;

	if (st_plat_find(r, r->opt.baseline) >= 0)
		return 0;
	for (i = 0; i < r->nplats; i++)
		st_append(&names, "%s%s", i ? ", " : "", r->plats[i].name);
	*err = tb_strdupf("--baseline %s: no run has that label; the "
			  "platforms found are: %s", r->opt.baseline,
			  names ? names : "(none)");
	free(names);
	return -1;
}

static int check_done(struct st_report *r, char **err)
{
	size_t i;

	for (i = 0; i < r->nruns; i++) {
		const struct st_run *u = &r->runs[i];

		if (u->torn && banner(r, tb_strdupf("%s: the last line of "
			"samples.jsonl is torn (the sample in flight when "
			"the run stopped) and was left out", u->dir)) < 0)
			return -ENOMEM;
		if (u->done)
			continue;
		if (!r->opt.allow_incomplete) {
			*err = tb_strdupf("%s: incomplete run (no DONE); "
					  "--allow-incomplete reports it, "
					  "flagged", u->dir);
			return -1;
		}
		if (banner(r, tb_strdupf("INCOMPLETE: %s (run %s of %s) has "
			   "no DONE; its rows are flagged incomplete",
			   u->dir, u->id, u->platform)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* "NAME: sha1 in runs A, B; sha2 in run C" when NAME's bits differ, else
 * NULL (also when out of memory: *oom set). */
static char *differing(const struct st_report *r, const char *name,
		       int *oom)
{
	const char *seen[64];
	size_t nseen = 0, i, j, k;
	char *s = NULL;

	for (i = 0; i < r->nruns; i++) {
		json_t *b, *bins = json_object_get(r->runs[i].manifest,
						   "binaries");

		json_array_foreach(bins, k, b) {
			const char *h = json_string_value(
				json_object_get(b, "sha256"));

			if (!h || strcmp(json_string_value(json_object_get(
				b, "name")) ?: "", name))
				continue;
			for (j = 0; j < nseen && strcmp(seen[j], h); j++)
				;
			if (j == nseen && nseen < 64)
				seen[nseen++] = h;
		}
	}
	if (nseen < 2)
		return NULL;
	for (j = 0; j < nseen && !*oom; j++) {
		*oom |= st_append(&s, "%s%.12s in", j ? "; " : "", seen[j]);
		for (i = 0; i < r->nruns && !*oom; i++) {
			json_t *b, *bins = json_object_get(
				r->runs[i].manifest, "binaries");

			json_array_foreach(bins, k, b)
				if (!strcmp(json_string_value(json_object_get(
					b, "sha256")) ?: "", seen[j]) &&
				    !strcmp(json_string_value(json_object_get(
					b, "name")) ?: "", name))
					*oom |= st_append(&s, " %s",
							  r->runs[i].dir) < 0;
		}
	}
	return s;
}

static int check_bits(struct st_report *r, char **err)
{
	size_t i, k;
	int oom = 0;

	for (i = 0; i < r->nruns && !oom; i++) {
		json_t *b, *bins = json_object_get(r->runs[i].manifest,
						   "binaries");

		if (!r->runs[i].manifest && banner(r, tb_strdupf(
			"%s has no manifest.json (rebuilt from a console "
			"log?): its binaries cannot be compared",
			r->runs[i].dir)) < 0)
			return -ENOMEM;
		json_array_foreach(bins, k, b) {
			const char *name = json_string_value(
				json_object_get(b, "name"));
			char *d = name ? differing(r, name, &oom) : NULL;

			if (!d || strstr_banner(r, name))
				;
			else if (!r->opt.allow_mixed) {
				*err = tb_strdupf("binary %s differs between "
					"runs: %s (--allow-mixed reports them "
					"anyway, with a banner)", name, d);
				free(d);
				return -1;
			} else if (banner(r, tb_strdupf("MIXED BITS: binary "
				   "%s differs between runs: %s", name, d)))
				oom = 1;
			free(d);
		}
	}
	return oom ? -ENOMEM : 0;
}

/* A fact with several values (" | ") across the platforms or within one. */
static int differ_banner(struct st_report *r, const char *what,
			 size_t off)
{
	char *s = NULL;
	size_t i;
	int differ = 0;

	for (i = 0; i < r->nplats; i++) {
		const char *v = *(char *const *)((const char *)&r->plats[i] +
						 off);

		differ |= strstr(v, " | ") != NULL ||
			strcmp(v, *(char *const *)((const char *)
						   &r->plats[0] + off));
		if (st_append(&s, "%s%s: %s", i ? "; " : "", r->plats[i].name,
			      v) < 0) {
			free(s);
			return -ENOMEM;
		}
	}
	if (!differ) {
		free(s);
		return 0;
	}
	differ = banner(r, tb_strdupf("%s differ: %s", what, s));
	free(s);
	return differ;
}

int st_check(struct st_report *r, char **err)
{
	int rc;

	*err = NULL;
	rc = check_baseline(r, err);
	if (rc == 0)
		rc = check_done(r, err);
	if (rc == 0)
		rc = check_bits(r, err);
	if (rc == 0)
		rc = differ_banner(r, "kernels", offsetof(struct st_platform,
							  kernel));
	if (rc == 0)
		rc = differ_banner(r, "profiles", offsetof(struct st_platform,
							   profile));
	if (rc == -ENOMEM && !*err)
		*err = strdup("out of memory");
	return rc < 0 ? -1 : 0;
}
