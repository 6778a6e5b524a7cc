/* tb_conline.h - what of the appliance's console a person at a terminal
 * sees: one rule, used by the appliance (container mode, `run --quiet`)
 * and by the host (`twinbench run` without --console), so that both show
 * the same lines.
 *
 * Shown: the progress lines (`[3/12 compress 2/4] 41.2 s ok`), the
 * appliance's messages (lines with `twinbench:`, and its `twinbench 0.1.0:`
 * headers), kernel trouble (panic, oops, BUG, out of memory) and the end
 * of the run, `TWINBENCH-DONE <run-id> <status>[ <reason>]`, in words.
 * Hidden: the machine-readable TWINBENCH lines (records, hardware, run),
 * workload output, firmware, boot loader and kernel chatter.  The log
 * (console.log, the serial log) always keeps everything.
 */
#ifndef TB_CONLINE_H
#define TB_CONLINE_H

#include <stddef.h>

#define TB_CONLINE_MAX	1024	/* longer lines: judged by their start */

/* The line as shown: NULL (hidden), line itself, or its rewording in
 * out[n].  line has no newline. */
const char *tb_conline_show(const char *line, char *out, size_t n);

/* Gets each shown line, newline included. */
typedef void tb_conline_fn(void *ctx, const char *text, size_t n);

/* Splits a console byte stream into lines and passes on the shown ones. */
struct tb_conline {
	char line[TB_CONLINE_MAX];
	size_t len;
	int cut;		/* the line outgrew line[]: drop its rest */
	char out[TB_CONLINE_MAX + 64];
	tb_conline_fn *fn;
	void *ctx;
};

void tb_conline_init(struct tb_conline *c, tb_conline_fn *fn, void *ctx);
void tb_conline_feed(struct tb_conline *c, const char *s, size_t n);
/* The last line, if it has no newline. */
void tb_conline_flush(struct tb_conline *c);

#endif
