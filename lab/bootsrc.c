/* bootsrc.c - what each boot method of `twinbench run` takes from IMAGE.
 *
 *   disk     IMAGE is a disk.img; the firmware boots it.  The profile is
 *            chosen in its boot menu (profile.c).
 *   kernel   IMAGE is a disk.img; vmlinuz and initrd.img are copied out of
 *            its BENCHBOOT partition and the APPEND line of the profile's
 *            menu entry becomes the command line (plus bench.label=), as
 *            syslinux would have passed it.  The disk stays attached, so
 *            the results land on its BENCHRES.
 *   cdrom    IMAGE is a twinbench.iso, attached read-only.
 *   pxe      IMAGE is a pxe/ directory, QEMU's TFTP root; the DHCP boot
 *            file is --pxe-file, else pxelinux.0 (BIOS) or syslinux.efi
 *            (UEFI).
 * The ISO and the PXE tree are never changed: --profile and --label reach
 * the appliance through QEMU's fw_cfg (opt/org.twinbench/cmdline), which
 * it reads after the kernel's command line.  UEFI gets OVMF with a private
 * copy of its variable store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "tb_util.h"

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out, e = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		e = -errno;
		close(in);
		return e;
	}
	while (!e && (n = read(in, buf, sizeof(buf))) != 0)
		e = n < 0 ? (errno == EINTR ? 0 : -errno) :
		    tb_write_all(out, buf, (size_t)n);
	if (close(out) && !e)
		e = -errno;
	close(in);
	return e;
}

/* A file of the disk image's BENCHBOOT partition into the work dir. */
static int from_boot(const struct boot_req *q, const char *fatpath,
		     char **local)
{
	*local = tb_strdupf("%s%s", q->workdir, fatpath);
	if (!*local)
		return -ENOMEM;
	return fat_get(q->o->image, q->boot, fatpath, *local, 0);
}

/* The APPEND of the profile's entry (or of DEFAULT) in /syslinux.cfg. */
static int kernel_append(const struct boot_req *q, struct boot_src *s)
{
	struct bootcfg c;
	char *cfg = NULL, *text = NULL, *app = NULL;
	int e = from_boot(q, "/syslinux.cfg", &cfg);

	if (!e)
		e = tb_read_file(cfg, &text, NULL);
	if (!e)
		e = bootcfg_parse(text, &c);
	if (!e) {
		const char *l = q->o->profile ? q->o->profile : c.deflt;

		app = l ? bootcfg_append(c.text, l) : NULL;
		e = app ? 0 : -ENOENT;
		if (e)
			s->failed = "/syslinux.cfg: no entry (LABEL) for the "
				    "profile";
		bootcfg_free(&c);
	}
	if (!e && q->o->label)
		s->append = tb_strdupf("%s bench.label=%s", app, q->o->label);
	else if (!e)
		s->append = strdup(app);
	if (!e && !s->append)
		e = -ENOMEM;
	free(app);
	free(text);
	free(cfg);
	return e;
}

static int prepare_kernel(const struct boot_req *q, struct boot_src *s)
{
	int e;

	s->failed = "/vmlinuz";
	e = from_boot(q, "/vmlinuz", &s->kernel);
	if (!e) {
		s->failed = "/initrd.img";
		e = from_boot(q, "/initrd.img", &s->initrd);
	}
	if (!e) {
		s->failed = "/syslinux.cfg";
		e = kernel_append(q, s);
	}
	return e;
}

/* bench.profile= and bench.label= for fw_cfg, or NULL if neither. */
static int media_params(const struct run_opts *o, struct boot_src *s)
{
	if (!o->profile && !o->label)
		return 0;
	s->params = tb_strdupf("%s%s%s%s", o->profile ? "bench.profile=" : "",
			       o->profile ? o->profile : "",
			       o->label ? (o->profile ? " bench.label=" :
					   "bench.label=") : "",
			       o->label ? o->label : "");
	return s->params ? 0 : -ENOMEM;
}

static int prepare_pxe(const struct boot_req *q, struct boot_src *s)
{
	const struct run_opts *o = q->o;
	char *boot;
	int e;

	s->pxe_file = o->pxe_file ? o->pxe_file : o->hw.fw == FW_UEFI ?
		      "syslinux.efi" : "pxelinux.0";
	s->failed = s->pxe_file;
	boot = fs_join(o->image, s->pxe_file);
	e = !boot ? -ENOMEM : fs_exists(boot) ? 0 : -ENOENT;
	free(boot);
	if (!e) {
		s->failed = "vmlinuz";
		s->kernel = fs_join(o->image, "vmlinuz");
		e = !s->kernel ? -ENOMEM : fs_exists(s->kernel) ? 0 : -ENOENT;
	}
	return e;
}

static int prepare_uefi(const struct boot_req *q, struct boot_src *s)
{
	const char *vars;
	int e = vhw_ovmf(&s->ovmf_code, &vars);

	s->failed = "OVMF (Debian package ovmf)";
	if (e || !vars)
		return e;
	s->failed = vars;
	s->ovmf_vars = fs_join(q->workdir, "OVMF_VARS.fd");
	return s->ovmf_vars ? copy_file(vars, s->ovmf_vars) : -ENOMEM;
}

int boot_src_prepare(const struct boot_req *q, struct boot_src *s)
{
	int e = 0;

	memset(s, 0, sizeof(*s));
	if (q->o->hw.boot == BOOT_KERNEL)
		e = prepare_kernel(q, s);
	else if (q->o->hw.boot == BOOT_PXE)
		e = prepare_pxe(q, s);
	if (!e && (q->o->hw.boot == BOOT_PXE || q->o->hw.boot == BOOT_CDROM))
		e = media_params(q->o, s);
	if (!e && q->o->hw.fw == FW_UEFI)
		e = prepare_uefi(q, s);
	if (!e)
		s->failed = NULL;
	return e;
}

/* The kernel for the KVM probe, copied out of the image if need be. */
int boot_src_kernel(const struct boot_req *q, struct boot_src *s)
{
	const char *argv[] = { "xorriso", "-osirrox", "on", "-indev",
			       q->o->image, "-extract", "/vmlinuz", NULL,
			       NULL };
	struct proc_opt po = { .null_stdin = 1 };
	struct proc_res r;
	int e, null;

	if (s->kernel)
		return 0;
	if (q->o->hw.boot != BOOT_CDROM)
		return from_boot(q, "/vmlinuz", &s->kernel);
	s->kernel = fs_join(q->workdir, "vmlinuz");
	if (!s->kernel)
		return -ENOMEM;
	argv[7] = s->kernel;
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	po.out_fd = po.err_fd = null;
	e = null < 0 ? -errno : proc_run(argv, &po, &r);
	if (null >= 0)
		close(null);
	return e ? e : r.status || !fs_exists(s->kernel) ? -EIO : 0;
}

void boot_src_free(struct boot_src *s)
{
	free(s->kernel);
	free(s->initrd);
	free(s->append);
	free(s->params);
	free(s->ovmf_vars);
	memset(s, 0, sizeof(*s));
}
