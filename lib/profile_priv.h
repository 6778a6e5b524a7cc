/* profile_priv.h - state shared by profile.c and profile_apply.c. */
#ifndef TB_PROFILE_PRIV_H
#define TB_PROFILE_PRIV_H

#include <stddef.h>
#include "tb_profile.h"

struct prof_kv {
	char *key, *val;
	int line;
};

/* A section as written: applied when the next one starts or at EOF. */
struct prof_sect {
	char *name;
	int line;
	struct prof_kv *kv;
	size_t nkv, cap;
};

struct prof_parser {
	const char *path;
	tb_wl_lookup lookup;
	struct tb_profile *p;
	char *err;
	size_t errlen;
	struct prof_sect cur;	/* cur.name == NULL: before any section */
	int profile_line;	/* line of [profile], 0 if not seen yet */
};

/* Set "path:line: message" and return -1. */
int prof_err(struct prof_parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const struct prof_kv *prof_kv_find(const struct prof_sect *s,
				   const char *key);
/* Apply the finished section ps->cur to the profile. */
int prof_apply_profile(struct prof_parser *ps);
int prof_apply_instance(struct prof_parser *ps);

#endif
