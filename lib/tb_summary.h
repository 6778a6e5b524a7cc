/* tb_summary.h - a run's summary from its records: one rule, used by the
 * appliance (summary.json as it finishes) and by the host (`twinbench
 * console`, rebuilding a run from a serial log), so that the two can never
 * disagree.
 *
 * The records are those of samples.jsonl, in order.  A value record
 * (metric set) is written as its workload reports it, before the run
 * (instance x repetition) has ended; a run that then fails, times out or
 * is skipped adds one outcome record (metric NULL) with that status.  The
 * rule: a value counts only when its run has no outcome record, i.e. the
 * run ended ok.  Counted values of warm-up runs are "discarded"; the rest
 * give n, median, mean, min, max, MAD, stddev and CV for a performance
 * metric, and only n, min and max for an information metric (better ==
 * TB_INFO: nothing to rank).  An instance's status is the worst status of
 * its records, its reason that of the first record with that status.
 */
#ifndef TB_SUMMARY_H
#define TB_SUMMARY_H

#include "tb_json.h"
#include "tb_workload.h"

enum tb_rec_status { TB_REC_OK, TB_REC_SKIPPED, TB_REC_FAILED,
		     TB_REC_TIMEOUT };

struct tb_rec {
	const char *instance, *workload;
	int rep;			/* 1-based, as in the records */
	int warmup;
	const char *metric, *unit;	/* metric NULL: an outcome record */
	enum tb_better better;
	double value;
	enum tb_rec_status status;
	const char *reason;		/* NULL when none */
};

struct tb_sum;

struct tb_sum *tb_sum_new(void);
void tb_sum_free(struct tb_sum *s);
/* Optional: declare an instance with its profile's repeat and discard (the
 * appliance knows them); undeclared ones are inferred from the records.
 * Declared instances keep the declaration order.  0 or -ENOMEM. */
int tb_sum_instance(struct tb_sum *s, const char *name, const char *workload,
		    int repeat, int discard);
/* Take one record (strings are copied).  0, -EINVAL or -ENOMEM. */
int tb_sum_add(struct tb_sum *s, const struct tb_rec *r);
/* The first instance that failed or timed out, as "name: status: reason"
 * (malloc'ed), or NULL when there is none (or out of memory). */
char *tb_sum_failure(const struct tb_sum *s);
/* Write the instances array as the value of the key just written. */
void tb_sum_instances_json(const struct tb_sum *s, struct tb_json *j);
/* The members of summary.json (DESIGN section 6) into the object the
 * caller opened: schema, run, label, profile, instances, status, reason
 * (label, profile, reason may be NULL). */
void tb_sum_members_json(const struct tb_sum *s, struct tb_json *j,
			 const char *run, const char *label,
			 const char *profile, const char *status,
			 const char *reason);

const char *tb_rec_status_name(enum tb_rec_status st);
/* The status named s, or -1. */
int tb_rec_status_parse(const char *s);

#endif
