/* tb_json.h - streaming JSON writer into a growable buffer.
 *
 * Commas and nesting are tracked by the writer; strings get full escaping
 * (", \, control characters as \uXXXX, valid UTF-8 passed through, invalid
 * bytes replaced by U+FFFD); doubles use %.17g and NaN/Inf become null.
 * Errors (allocation, nesting deeper than TB_JSON_DEPTH, a value where a key
 * is due) are sticky: tb_json_error() tells after the fact.
 */
#ifndef TB_JSON_H
#define TB_JSON_H

#include <stddef.h>
#include <stdint.h>

#define TB_JSON_DEPTH 32

struct tb_json {
	char *buf;		/* NUL-terminated text so far */
	size_t len, cap;
	int depth;
	unsigned char first[TB_JSON_DEPTH];	/* no element yet at depth */
	unsigned char in_obj[TB_JSON_DEPTH];	/* depth is an object */
	int want_value;		/* a key was written, its value is due */
	int err;		/* 0 or -errno (-ENOMEM, -EINVAL) */
};

void tb_json_init(struct tb_json *j);
void tb_json_free(struct tb_json *j);
void tb_json_reset(struct tb_json *j);	/* keep buffer, forget content */
int tb_json_error(const struct tb_json *j);

void tb_json_obj_begin(struct tb_json *j);
void tb_json_obj_end(struct tb_json *j);
void tb_json_arr_begin(struct tb_json *j);
void tb_json_arr_end(struct tb_json *j);
void tb_json_key(struct tb_json *j, const char *key);

void tb_json_str(struct tb_json *j, const char *s);
void tb_json_strn(struct tb_json *j, const char *s, size_t n);
void tb_json_num(struct tb_json *j, double v);
void tb_json_int(struct tb_json *j, int64_t v);
void tb_json_uint(struct tb_json *j, uint64_t v);
void tb_json_bool(struct tb_json *j, int v);
void tb_json_null(struct tb_json *j);
/* Insert already-serialized JSON text as one value (caller vouches). */
void tb_json_raw(struct tb_json *j, const char *text);
/* json_check.c: 0 when text[len] is exactly one well-formed JSON value,
 * else -1 with the byte offset in err. */
int tb_json_check(const char *text, size_t len, char *err, size_t n);

/* key + value shorthands */
void tb_json_kstr(struct tb_json *j, const char *k, const char *s);
void tb_json_knum(struct tb_json *j, const char *k, double v);
void tb_json_kint(struct tb_json *j, const char *k, int64_t v);
void tb_json_kbool(struct tb_json *j, const char *k, int v);

#endif
