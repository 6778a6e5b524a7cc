/* summary.c - summary.json and the run's status.
 *
 * The statistics come from the records the run wrote, by the rule of
 * lib/tb_summary.h that `twinbench console` applies to the same records
 * on the host: the two summaries of one run are equal by construction.
 * The run is "failed" when an instance failed or timed out, or when a
 * result could not be written (write_err) - the latter wins, as it means
 * the run's results on disk are not whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_summary.h"
#include "tb_util.h"

int summary_init(struct app *a)
{
	size_t i;

	a->sum = tb_sum_new();
	if (!a->sum)
		return -ENOMEM;
	for (i = 0; a->prof_ok && i < a->prof.ninst; i++) {
		const struct tb_instance *in = &a->prof.inst[i];

		if (tb_sum_instance(a->sum, in->name, in->wl->name,
				    in->repeat, in->discard) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Decide status and reason (again: a failed write may come late). */
void summary_status(struct app *a)
{
	char *why = NULL;

	if (a->setup_err)
		why = strdup(a->setup_err);
	else if (a->write_err)
		why = strdup(a->write_err);
	else if (a->sum)
		why = tb_sum_failure(a->sum);
	free(a->reason);
	a->reason = why;
	a->status = why ? "failed" : "ok";
}

int summary_write(struct app *a)
{
	struct tb_json j;
	int rc;

	summary_status(a);
	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_sum_members_json(a->sum, &j, a->run_id, a->label, a->profile_name,
			    a->status, a->reason);
	tb_json_obj_end(&j);
	rc = tb_json_error(&j);
	if (rc == 0)
		rc = res_write_text(a, "summary.json", j.buf, j.len);
	else
		res_write_failed(a, "summary.json", rc);
	tb_json_free(&j);
	return rc;
}
