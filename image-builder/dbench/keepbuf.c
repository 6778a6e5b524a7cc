/*
 * keepbuf.c - dbench allocates the data buffer of every read and write
 * (up to 64 KiB) and frees it right after.  glibc hands the same heap block
 * back each time; musl's allocator returns each freed large block to the
 * kernel, so every operation cost an mmap, a munmap and a page fault per
 * 4 KiB.  That is allocator time, not file-server work, and it made the
 * static dbench slower than Debian's for the same load.  Here the largest
 * freed block (4 KiB or more) is kept and handed to the next allocation
 * that fits.  dbench's clients are processes, so one slot per process.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEEP_MIN 4096

static void *kept;
static size_t kept_len;

static void *take(size_t size)
{
	void *p = NULL;

	if (size >= KEEP_MIN && kept && kept_len >= size) {
		p = kept;
		kept = NULL;
	}
	return p;
}

void *tb_keep_malloc(size_t size)
{
	void *p = take(size);

	return p ? p : malloc(size);
}

void *tb_keep_calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return calloc(count, size);	/* overflow: libc says ENOMEM */
	p = take(count * size);
	if (!p)
		return calloc(count, size);
	memset(p, 0, count * size);
	return p;
}

void tb_keep_free(void *p)
{
	size_t len;

	if (!p)
		return;
	len = malloc_usable_size(p);
	if (len >= KEEP_MIN && (!kept || len > kept_len)) {
		free(kept);
		kept = p;
		kept_len = len;
		return;
	}
	free(p);
}
