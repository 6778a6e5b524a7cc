/* cmd_run.c - `twinbench run [OPTION]... IMAGE`: pick the profile, pick
 * the accelerator, boot the image in QEMU (the machine, disk bus, NIC,
 * firmware and boot method asked for) with the whole serial console in a
 * log and its progress lines on stdout (all of it with --console), a peer
 * VM beside it or a link to a peer agent with --peer (peer.h), then
 * read the run back from BENCHRES (disk.img, or a --results-disk) or,
 * without one, from the serial log, show it and say where the logs are.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "peer.h"
#include "run_console.h"
#include "tb_util.h"

struct run_ctx {
	const struct run_opts *o;
	struct img_part boot, res;
	const char *res_image;		/* holds BENCHRES, or NULL */
	char *work;			/* private temporary directory */
	struct run_log log;		/* the whole serial console */
	struct boot_src src;
	struct run_peer peer;		/* --peer */
	char *params, *append;		/* with the peer's parameters */
	struct col_list before;		/* runs on BENCHRES before the boot */
	enum accel accel;
	int qemu_failed;		/* timed out or exited non-zero */
	int booted;			/* QEMU was started */
};

static void profile_error(const struct run_ctx *c, int e,
			  const struct profile_res *r)
{
	const char *img = c->o->image;

	if (e == -ENOENT && r->available)
		warnx("%s: no profile '%s' on BENCHBOOT; available: %s", img,
		      c->o->profile, r->available);
	else if (e == -ENOENT)
		warnx("%s: BENCHBOOT:%s: no LABEL %s", img, r->failed,
		      r->chosen);
	else if (e == -EINVAL)
		warnx("%s: BENCHBOOT:/syslinux.cfg: no DEFAULT line; choose a "
		      "profile with --profile", img);
	else if (e == -EIO)
		warnx("%s: BENCHBOOT:%s: mcopy failed", img, r->failed);
	else
		warnx("%s: BENCHBOOT:%s: %s", img, r->failed ? r->failed :
		      "/syslinux.cfg", strerror(-e));
}

static int select_profile(struct run_ctx *c)
{
	struct profile_req q = {
		.image = c->o->image, .boot = &c->boot, .workdir = c->work,
		.profile = c->o->profile, .label = c->o->label,
	};
	struct profile_res r;
	int e = profile_select(&q, &r);

	if (e)
		profile_error(c, e, &r);
	else if (r.previous)
		warnx("%s: profile %s (DEFAULT was %s; changed in the image)",
		      c->o->image, r.chosen, r.previous);
	else
		warnx("%s: profile %s", c->o->image, r.chosen);
	profile_res_free(&r);
	return e ? -1 : 0;
}

static int probe(struct run_ctx *c, struct accel_choice *ch)
{
	struct kvm_probe_req q = {
		.qemu = qemu_binary(), .workdir = c->work,
		.timeout_ms = RUN_PROBE_MS,
	};
	struct boot_req bq = { c->o, c->work, &c->boot };
	int e = boot_src_kernel(&bq, &c->src);

	if (e) {
		warnx("%s: cannot copy /vmlinuz out for the KVM probe: %s",
		      c->o->image, strerror(-e));
		return -1;
	}
	q.kernel = c->src.kernel;
	q.cache = kvm_cache_path();
	e = kvm_probe(&q, ch);
	if (e)
		warnx("%s: KVM probe: %s", q.kernel, strerror(-e));
	else if (ch->cache_err)
		warnx("%s: cannot record the KVM probe: %s", q.cache,
		      strerror(-ch->cache_err));
	free((char *)q.cache);
	return e ? -1 : 0;
}

static int choose_accel(struct run_ctx *c)
{
	struct accel_choice ch = { .accel = ACCEL_TCG };
	int usable = c->o->accel == ACCEL_TCG ? 0 : kvm_usable(&ch.why);

	if (c->o->accel == ACCEL_KVM && !usable) {
		warnx("--accel kvm: %s", ch.why ? ch.why : "KVM not usable");
		free(ch.why);
		return -1;
	}
	if (c->o->accel == ACCEL_TCG)
		ch.why = strdup("--accel tcg");
	else if (c->o->accel == ACCEL_KVM)
		ch.why = strdup("--accel kvm, no probe");
	else if (usable && probe(c, &ch))
		return -1;
	if (c->o->accel == ACCEL_KVM)
		ch.accel = ACCEL_KVM;
	c->accel = ch.accel;
	warnx("accel: %s (%s)", c->accel == ACCEL_KVM ? "kvm" : "tcg",
	      ch.why ? ch.why : "KVM not usable");
	free(ch.why);
	return 0;
}

