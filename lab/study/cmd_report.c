/* cmd_report.c - `twinbench report [OPTION]... RUN-OR-DIR...|BUNDLE.tar`.
 *
 * st_render() is the whole report: load, check, compute, then every file
 * into the output directory, each written to a temporary name and renamed
 * (a failed report leaves the previous files whole).  The terminal gets
 * the headline table and the path of report.html.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "study/st_bundle.h"
#include "study/st_priv.h"
#include "tb_util.h"

/* word, single-quoted for a POSIX shell when it needs it */
int st_shell_word(char **s, const char *w)
{
	const char *p;

	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
			 "wxyz0123456789@%+=:,./-_") == strlen(w))
		return st_append(s, " %s", w);
	if (st_append(s, " '") < 0)
		return -ENOMEM;
	for (p = w; *p; p++)
		if (st_append(s, *p == '\'' ? "'\\''" : "%c", *p) < 0)
			return -ENOMEM;
	return st_append(s, "'");
}

/* The canonical command: every option that changes a digit, the inputs
 * as given; the output directory aside. */
char *st_command(const struct st_opts *o)
{
	char *s = NULL;
	size_t i;
	int rc;

	rc = st_append(&s, "twinbench report --baseline");
	rc = rc ? rc : st_shell_word(&s, o->baseline);
	rc = rc ? rc : st_append(&s, " --seed %" PRIu64 " --bootstrap %u%s%s",
				 o->seed, o->boot_b,
				 o->allow_incomplete ?
				 " --allow-incomplete" : "",
				 o->allow_mixed ? " --allow-mixed" : "");
	for (i = 0; rc == 0 && i < o->ninputs; i++)
		rc = st_shell_word(&s, o->inputs[i]);
	if (rc < 0) {
		free(s);
		return NULL;
	}
	return s;
}

int st_charts_clean(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = d ? 0 : -errno;

	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *p;

		if (n < 5 || strcmp(e->d_name + n - 4, ".svg"))
			continue;
		p = fs_join(dir, e->d_name);
		if (!p || unlink(p) < 0)
			rc = p ? -errno : -ENOMEM;
		free(p);
	}
	if (d)
		closedir(d);
	return rc;
}

typedef int (*writer_fn)(const struct st_report *r, const char *charts,
			 FILE *f);

static int w_csv(const struct st_report *r, const char *c, FILE *f)
{
	(void)c;
	return st_write_csv(r, f);
}

static int w_json(const struct st_report *r, const char *c, FILE *f)
{
	(void)c;
	return st_write_json(r, f);
}

static int w_md(const struct st_report *r, const char *c, FILE *f)
{
	(void)c;
	return st_write_md(r, f);
}

/* dir/name through dir/.name.tmp, renamed when complete. */
static int write_file(const struct st_report *r, const char *dir,
		      const char *name, writer_fn fn, const char *charts)
{
	char *path = fs_join(dir, name);
	char *tmp = tb_strdupf("%s/.%s.tmp", dir, name);
	FILE *f = tmp ? fopen(tmp, "w") : NULL;
	int rc = f ? 0 : -errno;

	if (f) {
		rc = fn(r, charts, f);
		if (fflush(f) != 0 || ferror(f))
			rc = rc ? rc : -errno;
		if (fclose(f) != 0 && rc == 0)
			rc = -errno;
		if (rc == 0 && (!path || rename(tmp, path) < 0))
			rc = path ? -errno : -ENOMEM;
		if (rc < 0)
			unlink(tmp);
	}
	if (rc < 0)
		warnx("report: %s: %s", path ? path : name,
		      strerror(rc == -1 ? EIO : -rc));
	free(path);
	free(tmp);
	return rc;
}

static int write_all(const struct st_report *r, const char *outdir)
{
	char *charts = fs_join(outdir, "charts");
	char *e = NULL;
	int rc = charts ? tb_mkdir_p(charts, 0755) : -ENOMEM;

	if (rc < 0) {
		warnx("report: %s: %s", charts ? charts : outdir,
		      strerror(-rc));
		free(charts);
		return -1;
	}
	if (st_charts_clean(charts) < 0 || st_charts(r, charts, &e) < 0) {
		warnx("report: %s", e ? e : "charts: cannot clean them");
		free(e);
		free(charts);
		return -1;
	}
	rc = write_file(r, outdir, "report.csv", w_csv, charts);
	rc = rc ? rc : write_file(r, outdir, "report.json", w_json, charts);
	rc = rc ? rc : write_file(r, outdir, "report.md", w_md, charts);
	rc = rc ? rc : write_file(r, outdir, "report.html", st_write_html,
				  charts);
	free(charts);
	return rc < 0 ? -1 : 0;
}

