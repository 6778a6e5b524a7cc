/* test_conline.c - which console lines a terminal shows (tb_conline.h). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tb_conline.h"

struct sink {
	char text[8192];
	size_t len;
};

static void collect(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;

	if (k->len + n < sizeof(k->text)) {
		memcpy(k->text + k->len, s, n);
		k->len += n;
		k->text[k->len] = '\0';
	}
}

static void test_show(struct tap *t)
{
	static const char *const kept[] = {
		"[3/12 compress 2/4] 41.2 s ok",
		"[10/12 fileserver 2/2] ...",
		"twinbench 0.1.0: run 0001-tcg, profile smoke",
		"twinbench: scratch /scratch is in RAM",
		"[    2.0] Kernel panic - not syncing: Attempted to kill init!",
		"[    3.1] Out of memory: Killed process 42 (dbench)",
	};
	static const char *const hidden[] = {
		"TWINBENCH {\"run\":\"0001-tcg\",\"reason\":\"twinbench: x\"}",
		"TWINBENCH-HARDWARE {\"firmware\":\"bios\"}",
		"TWINBENCH-RUN {\"run\":\"0001-tcg\"}",
		"  fileserver: Operation      Count    AvgLat    MaxLat",
		"[    0.512000] Run /init as init process",
		"[3/12compress] no blank", "SeaBIOS (version 1.16.2)", "",
	};
	char out[256];
	size_t i;

	for (i = 0; i < sizeof(kept) / sizeof(*kept); i++)
		tap_ok(t, tb_conline_show(kept[i], out, sizeof(out)) ==
		       kept[i], "shown as is: %s", kept[i]);
	for (i = 0; i < sizeof(hidden) / sizeof(*hidden); i++)
		tap_ok(t, !tb_conline_show(hidden[i], out, sizeof(out)),
		       "hidden: '%s'", hidden[i]);
	tap_str(t, tb_conline_show("TWINBENCH-DONE 0002-kvm ok", out,
				   sizeof(out)),
		"twinbench: run 0002-kvm finished, status ok", "DONE ok");
	tap_str(t, tb_conline_show("x TWINBENCH-DONE 0003-host failed oltp: "
				   "timeout after 120 s", out, sizeof(out)),
		"twinbench: run 0003-host finished, status failed: oltp: "
		"timeout after 120 s", "DONE failed, with its reason");
}

static void test_stream(struct tap *t)
{
	static const char in[] =
		"SeaBIOS\r\n[1/2 compress 1/2] ...\r\nTWINBENCH {\"a\":1}\n"
		"  compress: out\n[1/2 compress 1/2] 0.3 s ok\r\n"
		"TWINBENCH-DONE 0001-tcg ok\ntwinbench: powering off";
	struct tb_conline c;
	struct sink k = { .len = 0 };
	char *big;
	size_t i;

	tb_conline_init(&c, collect, &k);
	for (i = 0; i < sizeof(in) - 1; i += 7)	/* in uneven pieces */
		tb_conline_feed(&c, in + i, sizeof(in) - 1 - i < 7 ?
				sizeof(in) - 1 - i : 7);
	tap_str(t, k.text, "[1/2 compress 1/2] ...\n"
		"[1/2 compress 1/2] 0.3 s ok\n"
		"twinbench: run 0001-tcg finished, status ok\n", "stream: "
		"lines split across pieces, \\r dropped");
	tb_conline_flush(&c);
	tap_str(t, k.len >= 24 ? k.text + k.len - 24 : NULL,
		"twinbench: powering off\n", "flush: the unterminated rest");
	big = malloc(3 * TB_CONLINE_MAX);
	if (!big)
		return;
	memset(big, 'x', 3 * TB_CONLINE_MAX);
	memcpy(big, "TWINBENCH {", 11);
	k.len = 0;
	k.text[0] = '\0';
	tb_conline_feed(&c, big, 3 * TB_CONLINE_MAX);
	tb_conline_feed(&c, "\n[1/1 a 1/1] ...\n", 17);
	tap_str(t, k.text, "[1/1 a 1/1] ...\n", "an over-long record is "
		"hidden whole, the next line shown");
	free(big);
}

int main(void)
{
	struct tap t = { 0, 0 };

	test_show(&t);
	test_stream(&t);
	return tap_done(&t);
}
