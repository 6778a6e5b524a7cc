/* opt_priv.h - helpers shared by opt.c and opt_help.c (not public API). */
#ifndef TB_OPT_PRIV_H
#define TB_OPT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "tb_opt.h"

int opt_has_range(const struct tb_opt *o);
/* choices[idx], or NULL when idx is out of range */
const char *opt_choice(const struct tb_opt *o, int idx);
/* "433M" for exact multiples of a binary unit, plain bytes otherwise */
void opt_size_fmt(int64_t v, char *buf, size_t len);
/* "1..9", "1M..16G", "0.5..2" in the units of the option's type */
void opt_range_fmt(const struct tb_opt *o, char *buf, size_t len);

#endif
