/* qemu.c - the QEMU command lines of `twinbench run` and of the KVM probe.
 *
 * Both use the same CPU (a probe must try what the run will use): `-cpu
 * host` under KVM (the guest sees the host's CPU, as bare metal does) and
 * QEMU's default CPU under TCG; the probe runs on `-machine pc`, the run on
 * the machine asked for (its devices: qemu_dev.c).  Paths inside QEMU
 * option strings have their commas doubled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

#define QEMU_DEFAULT	"qemu-system-x86_64"
#define PROBE_APPEND	"console=ttyS0 panic=-1 rdinit=/nonexistent"

void argv_add_owned(struct argv_buf *a, char *s)
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

void argv_add(struct argv_buf *a, const char *s)
{
	argv_add_owned(a, strdup(s));
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
char *qemu_opt_escape(const char *s)
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

void argv_add_escaped(struct argv_buf *a, const char *prefix,
		      const char *path, const char *suffix)
{
	char *e = qemu_opt_escape(path);

	argv_add_owned(a, e ? tb_strdupf("%s%s%s", prefix, e, suffix) : NULL);
	free(e);
}

const char *qemu_binary(void)
{
	const char *q = getenv("TWINBENCH_QEMU");

	return q && *q ? q : QEMU_DEFAULT;
}

static void add_machine(struct argv_buf *a, const char *qemu, enum accel acc,
			enum vm_machine m, int nic)
{
	argv_add(a, qemu);
	argv_add(a, "-machine");
	argv_add(a, vhw_name(VHW_MACHINE, (int)m));
	argv_add(a, "-accel");
	argv_add(a, acc == ACCEL_KVM ? "kvm" : "tcg");
	if (acc == ACCEL_KVM) {
		argv_add(a, "-cpu");
		argv_add(a, "host");
	}
	argv_add(a, "-display");
	argv_add(a, "none");
	argv_add(a, "-monitor");
	argv_add(a, "none");
	if (!nic) {
		argv_add(a, "-nic");
		argv_add(a, "none");
	}
	argv_add(a, "-no-reboot");
}

char **qemu_argv(const struct qemu_cfg *c)
{
	struct argv_buf a = { 0 };

	add_machine(&a, c->qemu, c->accel, c->hw.machine,
		    c->hw.nnics > 0);
	argv_add(&a, "-m");
	argv_add_owned(&a, tb_strdupf("%u", c->memory_mib));
	argv_add(&a, "-smp");
	argv_add_owned(&a, tb_strdupf("%u", c->cpus));
	argv_add(&a, "-chardev");
	if (c->serial_log)
		argv_add_escaped(&a, "stdio,id=console,logfile=",
				 c->serial_log, "");
	else
		argv_add(&a, "stdio,id=console");
	argv_add(&a, "-serial");
	argv_add(&a, "chardev:console");
	qemu_devices(&a, c);
	return finish(&a);
}

char **qemu_probe_argv(const char *qemu, const char *kernel, const char *log)
{
	struct argv_buf a = { 0 };

	add_machine(&a, qemu, ACCEL_KVM, VM_PC, 0);
	argv_add(&a, "-m");
	argv_add(&a, "256");
	argv_add(&a, "-chardev");
	argv_add_escaped(&a, "file,id=console,path=", log, "");
	argv_add(&a, "-serial");
	argv_add(&a, "chardev:console");
	argv_add(&a, "-kernel");
	argv_add(&a, kernel);
	argv_add(&a, "-append");
	argv_add(&a, PROBE_APPEND);
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
