/* opt.c - typed, range-checked option tables (see tb_opt.h).
 *
 * Ranges: for INT, SIZE and DOUBLE the value must lie in min..max; a table
 * entry with min == max == 0 has no range beyond what the type holds.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tb_json.h"
#include "tb_opt.h"
#include "opt_priv.h"

static void opt_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void opt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int opt_has_range(const struct tb_opt *o)
{
	return !(o->min == 0 && o->max == 0);
}

/* Digits with an optional K/M/G/T suffix: 0, -1 syntax, -2 overflow. */
static int size_parse(const char *t, int64_t *out)
{
	static const char suffixes[] = "kKmMgGtT";
	uint64_t v = 0, mult;
	const char *p = t;
	int shift = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -2;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p) {
		const char *q = strchr(suffixes, *p);

		if (!q || p[1] != '\0')
			return -1;
		shift = 10 * (int)((q - suffixes) / 2 + 1);
	}
	mult = (uint64_t)1 << shift;
	if (v > (uint64_t)INT64_MAX / mult)
		return -2;
	*out = (int64_t)(v * mult);
	return 0;
}

int tb_parse_size(const char *text, int64_t *out)
{
	return size_parse(text, out) ? -1 : 0;
}

static int range_msg(const struct tb_opt *o, const char *text,
		     char *err, size_t errlen)
{
	char r[72];

	opt_range_fmt(o, r, sizeof(r));
	opt_err(err, errlen, "%s: %s is out of range %s", o->name, text, r);
	return -1;
}

/* Exact comparison for 64-bit integers (doubles lose precision above 2^53,
 * and converting an out-of-range double to int64_t is undefined). */
static int int_in_range(const struct tb_opt *o, int64_t v)
{
	if (!opt_has_range(o))
		return 1;
	if (o->min > -9.2e18 && v < (int64_t)o->min)
		return 0;
	if (o->max < 9.2e18 && v > (int64_t)o->max)
		return 0;
	return 1;
}

static int set_int(const struct tb_opt *o, int64_t *f, const char *t,
		   char *err, size_t errlen)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(t, &end, 10);
	if (end == t || *end != '\0' || *t == ' ' || *t == '\t') {
		opt_err(err, errlen, "%s: '%s' is not an integer", o->name, t);
		return -1;
	}
	if (errno == ERANGE) {
		opt_err(err, errlen, "%s: %s is too large", o->name, t);
		return -1;
	}
	if (!int_in_range(o, v))
		return range_msg(o, t, err, errlen);
	*f = v;
	return 0;
}

static int set_size(const struct tb_opt *o, int64_t *f, const char *t,
		    char *err, size_t errlen)
{
	int64_t v;
	int rc = size_parse(t, &v);

	if (rc == -2) {
		opt_err(err, errlen, "%s: %s is too large", o->name, t);
		return -1;
	}
	if (rc && t[0] == '-') {
		opt_err(err, errlen, "%s: %s: a size cannot be negative",
			o->name, t);
		return -1;
	}
	if (rc) {
		opt_err(err, errlen,
			"%s: '%s' is not a size "
			"(use a number with K, M, G or T)",
			o->name, t);
		return -1;
	}
	if (!int_in_range(o, v))
		return range_msg(o, t, err, errlen);
	*f = v;
	return 0;
}

static int set_double(const struct tb_opt *o, double *f, const char *t,
		      char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(t, &end);
	if (end == t || *end != '\0' || *t == ' ' || *t == '\t' ||
	    !isfinite(v)) {
		opt_err(err, errlen, "%s: '%s' is not a number", o->name, t);
		return -1;
	}
	if (errno == ERANGE && fabs(v) > 1) {
		opt_err(err, errlen, "%s: %s is too large", o->name, t);
		return -1;
	}
	if (opt_has_range(o) && !(v >= o->min && v <= o->max))
		return range_msg(o, t, err, errlen);
	*f = v;
	return 0;
}

