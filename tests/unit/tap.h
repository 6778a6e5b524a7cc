/* tap.h - a minimal TAP producer for the C unit tests.
 *
 * tap_ok() prints "ok N - desc" or "not ok N - desc"; tap_done() prints the
 * plan ("1..N", allowed at the end by TAP) and gives the exit status.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap {
	int n, failed;
};

static inline int tap_ok(struct tap *t, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int tap_ok(struct tap *t, int ok, const char *fmt, ...)
{
	va_list ap;

	t->n++;
	if (!ok)
		t->failed++;
	printf("%sok %d - ", ok ? "" : "not ", t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

/* Compare strings; on mismatch print both as TAP diagnostics. */
static inline int tap_str(struct tap *t, const char *got, const char *want,
			  const char *desc)
{
	int ok = got && want && strcmp(got, want) == 0;

	tap_ok(t, ok, "%s", desc);
	if (!ok) {
		printf("#   got:  '%s'\n", got ? got : "(null)");
		printf("#   want: '%s'\n", want ? want : "(null)");
	}
	return ok;
}

/* A fresh directory under $TMPDIR (or /tmp); NULL on failure. */
static inline char *tap_tmpdir(char *buf, size_t len, const char *tag)
{
	const char *base = getenv("TMPDIR");
	int n;

	n = snprintf(buf, len, "%s/tb-%s-XXXXXX", base && *base ? base :
		     "/tmp", tag);
	if (n < 0 || (size_t)n >= len)
		return NULL;
	return mkdtemp(buf);
}

static inline int tap_done(struct tap *t)
{
	printf("1..%d\n", t->n);
	if (t->failed)
		printf("# %d of %d failed\n", t->failed, t->n);
	return t->failed ? 1 : 0;
}

#endif
