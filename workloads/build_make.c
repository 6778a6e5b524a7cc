/* build_make.c - run make for the build workload and explain failures. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "build_priv.h"
#include "tb_util.h"

/* make's command line: make -C work -jN TCC=... CCDIR=... targets */
struct make_cmd {
	char **argv;
	char *jobs, *tcc, *ccdir;
};

static void make_cmd_free(struct make_cmd *mc)
{
	free(mc->argv);
	free(mc->jobs);
	free(mc->tcc);
	free(mc->ccdir);
}

static int make_cmd_init(struct make_cmd *mc, const struct build_paths *bp,
			 long jobs, int link, size_t files)
{
	size_t i = 0, k;

	mc->argv = calloc((files ? files : 1) + 8, sizeof(*mc->argv));
	mc->jobs = tb_strdupf("-j%ld", jobs);
	mc->tcc = tb_strdupf("TCC=%s", bp->tcc);
	mc->ccdir = tb_strdupf("CCDIR=%s", bp->ccdir);
	if (!mc->argv || !mc->jobs || !mc->tcc || !mc->ccdir)
		return -1;
	mc->argv[i++] = bp->make;
	mc->argv[i++] = "-C";
	mc->argv[i++] = bp->work;
	mc->argv[i++] = "--no-print-directory";
	mc->argv[i++] = mc->jobs;
	mc->argv[i++] = mc->tcc;
	mc->argv[i++] = mc->ccdir;
	if (files)
		for (k = 0; k < files; k++)
			mc->argv[i++] = bp->objects.line[k];
	else
		mc->argv[i++] = link ? "all" : "objs";
	mc->argv[i] = NULL;
	return 0;
}

/* In the child: output to log, nothing inherited from an outer make, and
 * none of the search paths tcc would add from the environment. */
static void exec_make(char *const *argv, const char *log)
{
	static const char *const vars[] = {
		"MAKEFLAGS", "MFLAGS", "GNUMAKEFLAGS", "MAKELEVEL",
		"MAKEOVERRIDES", "MAKEFILES", "CPATH", "C_INCLUDE_PATH",
		"LIBRARY_PATH", NULL,
	};
	int o = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int n = open("/dev/null", O_RDONLY);
	size_t i;

	if (o < 0 || n < 0 || dup2(n, 0) < 0 || dup2(o, 1) < 0 ||
	    dup2(o, 2) < 0)
		_exit(126);
	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	execv(argv[0], argv);
	_exit(127);
}

/* The last line of make's output naming an error: a compiler's rather
 * than make's own "make: *** ..." if there is one; else the last line.
 * malloc'ed, trailing blanks removed, or NULL. */
static char *last_error_line(const char *log)
{
	char *text = NULL, *s, *nl, *e, *res;
	const char *last = NULL, *err = NULL, *cc = NULL;
	size_t len, last_n = 0, err_n = 0, cc_n = 0;

	if (tb_read_file(log, &text, &len) < 0)
		return NULL;
	for (s = text; *s; s = nl ? nl + 1 : s + strlen(s)) {
		nl = strchr(s, '\n');
		e = nl ? nl : s + strlen(s);
		while (e > s && strchr(" \t\r", e[-1]))
			e--;
		if (e == s)
			continue;
		last = s;
		last_n = (size_t)(e - s);
		if (!memmem(s, last_n, "rror", 4))
			continue;
		if (strncmp(s, "make:", 5) && strncmp(s, "make[", 5))
			cc = s, cc_n = last_n;
		else
			err = s, err_n = last_n;
	}
	if (cc)
		last = cc, last_n = cc_n;
	else if (err)
		last = err, last_n = err_n;
	res = last ? strndup(last, last_n) : NULL;
	free(text);
	return res;
}

void build_make_failed(struct tb_ctx *ctx, const struct build_paths *bp,
		       const char *what)
{
	char *line = last_error_line(bp->log);

	tb_fail(ctx, "%s: not made%s%s", what, line ? "; make: " : "",
		line ? line : "");
	free(line);
}

static int wait_make(struct tb_ctx *ctx, const struct build_paths *bp,
		     pid_t pid)
{
	char *line;
	int st;
	int rc = tb_wait_child(ctx, pid, &st);

	if (rc < 0)
		return tb_fail(ctx, "waitpid: %s", strerror(-rc)), -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	line = last_error_line(bp->log);
	if (WIFSIGNALED(st))
		tb_fail(ctx, "%s: killed by signal %d", bp->make,
			WTERMSIG(st));
	else if (WEXITSTATUS(st) >= 126)
		tb_fail(ctx, "%s: cannot execute", bp->make);
	else
		tb_fail(ctx, "make: exit status %d%s%s", WEXITSTATUS(st),
			line ? ": " : "", line ? line : "");
	free(line);
	return -1;
}

int build_make(struct tb_ctx *ctx, const struct build_paths *bp, long jobs,
	       int link, size_t files, uint64_t *ns)
{
	struct make_cmd mc = { NULL, NULL, NULL, NULL };
	pid_t pid;
	int rc = -1;

	if (make_cmd_init(&mc, bp, jobs, link, files) < 0) {
		tb_fail(ctx, "out of memory");
		goto out;
	}
	tb_phase_begin(ctx);
	pid = fork();
	if (pid < 0) {
		tb_fail(ctx, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		exec_make(mc.argv, bp->log);
	rc = wait_make(ctx, bp, pid);
	*ns = tb_phase_end(ctx);
out:
	make_cmd_free(&mc);
	return rc;
}
