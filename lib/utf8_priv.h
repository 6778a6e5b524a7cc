/* utf8_priv.h - UTF-8 validation shared inside lib/ (not public API). */
#ifndef TB_UTF8_PRIV_H
#define TB_UTF8_PRIV_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), 0 if the
 * bytes there are not valid UTF-8 (overlong forms, surrogates and code
 * points above U+10FFFF are invalid).  Defined in json.c. */
size_t tb_utf8_seq_len(const unsigned char *s, size_t n);

#endif