int st_render(const struct st_opts *o, const char *outdir, int quiet)
{
	struct st_report r;
	char *e = NULL;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.opt = *o;
	r.command = st_command(o);
	if (!r.command)
		warnx("report: out of memory");
	else if (st_load(&r, &e) < 0 || st_check(&r, &e) < 0)
		warnx("report: %s", e ? e : "out of memory");
	else if (st_compute(&r) < 0)
		warnx("report: out of memory or a value that is not finite");
	else
		rc = write_all(&r, outdir);
	if (rc == 0 && !quiet) {
		st_print_terminal(&r, stdout);
		printf("report: %s/report.html\n", outdir);
	}
	free(e);
	st_report_free(&r);
	return rc;
}

static void report_usage(FILE *f)
{
	fputs("usage: twinbench report [--baseline LABEL] [--out DIR] "
	      "[--seed N]\n"
	      "          [--bootstrap B] [--allow-incomplete] "
	      "[--allow-mixed] [--quiet]\n"
	      "          RUN-OR-DIR... | BUNDLE.tar\n", f);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

enum { OPT_SEED = 256, OPT_B, OPT_INC, OPT_MIXED, OPT_HELP };

static const struct option report_longopts[] = {
	{ "baseline", required_argument, NULL, 'b' },
	{ "out", required_argument, NULL, 'o' },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "bootstrap", required_argument, NULL, OPT_B },
	{ "allow-incomplete", no_argument, NULL, OPT_INC },
	{ "allow-mixed", no_argument, NULL, OPT_MIXED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Options into o (g notes which were given); -1: usage error. */
int st_parse_opts(int argc, char **argv, struct st_opts *o,
		  struct st_given *g)
{
	uint64_t v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:o:q", report_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'b': o->baseline = optarg; g->baseline = 1; break;
		case 'o': g->out = optarg; break;
		case 'q': g->quiet = 1; break;
		case OPT_SEED:
			if (parse_u64(optarg, &o->seed) < 0) {
				lab_usage_error(argv[0], "--seed: not a "
						"number");
				return -1;
			}
			g->seed = 1;
			break;
		case OPT_B:
			if (parse_u64(optarg, &v) < 0 || v < 10000 ||
			    v > 10000000) {
				lab_usage_error(argv[0], "--bootstrap: 10000 "
						"to 10000000 replicates");
				return -1;
			}
			o->boot_b = (unsigned)v;
			g->boot_b = 1;
			break;
		case OPT_INC: o->allow_incomplete = 1; break;
		case OPT_MIXED: o->allow_mixed = 1; break;
		case OPT_HELP: g->help = 1; return 0;
		default:
			lab_bad_option(argv[0], c, argv);
			return -1;
		}
	}
	return 0;
}

void st_opts_default(struct st_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->baseline = ST_DEFAULT_BASELINE;
	o->seed = ST_DEFAULT_SEED;
	o->boot_b = ST_DEFAULT_B;
}

int cmd_report(int argc, char **argv)
{
	struct st_opts o;
	struct st_given g = { 0 };

	st_opts_default(&o);
	if (st_parse_opts(argc, argv, &o, &g) < 0)
		return LAB_EXIT_USAGE;
	if (g.help) {
		report_usage(stdout);
		return LAB_EXIT_OK;
	}
	if (optind >= argc) {
		report_usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (argc - optind == 1 && st_is_bundle(argv[optind]))
		return st_report_bundle(argv[optind], &o, &g);
	o.inputs = (const char *const *)argv + optind;
	o.ninputs = (size_t)(argc - optind);
	return st_render(&o, g.out ? g.out : "report", g.quiet) < 0 ?
		LAB_EXIT_FAIL : LAB_EXIT_OK;
}
