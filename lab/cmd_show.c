/* cmd_show.c - `twinbench show [--csv|--markdown] RUNDIR...`. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab.h"

static const char *const head_text[SUM_NCOLS] = {
	"run", "label", "instance", "workload", "metric", "unit", "better",
	"n", "median", "MAD", "CV%", "min", "max", "status", "reason",
};
static const char *const head_csv[SUM_NCOLS] = {
	"run", "label", "instance", "workload", "metric", "unit", "better",
	"n", "median", "mad", "cv", "min", "max", "status", "reason",
};
static const unsigned char right[SUM_NCOLS] = {
	0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0,
};

static void report(const char *dir, int r, const struct sum_err *e,
		   int done)
{
	const char *note = done ? "" : " (run incomplete: no DONE)";
	const char *text = e->text ? e->text : strerror(-r);

	if (e->line > 0)
		warnx("%s/summary.json:%d:%d: %s%s", dir, e->line, e->column,
		      text, note);
	else
		warnx("%s/summary.json: %s%s", dir, text, note);
}

/* After the table: what is wrong with whole runs. */
static void print_notes(const struct sum_info *info, size_t n, FILE *f)
{
	int first = 1;

	for (size_t i = 0; i < n; i++) {
		const struct sum_info *s = &info[i];

		if (!s->run || (s->done && !strcmp(s->status, "ok")))
			continue;
		fputs(first ? "\n" : "", f);
		first = 0;
		if (!s->done)
			fprintf(f, "%s: incomplete (no DONE)\n", s->run);
		else
			fprintf(f, "%s: %s%s%s\n", s->run, s->status,
				s->reason ? ": " : "",
				s->reason ? s->reason : "");
	}
}

static int show_table(struct table *t, const char *const dirs[], size_t n,
		      enum table_fmt f, struct sum_info *info, int *all_ok)
{
	struct sum_err e;
	struct stat st;
	int bad = 0, shown = 0, r;

	*all_ok = 1;
	for (size_t i = 0; i < n; i++) {
		r = stat(dirs[i], &st) ? -errno : 0;
		if (r || !S_ISDIR(st.st_mode)) {
			warnx("%s: %s", dirs[i], r ? strerror(-r) :
			      "not a directory");
			*all_ok = 0;
			bad = 1;
			continue;
		}
		r = summary_rows(dirs[i], f, t, &info[i], &e);
		if (r) {
			report(dirs[i], r, &e, info[i].done);
			bad = 1;
		} else {
			shown++;
		}
		*all_ok = *all_ok && !r && info[i].done &&
			  !strcmp(info[i].status, "ok");
		free(e.text);
	}
	if (shown && table_print(t, f, stdout)) {
		warnx("stdout: write error");
		bad = 1;
	}
	if (shown && f != TABLE_CSV)
		print_notes(info, n, stdout);
	return bad ? -1 : 0;
}

int show_runs(const char *const dirs[], size_t n, enum table_fmt f,
	      int *all_ok)
{
	struct table *t = table_new(SUM_NCOLS, f == TABLE_CSV ? head_csv :
				    head_text, right);
	struct sum_info *info = calloc(n ? n : 1, sizeof(*info));
	int r = -1;

	*all_ok = 0;
	if (t && info)
		r = show_table(t, dirs, n, f, info, all_ok);
	else
		warnx("out of memory");
	for (size_t i = 0; info && i < n; i++)
		sum_info_free(&info[i]);
	free(info);
	table_free(t);
	fflush(stdout);
	return r;
}

static const struct option show_opts[] = {
	{ "csv", no_argument, NULL, 'c' },
	{ "markdown", no_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_show(int argc, char **argv)
{
	enum table_fmt f = TABLE_PLAIN;
	int opt, all_ok, nfmt = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", show_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			f = TABLE_CSV;
			nfmt++;
			break;
		case 'm':
			f = TABLE_MARKDOWN;
			nfmt++;
			break;
		case 'h':
			lab_usage(stdout);
			return LAB_EXIT_OK;
		default:
			return lab_bad_option("show", opt, argv);
		}
	}
	if (nfmt > 1)
		return lab_usage_error("show", "--csv and --markdown exclude "
				       "each other");
	if (optind == argc)
		return lab_usage_error("show", "needs at least one RUNDIR");
	if (show_runs((const char *const *)argv + optind,
		      (size_t)(argc - optind), f, &all_ok))
		return LAB_EXIT_FAIL;
	return LAB_EXIT_OK;
}
