/* st_bundle.h - options shared by report, bundle and verify, and the
 * bundle's side of `twinbench report BUNDLE.tar` (cmd_bundle.c). */
#ifndef ST_BUNDLE_H
#define ST_BUNDLE_H

#include "study/study.h"

/* Which options were given on the command line. */
struct st_given {
	int baseline, seed, boot_b, quiet, help;
	const char *out;
};
void st_opts_default(struct st_opts *o);
/* getopt over argv; -1 after a usage message. */
int st_parse_opts(int argc, char **argv, struct st_opts *o,
		  struct st_given *g);
char *st_command(const struct st_opts *o);	/* malloc'ed */
/* Append " word" to *s, single-quoted for a shell when needed. */
int st_shell_word(char **s, const char *w);
/* Run a tool (argv[0] from PATH) to completion; -1 after a message
 * naming what and the tool. */
int st_run_tool(const char *const argv[], const char *what);
/* st_render() of dir/runs into out, with dir as the working directory
 * (so the report's command names "runs", whatever dir is). */
int st_render_in(const char *dir, const struct st_opts *o, const char *out,
		 int quiet);
/* Remove the *.svg files of a charts directory (0 or -errno). */
int st_charts_clean(const char *dir);

int st_is_bundle(const char *path);	/* a regular file named *.tar */
/* The report of a bundle's runs with its study.json options (those given
 * on the command line win).  Exit status. */
int st_report_bundle(const char *tar, const struct st_opts *o,
		     const struct st_given *g);

#endif
