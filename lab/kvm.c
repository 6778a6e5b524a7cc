/* kvm.c - may this run use KVM?
 *
 * Only if /dev/kvm opens and answers, and a probe boot succeeds: the
 * image's own kernel under `-accel kvm` with the run's CPU, no initramfs,
 * `panic=-1 rdinit=/nonexistent`, so it prints its banner, panics for want
 * of a root file system and QEMU exits (-no-reboot).  On some machines KVM
 * is there but the guest hangs or QEMU aborts; the probe's deadline bounds
 * what that costs, and its verdict is cached per kernel sha256 so it is
 * paid once.  Cache lines: "<sha256> ok" or "<sha256> fail"; the last one
 * for a kernel counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lab.h"
#include "tb_sha256.h"
#include "tb_util.h"

#define KVM_BANNER	"Linux version "

int kvm_usable(char **why)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), v;

	*why = NULL;
	if (fd < 0) {
		*why = tb_strdupf("/dev/kvm: %s", strerror(errno));
		return 0;
	}
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (v != KVM_API_VERSION) {
		*why = tb_strdupf("/dev/kvm: API version %d, not %d", v,
				  KVM_API_VERSION);
		return 0;
	}
	return 1;
}

char *kvm_cache_path(void)
{
	const char *p = getenv("TWINBENCH_KVM_CACHE");

	if (p)
		return *p ? strdup(p) : NULL;	/* empty: no cache */
	p = getenv("XDG_CACHE_HOME");
	if (p && *p == '/')
		return tb_strdupf("%s/twinbench/kvm-probe", p);
	p = getenv("HOME");
	if (p && *p)
		return tb_strdupf("%s/.cache/twinbench/kvm-probe", p);
	return NULL;
}

/* 1 and *ok if the cache has a verdict for sha, else 0. */
static int cache_lookup(const char *path, const char *sha, int *ok)
{
	char *text = NULL, *line, *save = NULL;
	size_t n = strlen(sha);
	int found = 0;

	if (tb_read_file(path, &text, NULL))
		return 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, sha, n) || line[n] != ' ')
			continue;
		found = 1;
		*ok = !strcmp(line + n + 1, "ok");
	}
	free(text);
	return found;
}

static int cache_store(const char *path, const char *sha, int ok)
{
	char *dir = strdup(path), *slash;
	int fd, e = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		e = tb_mkdir_p(dir, 0755);
	}
	free(dir);
	if (e)
		return e;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (dprintf(fd, "%s %s\n", sha, ok ? "ok" : "fail") < 0)
		e = -errno;
	if (close(fd) && !e)
		e = -errno;
	return e;
}

/* Did the probe's serial log get the kernel's banner? */
static int saw_banner(const char *log)
{
	char *text = NULL;
	int yes;

	if (tb_read_file(log, &text, NULL))
		return 0;
	yes = strstr(text, KVM_BANNER) != NULL;
	free(text);
	return yes;
}

/* First line of what QEMU said on stderr, for the verdict. */
static char *first_line(int fd)
{
	char *t = proc_slurp_fd(fd);

	if (t)
		t[strcspn(t, "\n")] = '\0';
	return t;
}

static char *verdict(const struct kvm_probe_req *q, const struct proc_res *r,
		     int banner, const char *qerr)
{
	double s = q->timeout_ms / 1000.0;

	if (r->timed_out)
		return tb_strdupf("KVM probe boot hung: no exit within "
				  "%.0f s%s", s, r->lost ? "; QEMU could not "
				  "be killed and was left behind" : "");
	if (r->status)
		return tb_strdupf("KVM probe boot failed: QEMU exit status "
				  "%d%s%s", r->status, qerr && *qerr ? ": " :
				  "", qerr ? qerr : "");
	if (!banner)
		return strdup("KVM probe boot printed nothing on the serial "
			      "console");
	return tb_strdupf("KVM probe boot succeeded in %.1f s", r->seconds);
}

/* Boot the kernel once under KVM: 1 worked, 0 failed, -errno could not
 * even start QEMU (not a verdict on KVM, so not cached). */
static int probe_boot(const struct kvm_probe_req *q, char **why)
{
	char *log = fs_join(q->workdir, "kvm-probe.log"), **argv = NULL;
	struct proc_opt o = { .null_stdin = 1, .timeout_ms = q->timeout_ms };
	FILE *ef = tmpfile();
	struct proc_res r;
	char *qerr = NULL;
	int e = -ENOMEM, ok = 0;

	if (log && ef)
		argv = qemu_probe_argv(q->qemu, q->kernel, log);
	if (argv) {
		o.out_fd = o.err_fd = fileno(ef);
		e = proc_run((const char *const *)argv, &o, &r);
	}
	if (e) {
		*why = tb_strdupf("KVM probe: cannot run %s: %s", q->qemu,
				  strerror(-e));
		ok = e;
	} else {
		qerr = first_line(fileno(ef));
		ok = !r.timed_out && !r.status && saw_banner(log);
		*why = verdict(q, &r, saw_banner(log), qerr);
	}
	free(qerr);
	qemu_argv_free(argv);
	if (ef)
		fclose(ef);
	free(log);
	return ok;
}

int kvm_probe(const struct kvm_probe_req *q, struct accel_choice *c)
{
	char sha[65];
	int e, ok;

	c->cache_err = 0;
	e = tb_sha256_file(q->kernel, sha);
	if (e)
		return e;
	if (q->cache && cache_lookup(q->cache, sha, &ok)) {
		c->accel = ok ? ACCEL_KVM : ACCEL_TCG;
		c->why = tb_strdupf("cached: the KVM probe %s for this kernel "
				    "(%s; delete it to probe again)",
				    ok ? "succeeded" : "failed", q->cache);
		return c->why ? 0 : -ENOMEM;
	}
	ok = probe_boot(q, &c->why);
	c->accel = ok > 0 ? ACCEL_KVM : ACCEL_TCG;
	if (q->cache && ok >= 0)
		c->cache_err = cache_store(q->cache, sha, ok);
	return c->why ? 0 : -ENOMEM;
}
