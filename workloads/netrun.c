/* netrun.c - helpers of the network workloads (see netrun.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "netrun.h"
#include "tb_util.h"

int nr_ready(struct tb_ctx *ctx)
{
	if (ctx->net_error) {
		tb_fail(ctx, "%s", ctx->net_error);
		return -1;
	}
	if (!ctx->peer || !*ctx->peer) {
		tb_skip(ctx, "%s needs a peer: boot with bench.peer=ADDR (and "
			"bench.net=), or twinbench run --peer IMAGE|ADDR",
			ctx->instance);
		return -1;
	}
	return 0;
}

char *nr_slurp(struct tb_ctx *ctx, const char *path)
{
	char *text = NULL;
	size_t len;
	int rc = tb_read_file(path, &text, &len);

	if (rc < 0) {
		tb_fail(ctx, "%s: %s", path, strerror(-rc));
		return NULL;
	}
	return text;
}

void nr_last_line(const char *text, char *line, size_t n)
{
	const char *s = text, *best = NULL, *best_end = NULL;

	line[0] = '\0';
	while (*s) {
		const char *e = strchr(s, '\n');

		if (!e)
			e = s + strlen(s);
		if (e > s && !(e - s == 1 && *s == '\r')) {
			best = s;
			best_end = e;
		}
		s = *e ? e + 1 : e;
	}
	if (best) {
		size_t len = (size_t)(best_end - best);

		if (len >= n)
			len = n - 1;
		memcpy(line, best, len);
		line[len] = '\0';
		line[strcspn(line, "\r")] = '\0';
	}
}

int nr_split(char *line, char sep, char **f, int max)
{
	int k = 0;
	char *s = line;

	while (k < max) {
		char *e = strchr(s, sep);

		f[k++] = s;
		if (!e)
			break;
		*e = '\0';
		s = e + 1;
	}
	return k;
}

int nr_num(const char *s, double *v)
{
	char *end;

	while (*s == ' ')
		s++;
	if (!*s)
		return -1;
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return *end || !isfinite(*v) ? -1 : 0;
}

static void tool_failed(struct tb_ctx *ctx, const char *tool, int st,
			const char *out)
{
	char *text = NULL, line[160];
	size_t len;

	line[0] = '\0';
	if (tb_read_file(out, &text, &len) == 0)
		nr_last_line(text, line, sizeof(line));
	free(text);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		tb_fail(ctx, "%s: cannot execute", tool);
	else if (WIFEXITED(st))
		tb_fail(ctx, "%s exited with %d%s%s", tool, WEXITSTATUS(st),
			line[0] ? ": " : "", line);
	else
		tb_fail(ctx, "%s killed by signal %d", tool,
			WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int nr_run_tool(struct tb_ctx *ctx, char *const argv[], const char *out)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int st, rc;
	pid_t pid;

	if (fd < 0)
		return tb_fail(ctx, "%s: %s", out, strerror(errno)), -1;
	pid = fork();
	if (pid == 0) {
		int n = open("/dev/null", O_RDONLY);

		if (n < 0 || dup2(n, 0) < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		return tb_fail(ctx, "fork: %s", strerror(errno)), -1;
	rc = tb_wait_child(ctx, pid, &st);
	if (rc < 0)
		return tb_fail(ctx, "waitpid: %s", strerror(-rc)), -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		tool_failed(ctx, argv[0], st, out);
		return -1;
	}
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int nr_rm_rf(struct tb_ctx *ctx, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0 && errno == ENOENT)
		return 0;
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0)
		return tb_fail(ctx, "rm -fr %s: %s", path, strerror(errno)),
			-1;
	return 0;
}
