/* st_priv.h - what the study's own files share (not the renderers'). */
#ifndef ST_PRIV_H
#define ST_PRIV_H

#include "study/study.h"

void st_strv_free(char **v);		/* NULL-terminated */
void st_strv_free_n(char **v, size_t n);
/* st_run.c: read run->dir's files into run (0, or -1 with *err). */
int st_read_run(struct st_run *run, char **err);
void st_run_free(struct st_run *run);
/* st_group.c: platforms from the runs, with their facts. */
int st_group(struct st_report *r, char **err);
void st_platform_free(struct st_platform *p);
/* The index of platform name, or -1. */
long st_plat_find(const struct st_report *r, const char *name);

#endif
