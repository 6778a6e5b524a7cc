/* test_report.c - the report pipe: wire format, sanitizing, parsing. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "tb_workload.h"

/* Read what is in the pipe (one short burst) into buf. */
static ssize_t drain(int fd, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static void test_result(struct tap *t, struct tb_ctx *ctx, int rfd)
{
	struct tb_report_msg m;
	char buf[1024];

	tap_ok(t, tb_report(ctx, "seconds", 12.5, "s", TB_LOWER) == 0,
	       "tb_report");
	drain(rfd, buf, sizeof(buf));
	tap_str(t, buf, "R\tseconds\t12.5\ts\tlower\n", "wire format");
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.kind == 'R' &&
	       !strcmp(m.metric, "seconds") && m.value == 12.5 &&
	       !strcmp(m.unit, "s") && m.better == TB_LOWER, "parse back");
	tb_report(ctx, "through\tput\n", 0.1, "MB/s", TB_HIGHER);
	drain(rfd, buf, sizeof(buf));
	tap_ok(t, tb_report_parse(buf, &m) == 0 &&
	       !strcmp(m.metric, "through put ") && m.value == 0.1 &&
	       !strcmp(m.unit, "MB/s") && m.better == TB_HIGHER,
	       "metric sanitized, 0.1 exact, higher");
	tb_report_side(ctx, TB_SIDE_PEER, "peer_cpu_time", 2, "s", TB_INFO);
	drain(rfd, buf, sizeof(buf));
	tap_str(t, buf, "R\tpeer_cpu_time\t2\ts\tinfo\tpeer\n",
		"side peer on the wire");
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.side == TB_SIDE_PEER &&
	       m.value == 2, "side peer parsed");
	tap_ok(t, tb_report_parse("R\tx\t1\ts\tlower\tlocal\n", &m) == 0 &&
	       m.side == TB_SIDE_LOCAL, "side local parsed");
	tap_ok(t, tb_report_parse("R\tx\t1\ts\tlower\tboth\n", &m) < 0 &&
	       tb_report_parse("R\tx\t1\ts\tlower\tpeer\tx\n", &m) < 0,
	       "unknown side or extra field refused");
	tap_ok(t, tb_report_parse("R\tx\t1\ts\tlower\n", &m) == 0 &&
	       m.side == TB_SIDE_NONE, "no side field: unmarked");
	tap_ok(t, tb_report(ctx, "x", NAN, "s", TB_LOWER) == -EINVAL &&
	       tb_report(ctx, "", 1, "s", TB_LOWER) == -EINVAL,
	       "NaN value or empty metric refused");
}

static void test_reasons(struct tap *t, struct tb_ctx *ctx, int rfd)
{
	struct tb_report_msg m;
	char buf[1024], big[400];

	tb_fail(ctx, "bzip2\texited\nwith %d\r", 2);
	drain(rfd, buf, sizeof(buf));
	tap_str(t, buf, "F\tbzip2 exited with 2 \n", "fail reason sanitized");
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.kind == 'F' &&
	       !strcmp(m.reason, "bzip2 exited with 2 "), "fail round-trip");
	memset(big, 'a', 254);
	strcpy(big + 254, "\xc3\xa9tail");
	tb_skip(ctx, "%s", big);
	drain(rfd, buf, sizeof(buf));
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.kind == 'S' &&
	       strlen(m.reason) == 254, "long reason cut before a UTF-8 char");
	tb_skip(ctx, "no %s here", "network");
	drain(rfd, buf, sizeof(buf));
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.kind == 'S' &&
	       !strcmp(m.reason, "no network here"), "skip round-trip");
}

static void test_info_derived_phase(struct tap *t, struct tb_ctx *ctx,
				    int rfd)
{
	struct tb_report_msg m;
	char buf[1024];

	tb_report(ctx, "ratio", 3.5, "x", TB_INFO);
	drain(rfd, buf, sizeof(buf));
	tap_str(t, buf, "R\tratio\t3.5\tx\tinfo\n", "info on the wire");
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.better == TB_INFO,
	       "info parsed back");
	tap_ok(t, tb_derived(ctx, "jobs", 32) == 0, "tb_derived");
	drain(rfd, buf, sizeof(buf));
	tap_str(t, buf, "D\tjobs\t32\n", "derived on the wire");
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.kind == 'D' &&
	       !strcmp(m.metric, "jobs") && m.value == 32, "derived parsed");
	tap_ok(t, tb_report_phase(ctx, 1500000000ULL, 0.25, 2048) == 0,
	       "phase line");
	drain(rfd, buf, sizeof(buf));
	tap_str(t, buf, "P\t1500000000\t0.25\t2048\n", "phase on the wire");
	tap_ok(t, tb_report_parse(buf, &m) == 0 && m.kind == 'P' &&
	       m.ns == 1500000000ULL && m.value == 0.25 && m.rss_kib == 2048,
	       "phase parsed");
	tap_ok(t, tb_report_parse("P\t1\t-1\t5\n", &m) == -1 &&
	       tb_report_parse("P\t1\t1\n", &m) == -1 &&
	       tb_report_parse("D\t\t1\n", &m) == -1 &&
	       tb_report_parse("D\tj\tx\n", &m) == -1,
	       "bad phase and derived lines rejected");
}

static void test_malformed(struct tap *t)
{
	static const char *const bad[] = {
		"", "R", "F", "X\tfoo\n", "Fx\treason\n", "F\ta\tb\n",
		"R\tm\t1.0\ts\n", "R\tm\tabc\ts\tlower\n",
		"R\tm\t1\ts\tsideways\n", "R\t\t1\ts\tlower\n",
		"R\tm\tnan\ts\tlower\n", "R\tm\t1\ts\tlower\textra\n",
		"R\tm\t\ts\tlower\n", "F\tcr\r\n",
		"R\tmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
		"mmmmmmmmmmmmmmmmmmmmmmmm\t1\ts\tlower\n",
	};
	struct tb_report_msg m;
	size_t i;
	int bad_ok = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tb_report_parse(bad[i], &m) != -1) {
			printf("# accepted: '%s'\n", bad[i]);
			bad_ok++;
		}
	}
	tap_ok(t, !bad_ok, "malformed lines rejected");
	tap_ok(t, tb_report_parse("S\t\n", &m) == 0 && m.kind == 'S' &&
	       m.reason[0] == '\0', "empty reason accepted");
	tap_ok(t, tb_report_parse("R\tops\t-1e+300\t\thigher", &m) == 0 &&
	       m.value == -1e300 && m.unit[0] == '\0',
	       "no trailing newline, empty unit");
}

int main(void)
{
	struct tap t = { 0, 0 };
	struct tb_ctx ctx = { .report_fd = -1 };
	int fds[2];

	tap_ok(&t, tb_report(&ctx, "m", 1, "s", TB_LOWER) == -EBADF,
	       "no report fd -> -EBADF");
	if (pipe(fds)) {
		tap_ok(&t, 0, "pipe");
		return tap_done(&t);
	}
	ctx.report_fd = fds[1];
	test_result(&t, &ctx, fds[0]);
	test_reasons(&t, &ctx, fds[0]);
	test_info_derived_phase(&t, &ctx, fds[0]);
	test_malformed(&t);
	close(fds[0]);
	close(fds[1]);
	return tap_done(&t);
}
