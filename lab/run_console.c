/* run_console.c - the serial console of `twinbench run` (run_console.h).
 *
 * In --out DIR the log is first DIR/serial-XXXXXX.log (the run id is not
 * known before the boot), then DIR/<run-id>.serial.log beside the run it
 * belongs to; a name already taken is never replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_console.h"
#include "tb_conline.h"
#include "tb_util.h"

#define MARK_RUN	"TWINBENCH-RUN {"

int run_log_open(const struct run_opts *o, struct run_log *l)
{
	const char *tmp = getenv("TMPDIR");
	int fd, e = 0;

	memset(l, 0, sizeof(*l));
	if (o->serial_log) {
		l->path = strdup(o->serial_log);
		return l->path ? 0 : -ENOMEM;
	}
	if (o->out && (e = tb_mkdir_p(o->out, 0755)))
		return e;
	l->dir = o->out;
	l->path = o->out ? tb_strdupf("%s/serial-XXXXXX.log", o->out) :
		  tb_strdupf("%s/twinbench-serial-XXXXXX.log",
			     tmp && *tmp ? tmp : "/tmp");
	if (!l->path)
		return -ENOMEM;
	fd = mkstemps(l->path, 4);
	if (fd < 0 || fchmod(fd, 0644))
		e = -errno;
	if (fd >= 0)
		close(fd);
	return e;
}

/* The "run" of a TWINBENCH-RUN object, if it is a plain name. */
static char *run_id_of(const char *json)
{
	json_t *o = json_loads(json, JSON_DISABLE_EOF_CHECK, NULL);
	const char *s = json_string_value(json_object_get(o, "run"));
	char *id = s && run_valid_name(s) ? strdup(s) : NULL;

	json_decref(o);
	return id;
}

static char *log_run_id(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *id = NULL, *p;
	size_t cap = 0;

	while (f && !id && getline(&line, &cap, f) >= 0)
		if ((p = strstr(line, MARK_RUN)))
			id = run_id_of(p + strlen(MARK_RUN) - 1);
	free(line);
	if (f)
		fclose(f);
	return id;
}

int run_log_keep(struct run_log *l)
{
	char *dest;

	free(l->id);
	l->id = log_run_id(l->path);
	if (!l->dir || !l->id)
		return 0;
	dest = tb_strdupf("%s/%s.serial.log", l->dir, l->id);
	if (!dest)
		return -ENOMEM;
	if (link(l->path, dest)) {
		int e = -errno;

		free(dest);
		return e;
	}
	unlink(l->path);
	free(l->path);
	l->path = dest;
	return 0;
}

void run_log_free(struct run_log *l)
{
	free(l->path);
	free(l->id);
	memset(l, 0, sizeof(*l));
}

static void term_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stdout);
	if (n && s[n - 1] == '\n')
		fflush(stdout);
}

/* The filter process: QEMU's console in, the shown lines out. */
static void term_filter(int fd)
{
	struct tb_conline c;
	char buf[4096];
	ssize_t n;

	signal(SIGINT, SIG_IGN);	/* ^C stops QEMU; we print the rest */
	signal(SIGQUIT, SIG_IGN);
	tb_conline_init(&c, term_write, NULL);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		tb_conline_feed(&c, buf, (size_t)n);
	}
	tb_conline_flush(&c);
	fflush(stdout);
	_exit(0);
}

int run_term_start(struct run_term *t)
{
	int p[2], e;
	pid_t pid;

	t->pid = 0;
	t->fd = 0;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		term_filter(p[0]);
	}
	e = pid < 0 ? -errno : 0;
	close(p[0]);
	if (e) {
		close(p[1]);
		return e;
	}
	t->pid = pid;
	t->fd = p[1];
	return 0;
}

void run_term_end(struct run_term *t, int lost)
{
	int st;

	if (t->fd > 0)
		close(t->fd);
	if (t->pid > 0 && lost)
		kill(t->pid, SIGKILL);
	while (t->pid > 0 && waitpid(t->pid, &st, 0) < 0 && errno == EINTR)
		;
	t->pid = 0;
	t->fd = 0;
}
