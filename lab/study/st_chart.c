/* st_chart.c - draw the report's charts with gnuplot.
 *
 * Which charts a report has (st_chart_list: the HTML page inlines the
 * same list) and how each is drawn: its script (st_chart_gp.c) goes to
 * an unnamed temporary file that gnuplot, run as a child without a shell,
 * reads as /dev/fd/N; its stdout is the chart's SVG file.  So charts_dir
 * holds nothing but the .svg files, even when gnuplot fails (the chart
 * it was writing is removed).  gnuplot runs with -d (no gnuplotrc, no
 * ~/.gnuplot) and LC_ALL=C: nothing of the environment gets into a chart.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"
#include "study/st_chart.h"
#include "tb_util.h"

#define GNUPLOT		"gnuplot"
#define GNUPLOT_MS	60000

static int chart_seen(const struct st_chart *c, size_t n,
		      enum st_chart_kind kind, const char *instance)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].kind == kind && !strcmp(c[i].instance, instance))
			return 1;
	return 0;
}

/* Add a chart; instance NULL: the summary.  0 or -ENOMEM. */
static int chart_add(struct st_chart *c, size_t *n, enum st_chart_kind kind,
		     const char *instance)
{
	struct st_chart *x = &c[*n];
	char *name = instance ? st_chart_name(instance) : NULL;

	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->instance = instance;
	if (kind == ST_CHART_SUMMARY)
		x->file = strdup("summary.svg");
	else if (name)
		x->file = tb_strdupf("%s%s.svg",
				     kind == ST_CHART_SCALE ? "scale-" : "",
				     name);
	free(name);
	if (!x->file)
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int list_fill(const struct st_report *r, struct st_chart *c,
		     size_t *n)
{
	int e = 0;

	for (size_t i = 0; i < r->nrows && !e; i++) {
		const struct st_row *w = &r->rows[i];

		if (!w->headline || w->better == ST_INFO ||
		    chart_seen(c, *n, ST_CHART_BENCH, w->instance))
			continue;
		e = chart_add(c, n, ST_CHART_BENCH, w->instance);
		if (!e)
			c[*n - 1].row = w;
	}
	if (!e && r->ngeo)
		e = chart_add(c, n, ST_CHART_SUMMARY, NULL);
	for (size_t i = 0; i < r->nscale && !e; i++) {
		const struct st_scale *s = &r->scale[i];

		if (chart_seen(c, *n, ST_CHART_SCALE, s->instance))
			continue;
		e = chart_add(c, n, ST_CHART_SCALE, s->instance);
		if (!e)
			c[*n - 1].scale = s;
	}
	return e;
}

int st_chart_list(const struct st_report *r, struct st_chart **out,
		  size_t *n)
{
	struct st_chart *c = calloc(r->nrows + r->nscale + 1, sizeof(*c));
	int e;

	*out = NULL;
	*n = 0;
	if (!c)
		return -ENOMEM;
	e = list_fill(r, c, n);
	if (e) {
		st_chart_list_free(c, *n);
		*n = 0;
		return e;
	}
	*out = c;
	return 0;
}

void st_chart_list_free(struct st_chart *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		free(c[i].file);
	free(c);
}

/* *err = "gnuplot: FILE: " + the first non-blank line of its stderr. */
static void gnuplot_error(const char *file, int fd, const struct proc_res *pr,
			  char **err)
{
	char *text = proc_slurp_fd(fd), *line = text, *end;

	while (line && (*line == '\n' || *line == ' ' || *line == '\t'))
		line++;
	end = line ? strchr(line, '\n') : NULL;
	if (end)
		*end = '\0';
	if (pr->timed_out)
		*err = tb_strdupf("%s: %s: timed out after %d s", GNUPLOT, file,
				  GNUPLOT_MS / 1000);
	else if (line && *line)
		*err = tb_strdupf("%s: %s: %s", GNUPLOT, file, line);
	else
		*err = tb_strdupf("%s: %s: exit status %d", GNUPLOT, file,
				  pr->status);
	free(text);
}

/* gnuplot -d /dev/fd/SCRIPT > out.  0, or -1 with *err. */
static int gnuplot_run(int script, int out, int errfd, const char *file,
		       char **err)
{
	static const char *const env[] = { "LC_ALL=C", NULL };
	struct proc_opt o = { .out_fd = out, .err_fd = errfd,
			      .null_stdin = 1, .timeout_ms = GNUPLOT_MS,
			      .env = env };
	struct proc_res pr;
	char *path = tb_strdupf("/dev/fd/%d", script);
	int e;

	if (!path) {
		*err = strdup("charts: out of memory");
		return -1;
	}
	{
		const char *argv[] = { GNUPLOT, "-d", path, NULL };

		e = proc_run(argv, &o, &pr);
	}
	free(path);
	if (e == -ENOENT)
		*err = tb_strdupf("%s: not found (Debian package gnuplot-nox)",
				  GNUPLOT);
	else if (e)
		*err = tb_strdupf("%s: %s", GNUPLOT, strerror(-e));
	else if (pr.status || pr.timed_out)
		gnuplot_error(file, errfd, &pr, err);
	return e || pr.status || pr.timed_out ? -1 : 0;
}

/* Write the chart's script, then run gnuplot into dir/file. */
static int chart_draw(const struct st_report *r, const struct st_chart *c,
		      const char *dir, char **err)
{
	FILE *gp = tmpfile(), *ef = tmpfile();
	char *path = tb_strdupf("%s/%s", dir, c->file);
	int out = -1, e = -1;

	if (!gp || !ef || !path) {
		*err = tb_strdupf("charts: %s",
				  strerror(errno ? errno : ENOMEM));
		goto done;
	}
	if (st_chart_script(r, c, gp)) {
		*err = tb_strdupf("charts: %s: cannot write the gnuplot script",
				  c->file);
		goto done;
	}
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		*err = tb_strdupf("%s: %s", path, strerror(errno));
		goto done;
	}
	e = gnuplot_run(fileno(gp), out, fileno(ef), c->file, err);
	if (close(out) && !e) {
		*err = tb_strdupf("%s: %s", path, strerror(errno));
		e = -1;
	}
	if (e)
		unlink(path);
done:
	if (gp)
		fclose(gp);
	if (ef)
		fclose(ef);
	free(path);
	return e;
}

int st_charts(const struct st_report *r, const char *charts_dir,
	      char **err)
{
	struct st_chart *c;
	size_t n;
	int e;

	*err = NULL;
	e = tb_mkdir_p(charts_dir, 0755);
	if (e) {
		*err = tb_strdupf("%s: %s", charts_dir, strerror(-e));
		return -1;
	}
	if (st_chart_list(r, &c, &n)) {
		*err = strdup("charts: out of memory");
		return -1;
	}
	for (size_t i = 0; i < n && !e; i++)
		e = chart_draw(r, &c[i], charts_dir, err);
	st_chart_list_free(c, n);
	return e ? -1 : 0;
}