static int list_before(struct run_ctx *c)
{
	char *errtext = NULL;
	int e;

	if (!c->res_image)
		return 0;
	e = col_list_runs(c->res_image, &c->res, &c->before, &errtext);
	if (e)
		warnx("%s: BENCHRES: debugfs: %s", c->res_image,
		      errtext ? errtext : strerror(-e));
	free(errtext);
	return e ? -1 : 0;
}

static void qemu_config(const struct run_ctx *c, struct qemu_cfg *q)
{
	const struct run_opts *o = c->o;
	int media = o->hw.boot == BOOT_CDROM || o->hw.boot == BOOT_PXE;

	memset(q, 0, sizeof(*q));
	q->qemu = qemu_binary();
	q->accel = c->accel;
	q->memory_mib = o->memory_mib;
	q->cpus = o->cpus;
	q->serial_log = c->log.path;
	q->hw = o->hw;
	q->disk = media ? o->results_disk : o->image;
	q->iso = o->hw.boot == BOOT_CDROM ? o->image : NULL;
	q->tftp_dir = o->hw.boot == BOOT_PXE ? o->image : NULL;
	q->pxe_file = c->src.pxe_file;
	q->kernel = c->src.kernel;
	q->initrd = c->src.initrd;
	q->append = c->append ? c->append : c->src.append;
	q->params = c->params ? c->params : c->src.params;
	q->netdev0 = c->peer.netdev0;
	q->user0 = c->peer.user0;
	q->ovmf_code = c->src.ovmf_code;
	q->ovmf_vars = c->src.ovmf_vars;
}

/* QEMU, its stdout through the terminal filter unless --console. */
static int run_qemu(const struct run_ctx *c, char **argv, struct proc_res *r)
{
	struct proc_opt po = { .timeout_ms = (int)c->o->timeout_s * 1000 };
	struct run_term t = { 0 };
	int e = c->o->console ? 0 : run_term_start(&t);

	if (e) {
		warnx("cannot start the console filter: %s", strerror(-e));
		return -1;
	}
	po.out_fd = t.fd;
	fflush(stdout);
	e = proc_run((const char *const *)argv, &po, r);
	run_term_end(&t, !e && r->lost);
	if (e)
		warnx("%s: %s", argv[0], strerror(-e));
	return e ? -1 : 0;
}

static void qemu_outcome(const struct run_ctx *c, const char *qemu,
			 const struct proc_res *r)
{
	if (r->timed_out)
		warnx("%s: timed out after %u s; QEMU %s", c->o->image,
		      c->o->timeout_s, r->lost ? "could not be killed" :
		      "was stopped");
	else if (r->status)
		warnx("%s: QEMU exited with status %d after %.1f s", qemu,
		      r->status, r->seconds);
	else
		warnx("QEMU finished after %.1f s", r->seconds);
}

static int boot(struct run_ctx *c)
{
	struct qemu_cfg q;
	char **argv, *line;
	struct proc_res r;
	int e;

	qemu_config(c, &q);
	argv = qemu_argv(&q);
	line = argv ? qemu_argv_str(argv) : NULL;
	if (!line) {
		qemu_argv_free(argv);
		warnx("out of memory");
		return -1;
	}
	e = run_peer_start(&c->peer, c->o, c->accel);
	if (e) {
		free(line);
		qemu_argv_free(argv);
		return -1;
	}
	warnx("booting: %s", line);
	c->booted = 1;
	e = run_qemu(c, argv, &r);
	if (!e)
		qemu_outcome(c, q.qemu, &r);
	run_peer_stop(&c->peer);
	c->qemu_failed = e || r.timed_out || r.status;
	free(line);
	qemu_argv_free(argv);
	return e ? -1 : 0;
}

