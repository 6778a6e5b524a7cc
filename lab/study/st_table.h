/* st_table.h - the report's tables (st_table.c), for the renderers. */
#ifndef ST_TABLE_H
#define ST_TABLE_H

#include "study/study.h"

struct table;

#define ST_FULL_NCOLS	17
/* Each NULL when out of memory; free with table_free(). */
struct table *st_table_full(const struct st_report *r);	/* the CSV */
struct table *st_table_headline(const struct st_report *r);
struct table *st_table_geo(const struct st_report *r);
struct table *st_table_plats(const struct st_report *r);
struct table *st_table_fails(const struct st_report *r);

#endif
