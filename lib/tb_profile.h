/* tb_profile.h - the profile format (DESIGN section 7).
 *
 *   # comment                     (also after a value: "repeat = 4  # runs")
 *   [profile]
 *   description = text
 *   repeat = 4                    runs per instance      (1..1000, default 3)
 *   discard = 1                   leading runs dropped   (0..repeat-1, def. 0)
 *   timeout = 1800                seconds per run        (1..604800, def. 600)
 *   seed = 42                     data seed              (default 1)
 *
 *   [instance-name]               one section per workload instance
 *   workload = compress           required; a name from the workload table
 *   repeat/discard/timeout        per-instance overrides
 *   <option> = <value>            the workload's options (tb_opt)
 *
 * Every error (syntax, unknown section or key, duplicate key or section,
 * unknown workload, bad or out-of-range value, missing workload) is reported
 * as "FILE:LINE: message" before anything runs.
 */
#ifndef TB_PROFILE_H
#define TB_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include "tb_workload.h"

struct tb_instance {
	char *name;			/* section name */
	const struct tb_workload *wl;
	void *params;			/* wl->params_size bytes, filled */
	int repeat, discard, timeout;
	int line;			/* line of the section header */
};

struct tb_profile {
	char *name;			/* profile name (file basename w/o .profile) */
	char *description;
	int repeat, discard, timeout;
	uint64_t seed;
	struct tb_instance *inst;
	size_t ninst;
};

/* Look a workload up by name; the table lives in workloads/. */
typedef const struct tb_workload *(*tb_wl_lookup)(const char *name);

/* Parse text (from file `path`, used in messages).  Returns 0, or -1 with
 * "path:line: message" in err; the profile is then empty. */
int tb_profile_parse(const char *path, const char *text, tb_wl_lookup lookup,
		     struct tb_profile *p, char *err, size_t errlen);
/* The same for len bytes of text, which may contain NUL bytes (an error,
 * which tb_profile_parse cannot see): use it on tb_read_file's result. */
int tb_profile_parse_n(const char *path, const char *text, size_t len,
		       tb_wl_lookup lookup, struct tb_profile *p,
		       char *err, size_t errlen);
void tb_profile_free(struct tb_profile *p);

#endif