static int set_bool(const struct tb_opt *o, int *f, const char *t,
		    char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	int i;

	for (i = 0; yes[i]; i++) {
		if (!strcasecmp(t, yes[i])) {
			*f = 1;
			return 0;
		}
		if (!strcasecmp(t, no[i])) {
			*f = 0;
			return 0;
		}
	}
	opt_err(err, errlen,
		"%s: '%s' is not a boolean "
		"(use yes/no, true/false, on/off or 1/0)",
		o->name, t);
	return -1;
}

static int set_enum(const struct tb_opt *o, int *f, const char *t,
		    char *err, size_t errlen)
{
	char list[256] = "";
	size_t used = 0;
	int i;

	for (i = 0; o->choices && o->choices[i]; i++) {
		if (!strcmp(t, o->choices[i])) {
			*f = i;
			return 0;
		}
	}
	for (i = 0; o->choices && o->choices[i]; i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s",
				 i ? ", " : "", o->choices[i]);
		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	opt_err(err, errlen, "%s: '%s' is not one of: %s", o->name, t, list);
	return -1;
}

int tb_opt_set(const struct tb_opt *o, void *params, const char *text,
	       char *err, size_t errlen)
{
	char *field;
	size_t n;

	if (!o || !o->name || !text) {
		opt_err(err, errlen, "no such option");
		return -1;
	}
	field = (char *)params + o->offset;
	switch (o->type) {
	case TB_OPT_INT:
		return set_int(o, (int64_t *)field, text, err, errlen);
	case TB_OPT_SIZE:
		return set_size(o, (int64_t *)field, text, err, errlen);
	case TB_OPT_DOUBLE:
		return set_double(o, (double *)field, text, err, errlen);
	case TB_OPT_BOOL:
		return set_bool(o, (int *)field, text, err, errlen);
	case TB_OPT_ENUM:
		return set_enum(o, (int *)field, text, err, errlen);
	case TB_OPT_STR:
		n = strlen(text);
		if (n >= TB_OPT_STRLEN) {
			opt_err(err, errlen,
				"%s: value is too long (%zu bytes, at most %d)",
				o->name, n, TB_OPT_STRLEN - 1);
			return -1;
		}
		memcpy(field, text, n + 1);
		return 0;
	}
	opt_err(err, errlen, "%s: unknown option type", o->name);
	return -1;
}

static void opt_zero(const struct tb_opt *o, void *params)
{
	char *field = (char *)params + o->offset;

	switch (o->type) {
	case TB_OPT_INT:
	case TB_OPT_SIZE:
		*(int64_t *)field = 0;
		break;
	case TB_OPT_DOUBLE:
		*(double *)field = 0;
		break;
	case TB_OPT_BOOL:
	case TB_OPT_ENUM:
		*(int *)field = 0;
		break;
	case TB_OPT_STR:
		field[0] = '\0';
		break;
	}
}

int tb_opt_defaults(const struct tb_opt *tab, void *params,
		    char *err, size_t errlen)
{
	const struct tb_opt *o;

	for (o = tab; o && o->name; o++) {
		if (!o->def) {
			opt_zero(o, params);
			continue;
		}
		if (tb_opt_set(o, params, o->def, err, errlen))
			return -1;
	}
	return 0;
}

const struct tb_opt *tb_opt_find(const struct tb_opt *tab, const char *name)
{
	const struct tb_opt *o;

	for (o = tab; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

void tb_opt_json(const struct tb_opt *tab, const void *params,
		 struct tb_json *j)
{
	const struct tb_opt *o;

	tb_json_obj_begin(j);
	for (o = tab; o && o->name; o++) {
		const char *f = (const char *)params + o->offset;
		int idx;

		tb_json_key(j, o->name);
		switch (o->type) {
		case TB_OPT_INT:
		case TB_OPT_SIZE:
			tb_json_int(j, *(const int64_t *)f);
			break;
		case TB_OPT_DOUBLE:
			tb_json_num(j, *(const double *)f);
			break;
		case TB_OPT_BOOL:
			tb_json_bool(j, *(const int *)f);
			break;
		case TB_OPT_STR:
			tb_json_strn(j, f, strnlen(f, TB_OPT_STRLEN));
			break;
		case TB_OPT_ENUM:
			idx = *(const int *)f;
			tb_json_str(j, opt_choice(o, idx));	/* NULL: null */
			break;
		}
	}
	tb_json_obj_end(j);
}
