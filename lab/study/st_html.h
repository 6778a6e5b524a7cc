/* st_html.h - what the two halves of report.html share: st_html.c (the
 * page, banners, charts) and st_html_tab.c (its tables).  Private to
 * lab/study.
 */
#ifndef ST_HTML_H
#define ST_HTML_H

#include <stdio.h>

#include "study/study.h"

/* s as HTML text or attribute value: & < > " ' as references; bytes that
 * are not UTF-8 and control characters other than tab and newline as
 * U+FFFD, so the page stays valid whatever an instance or reason holds. */
void st_html_esc(FILE *f, const char *s);

/* The tables, each under its <h2>; a table without rows says so. */
void st_html_plats(const struct st_report *r, FILE *f);
void st_html_headline(const struct st_report *r, FILE *f);
void st_html_geo(const struct st_report *r, FILE *f);
void st_html_rows(const struct st_report *r, FILE *f);
void st_html_fails(const struct st_report *r, FILE *f);

#endif
