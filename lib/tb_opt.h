/* tb_opt.h - typed, range-checked option tables (fio style).
 *
 * A workload keeps its parameters in a struct and describes each field once
 * in a table of struct tb_opt (offsetof); the profile parser, --help and the
 * "params" object of every result record all read the same table.
 */
#ifndef TB_OPT_H
#define TB_OPT_H

#include <stddef.h>
#include <stdint.h>

struct tb_json;

enum tb_opt_type {
	TB_OPT_INT,	/* int64_t; decimal */
	TB_OPT_SIZE,	/* int64_t bytes; suffix K M G T (powers of 1024) */
	TB_OPT_DOUBLE,	/* double */
	TB_OPT_BOOL,	/* int; yes/no/true/false/on/off/1/0 */
	TB_OPT_STR,	/* char[TB_OPT_STRLEN] inside the struct */
	TB_OPT_ENUM,	/* int; index into choices[] */
};

#define TB_OPT_STRLEN 128

struct tb_opt {
	const char *name;
	enum tb_opt_type type;
	size_t offset;		/* offsetof(params struct, field) */
	double min, max;	/* inclusive range for INT, SIZE, DOUBLE */
	const char *def;	/* default, as text (parsed like profile text) */
	const char *help;
	const char *const *choices;	/* ENUM: NULL-terminated */
};

/* Parse text into the field named by opt.  Returns 0, or -1 with a message
 * ("size: 12Q is not a size (use a number with K, M, G or T)",
 *  "level: 12 is out of range 1..9") in err. */
int tb_opt_set(const struct tb_opt *opt, void *params, const char *text,
	       char *err, size_t errlen);
/* Apply every default of a NULL-name-terminated table. */
int tb_opt_defaults(const struct tb_opt *tab, void *params,
		    char *err, size_t errlen);
const struct tb_opt *tb_opt_find(const struct tb_opt *tab, const char *name);
/* Write the current values as a JSON object (the "params" of a record). */
void tb_opt_json(const struct tb_opt *tab, const void *params,
		 struct tb_json *j);
/* Print a help table: name, type, range/choices, default, help. */
void tb_opt_help(const struct tb_opt *tab, int fd);
/* Parse "433M" style sizes; -1 on error. */
int tb_parse_size(const char *text, int64_t *out);

#endif
