/* test_summary.c - the summary rule of lib/summary.c: values of runs that
 * did not end ok are left out, warm-ups are discarded, information metrics
 * get no median, an instance's status is the worst of its runs. */
#include <string.h>

#include "tap.h"
#include "tb_json.h"
#include "tb_summary.h"

static void add(struct tb_sum *s, const char *inst, int rep, int warm,
		const char *metric, double v, enum tb_better b,
		enum tb_rec_status st, const char *reason)
{
	struct tb_rec r = {
		.instance = inst, .workload = "w", .rep = rep, .warmup = warm,
		.metric = metric, .unit = "s", .better = b, .value = v,
		.status = st, .reason = reason,
	};

	tb_sum_add(s, &r);
}

static char *render(const struct tb_sum *s)
{
	struct tb_json j;
	char *out;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_sum_members_json(s, &j, "0001-x", "x", "p", "ok", NULL);
	tb_json_obj_end(&j);
	out = tb_json_error(&j) ? NULL : strdup(j.buf);
	tb_json_free(&j);
	return out;
}

int main(void)
{
	struct tap t = { 0, 0 };
	struct tb_sum *s = tb_sum_new();
	char *text, *why;

	tb_sum_instance(s, "b", "w", 4, 1);
	/* rep 1: warm-up; rep 2 and 4 ok; rep 3 reported, then failed */
	add(s, "b", 1, 1, "seconds", 9, TB_LOWER, TB_REC_OK, NULL);
	add(s, "b", 2, 0, "seconds", 2, TB_LOWER, TB_REC_OK, NULL);
	add(s, "b", 3, 0, "seconds", 100, TB_LOWER, TB_REC_OK, NULL);
	add(s, "b", 3, 0, NULL, 0, TB_INFO, TB_REC_FAILED, "broke");
	add(s, "b", 4, 0, "seconds", 4, TB_LOWER, TB_REC_OK, NULL);
	add(s, "b", 2, 0, "ratio", 3, TB_INFO, TB_REC_OK, NULL);
	add(s, "b", 4, 0, "ratio", 5, TB_INFO, TB_REC_OK, NULL);
	add(s, "a", 1, 0, NULL, 0, TB_INFO, TB_REC_SKIPPED, "no net");
	text = render(s);
	tap_ok(&t, text != NULL, "rendered");
	tap_str(&t, text ? text : "",
		"{\"schema\":1,\"run\":\"0001-x\",\"label\":\"x\","
		"\"profile\":\"p\",\"instances\":["
		"{\"instance\":\"b\",\"workload\":\"w\",\"status\":\"failed\","
		"\"reason\":\"broke\",\"repeat\":4,\"discard\":1,\"metrics\":["
		"{\"metric\":\"seconds\",\"unit\":\"s\",\"better\":\"lower\","
		"\"n\":2,\"discarded\":1,\"median\":3,\"mean\":3,\"min\":2,"
		"\"max\":4,\"mad\":1,\"stddev\":1.4142135623730951,"
		"\"cv\":0.47140452079103173},"
		"{\"metric\":\"ratio\",\"unit\":\"s\",\"better\":null,\"n\":2,"
		"\"discarded\":0,\"min\":3,\"max\":5}]},"
		"{\"instance\":\"a\",\"workload\":\"w\",\"status\":\"skipped\","
		"\"reason\":\"no net\",\"repeat\":1,\"discard\":0,"
		"\"metrics\":[]}],\"status\":\"ok\",\"reason\":null}",
		"failed run's value left out, warm-up discarded, info "
		"without median, undeclared instance inferred");
	why = tb_sum_failure(s);
	tap_str(&t, why ? why : "", "b: failed: broke", "failure text");
	free(why);
	free(text);
	tap_ok(&t, tb_rec_status_parse("timeout") == TB_REC_TIMEOUT &&
	       tb_rec_status_parse("bogus") == -1, "status names");
	{
		struct tb_rec bad = { .instance = "b", .rep = 0 };

		tap_ok(&t, tb_sum_add(s, &bad) < 0, "rep 0 refused");
	}
	tb_sum_free(s);
	return tap_done(&t);
}
