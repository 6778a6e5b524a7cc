/* qemu.c - the QEMU command lines of `twinbench run` and of the KVM probe.
 *
 * Both use the same machine and CPU (a probe must try what the run will
 * use): `-machine pc`, `-cpu host` under KVM (the guest sees the host's
 * CPU, as bare metal does) and QEMU's default CPU under TCG.  Paths inside
 * QEMU option strings have their commas doubled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

#define QEMU_DEFAULT	"qemu-system-x86_64"
#define PROBE_APPEND	"console=ttyS0 panic=-1 rdinit=/nonexistent"

struct argv_buf {
	char **v;
	size_t n, cap;
	int err;
};

static void add_owned(struct argv_buf *a, char *s)
{
	char **nv;

	if (!s || a->err) {
		a->err = 1;
		free(s);
		return;
	}
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		nv = realloc(a->v, a->cap * sizeof(*nv));
		if (!nv) {
			a->err = 1;
			free(s);
			return;
		}
		a->v = nv;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void add(struct argv_buf *a, const char *s)
{
	add_owned(a, strdup(s));
}

static char **finish(struct argv_buf *a)
{
	if (a->err) {
		qemu_argv_free(a->v);
		return NULL;
	}
	return a->v;
}

/* s with every ',' doubled, for QEMU's option syntax. */
static char *opt_escape(const char *s)
{
	size_t n = strlen(s), commas = 0, i, j = 0;
	char *o;

	for (i = 0; i < n; i++)
		commas += s[i] == ',';
	o = malloc(n + commas + 1);
	if (!o)
		return NULL;
	for (i = 0; i < n; i++) {
		o[j++] = s[i];
		if (s[i] == ',')
			o[j++] = ',';
	}
	o[j] = '\0';
	return o;
}

static void add_escaped(struct argv_buf *a, const char *fmt_prefix,
			const char *path, const char *suffix)
{
	char *e = opt_escape(path);

	add_owned(a, e ? tb_strdupf("%s%s%s", fmt_prefix, e, suffix) : NULL);
	free(e);
}

const char *qemu_binary(void)
{
	const char *q = getenv("TWINBENCH_QEMU");

	return q && *q ? q : QEMU_DEFAULT;
}

static void add_machine(struct argv_buf *a, const char *qemu, enum accel acc)
{
	add(a, qemu);
	add(a, "-machine");
	add(a, "pc");
	add(a, "-accel");
	add(a, acc == ACCEL_KVM ? "kvm" : "tcg");
	if (acc == ACCEL_KVM) {
		add(a, "-cpu");
		add(a, "host");
	}
	add(a, "-display");
	add(a, "none");
	add(a, "-monitor");
	add(a, "none");
	add(a, "-nic");
	add(a, "none");
	add(a, "-no-reboot");
}

char **qemu_argv(const struct qemu_cfg *c)
{
	struct argv_buf a = { 0 };

	add_machine(&a, c->qemu, c->accel);
	add(&a, "-m");
	add_owned(&a, tb_strdupf("%u", c->memory_mib));
	add(&a, "-smp");
	add_owned(&a, tb_strdupf("%u", c->cpus));
	add(&a, "-chardev");
	if (c->serial_log)
		add_escaped(&a, "stdio,id=console,logfile=", c->serial_log,
			    "");
	else
		add(&a, "stdio,id=console");
	add(&a, "-serial");
	add(&a, "chardev:console");
	add(&a, "-drive");
	add_escaped(&a, "file=", c->image, ",format=raw,if=virtio");
	return finish(&a);
}

char **qemu_probe_argv(const char *qemu, const char *kernel, const char *log)
{
	struct argv_buf a = { 0 };

	add_machine(&a, qemu, ACCEL_KVM);
	add(&a, "-m");
	add(&a, "256");
	add(&a, "-chardev");
	add_escaped(&a, "file,id=console,path=", log, "");
	add(&a, "-serial");
	add(&a, "chardev:console");
	add(&a, "-kernel");
	add(&a, kernel);
	add(&a, "-append");
	add(&a, PROBE_APPEND);
	return finish(&a);
}

void qemu_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* The command line as one string, arguments with blanks quoted. */
char *qemu_argv_str(char *const argv[])
{
	char *s = strdup(""), *n;

	for (size_t i = 0; s && argv[i]; i++) {
		int q = argv[i][strcspn(argv[i], " \t'\"")] != '\0';

		n = tb_strdupf("%s%s%s%s%s", s, i ? " " : "", q ? "'" : "",
			       argv[i], q ? "'" : "");
		free(s);
		s = n;
	}
	return s;
}