/* Where BENCHRES is, per boot method; the image checked for its kind. */
static int find_parts(struct run_ctx *c)
{
	const struct run_opts *o = c->o;
	struct stat st;

	if (o->hw.boot == BOOT_DISK || o->hw.boot == BOOT_KERNEL) {
		c->res_image = o->image;
		return lab_find_part(o->image, "BENCHBOOT", IMG_FS_FAT,
				     &c->boot) ||
		       lab_find_part(o->image, "BENCHRES", IMG_FS_EXT4,
				     &c->res) ? -1 : 0;
	}
	if (stat(o->image, &st)) {
		warn("%s", o->image);
		return -1;
	}
	if (o->hw.boot == BOOT_PXE && !S_ISDIR(st.st_mode)) {
		warnx("%s: --boot pxe: IMAGE must be a pxe/ directory (the "
		      "TFTP root)", o->image);
		return -1;
	}
	if (o->hw.boot == BOOT_CDROM && !S_ISREG(st.st_mode)) {
		warnx("%s: --boot cdrom: IMAGE must be a twinbench.iso",
		      o->image);
		return -1;
	}
	c->res_image = o->results_disk;
	return o->results_disk && lab_find_part(o->results_disk, "BENCHRES",
						IMG_FS_EXT4, &c->res) ? -1 : 0;
}

/* The peer's parameters for the client: on the kernel command line of a
 * kernel boot, else in fw_cfg (disk, cdrom, pxe), so that a disk.img's
 * boot menu never keeps the address and token of one run. */
static int peer_params(struct run_ctx *c)
{
	const char *pp = c->peer.client_params;

	if (!pp)
		return 0;
	if (c->o->hw.boot == BOOT_KERNEL)
		c->append = peer_join(c->src.append, pp);
	else
		c->params = peer_join(c->src.params, pp);
	if (c->append || c->params)
		return 0;
	warnx("out of memory");
	return -1;
}

static int prepare(struct run_ctx *c)
{
	struct boot_req q = { c->o, c->work, &c->boot };
	int e;

	if (c->o->hw.boot == BOOT_DISK && select_profile(c))
		return -1;
	e = run_log_open(c->o, &c->log);
	if (e) {
		warnx("%s: %s", c->log.path ? c->log.path : c->o->out ?
		      c->o->out : "serial log", strerror(-e));
		return -1;
	}
	e = boot_src_prepare(&q, &c->src);
	if (e) {
		warnx("%s: %s: %s", c->o->image, c->src.failed ?
		      c->src.failed : "setup", strerror(-e));
		return -1;
	}
	return run_peer_prepare(&c->peer, c->o, c->work, c->log.path) ||
	       peer_params(c) ? -1 : 0;
}

static int read_back(struct run_ctx *c)
{
	struct rb_req q = {
		.image = c->res_image, .res = &c->res, .before = &c->before,
		.out = c->o->out, .work = c->work,
	};

	if (!c->res_image)
		return readback_console(c->log.path, c->o->out, c->work);
	return readback_res(&q);
}

/* Where the console went; the serial log named after its run in --out
 * DIR.  A log of no boot at all is not kept (unless it is --serial-log). */
static void tell_logs(struct run_ctx *c)
{
	char *con;
	int e;

	if (!c->booted) {
		if (c->log.path && !c->o->serial_log)
			unlink(c->log.path);
		return;
	}
	e = run_log_keep(&c->log);
	if (e)
		warnx("%s/%s.serial.log: %s; the log stays in %s", c->log.dir,
		      c->log.id, strerror(-e), c->log.path);
	/* a log name already taken: DIR/<run-id> is an older run too */
	con = !e && c->o->out && c->log.id ?
	      tb_strdupf("%s/%s/console.log", c->o->out, c->log.id) : NULL;
	if (con && fs_exists(con))
		warnx("the appliance's console: %s", con);
	run_peer_logs(&c->peer, c->log.dir, c->log.id);
	warnx("the whole serial console: %s", c->log.path);
	free(con);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct run_ctx c = { .o = &o, .peer = { .stop_fd = -1 } };
	int r = run_parse(argc, argv, &o), rc = LAB_EXIT_FAIL;

	if (r)
		return r < 0 ? LAB_EXIT_OK : r;
	if (find_parts(&c))
		return LAB_EXIT_FAIL;
	c.work = fs_mkdtemp(NULL, "twinbench");
	if (!c.work) {
		warn("cannot make a temporary directory");
		return LAB_EXIT_FAIL;
	}
	if (!prepare(&c) && !choose_accel(&c) && !list_before(&c) &&
	    !boot(&c) && !read_back(&c) && !c.qemu_failed)
		rc = LAB_EXIT_OK;
	tell_logs(&c);
	col_list_free(&c.before);
	boot_src_free(&c.src);
	run_peer_free(&c.peer);
	free(c.params);
	free(c.append);
	run_log_free(&c.log);
	if (fs_remove_tree(c.work))
		warn("%s: cannot remove", c.work);
	free(c.work);
	return rc;
}
