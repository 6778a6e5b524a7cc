/*
 * keepbuf.h - forced into every dbench source file (-include): dbench's
 * malloc, calloc and free go through keepbuf.c.  Nothing else changes.
 */
#include <stddef.h>
void *tb_keep_malloc(size_t size);
void *tb_keep_calloc(size_t count, size_t size);
void tb_keep_free(void *p);
#define malloc(n) tb_keep_malloc(n)
#define calloc(m, n) tb_keep_calloc(m, n)
#define free(p) tb_keep_free(p)
