/* st_util.c - small formatting helpers shared by the report renderers. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/study.h"

const char *st_better_name(enum st_better b)
{
	return b == ST_HIGHER ? "higher" : b == ST_LOWER ? "lower" : "info";
}

/* Six significant digits, the same on every machine for the same double:
 * what makes two reports of the same inputs byte-identical. */
const char *st_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "%s", "");
	else if (v == 0)
		snprintf(buf, n, "0");	/* never "-0" */
	else
		snprintf(buf, n, "%.6g", v);
	return buf;
}

int st_append(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add = NULL, *n;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&add, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -ENOMEM;
	if (!*s) {
		*s = add;
		return 0;
	}
	n = realloc(*s, strlen(*s) + (size_t)len + 1);
	if (!n) {
		free(add);
		return -ENOMEM;
	}
	strcat(n, add);
	free(add);
	*s = n;
	return 0;
}

char *st_chart_name(const char *instance)
{
	char *s = strdup(instance);
	char *p;

	if (!s)
		return NULL;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' &&
		    *p != '-')
			*p = '_';
	if (s[0] == '.')
		s[0] = '_';
	return s;
}
