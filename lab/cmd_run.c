/* cmd_run.c - `twinbench run [OPTION]... IMAGE`: pick the profile, pick
 * the accelerator, boot the image in QEMU with the serial console on
 * stdout, then read the run it wrote back from BENCHRES and show it.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

struct run_ctx {
	const struct run_opts *o;
	struct img_part boot, res;
	char *work;			/* private temporary directory */
	struct col_list before;		/* runs on BENCHRES before the boot */
	enum accel accel;
	int qemu_failed;		/* timed out or exited non-zero */
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
	char *kernel = fs_join(c->work, "vmlinuz");
	int e = kernel ? 0 : -ENOMEM;

	if (!e)
		e = fat_get(c->o->image, &c->boot, "/vmlinuz", kernel, 0);
	if (e) {
		warnx("%s: BENCHBOOT: cannot copy /vmlinuz out for the KVM "
		      "probe", c->o->image);
		free(kernel);
		return -1;
	}
	q.kernel = kernel;
	q.cache = kvm_cache_path();
	e = kvm_probe(&q, ch);
	if (e)
		warnx("%s: KVM probe: %s", kernel, strerror(-e));
	else if (ch->cache_err)
		warnx("%s: cannot record the KVM probe: %s", q.cache,
		      strerror(-ch->cache_err));
	free((char *)q.cache);
	free(kernel);
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
	int e = col_list_runs(c->o->image, &c->res, &c->before, &errtext);

	if (e)
		warnx("%s: BENCHRES: debugfs: %s", c->o->image,
		      errtext ? errtext : strerror(-e));
	free(errtext);
	return e ? -1 : 0;
}

static int boot(struct run_ctx *c)
{
	struct qemu_cfg q = {
		.qemu = qemu_binary(), .image = c->o->image,
		.accel = c->accel, .memory_mib = c->o->memory_mib,
		.cpus = c->o->cpus, .serial_log = c->o->serial_log,
	};
	struct proc_opt po = { .timeout_ms = (int)c->o->timeout_s * 1000 };
	char **argv = qemu_argv(&q), *line = argv ? qemu_argv_str(argv) : 0;
	struct proc_res r;
	int e;

	if (!line) {
		qemu_argv_free(argv);
		warnx("out of memory");
		return -1;
	}
	warnx("booting: %s", line);
	fflush(stdout);
	e = proc_run((const char *const *)argv, &po, &r);
	if (e)
		warnx("%s: %s", q.qemu, strerror(-e));
	else if (r.timed_out)
		warnx("%s: timed out after %u s; QEMU %s", c->o->image,
		      c->o->timeout_s, r.lost ? "could not be killed" :
		      "was stopped");
	else if (r.status)
		warnx("%s: QEMU exited with status %d after %.1f s", q.qemu,
		      r.status, r.seconds);
	else
		warnx("QEMU finished after %.1f s", r.seconds);
	c->qemu_failed = e || r.timed_out || r.status;
	free(line);
	qemu_argv_free(argv);
	return e ? -1 : 0;
}

static int was_there(const struct col_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->ids[i], id))
			return 1;
	return 0;
}

/* The newest run that was not on BENCHRES before the boot (malloc'ed). */
static char *new_run(struct run_ctx *c)
{
	struct col_list after;
	char *errtext = NULL, *id = NULL;
	int e = col_list_runs(c->o->image, &c->res, &after, &errtext);

	if (e) {
		warnx("%s: BENCHRES: debugfs: %s", c->o->image,
		      errtext ? errtext : strerror(-e));
		free(errtext);
		return NULL;
	}
	for (size_t i = after.n; !id && i-- > 0;)
		if (!was_there(&c->before, after.ids[i]))
			id = strdup(after.ids[i]);
	if (!id)
		warnx("%s: no new run on BENCHRES (the appliance did not get "
		      "to write one; see the console above)", c->o->image);
	col_list_free(&after);
	return id;
}

/* Keep the copy in --out DIR/<id>; the run directory to show. */
static char *keep(struct run_ctx *c, const char *copy, const char *id)
{
	struct col_src from = { c->o->image, &c->res };
	char *dest = NULL, *errtext = NULL;
	int r = tb_mkdir_p(c->o->out, 0755);

	if (!r) {
		dest = fs_join(c->o->out, id);
		r = dest ? col_install(&from, copy, id, dest, &errtext) :
			   -ENOMEM;
	}
	if (r == COL_NEW || r == COL_SAME)
		return dest;
	if (r == COL_DIFFERS)
		warnx("%s: exists and differs from run %s; left alone, "
		      "showing the run from the image", dest, id);
	else
		warnx("%s: %s", dest ? dest : c->o->out,
		      errtext ? errtext : strerror(-r));
	free(errtext);
	free(dest);
	return strdup(copy);
}

/* Copy the new run out, show it; 0 if it is complete and ok. */
static int read_back(struct run_ctx *c)
{
	char *id = new_run(c), *what, *dir = NULL, *errtext = NULL;
	char *copy = NULL, *shown = NULL;
	int e = -1, ok = 0;

	what = id ? tb_strdupf("/runs/%s", id) : NULL;
	if (what)
		e = col_extract(c->o->image, &c->res, what, c->work, &dir,
				&errtext);
	if (what && e)
		warnx("%s: BENCHRES: debugfs: %s", c->o->image,
		      errtext ? errtext : strerror(-e));
	if (!e && (copy = fs_join(dir, id)) != NULL)
		shown = c->o->out ? keep(c, copy, id) : strdup(copy);
	if (shown) {
		const char *dirs[] = { shown };

		e = show_runs(dirs, 1, TABLE_PLAIN, &ok);
		warnx("run %s: %s%s", id, ok ? "complete, status ok" :
		      !col_is_done(shown) ? "INCOMPLETE (no DONE)" :
		      "complete, but NOT ok", c->o->out ? "" : " (not kept: "
		      "use --out DIR or twinbench collect)");
	}
	free(shown);
	free(copy);
	free(dir);
	free(errtext);
	free(what);
	free(id);
	return !e && ok ? 0 : -1;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct run_ctx c = { .o = &o };
	int r = run_parse(argc, argv, &o), rc = LAB_EXIT_FAIL;

	if (r)
		return r < 0 ? LAB_EXIT_OK : r;
	if (lab_find_part(o.image, "BENCHBOOT", IMG_FS_FAT, &c.boot) ||
	    lab_find_part(o.image, "BENCHRES", IMG_FS_EXT4, &c.res))
		return LAB_EXIT_FAIL;
	c.work = fs_mkdtemp(NULL, "twinbench");
	if (!c.work) {
		warn("cannot make a temporary directory");
		return LAB_EXIT_FAIL;
	}
	if (!select_profile(&c) && !choose_accel(&c) && !list_before(&c) &&
	    !boot(&c) && !read_back(&c) && !c.qemu_failed)
		rc = LAB_EXIT_OK;
	col_list_free(&c.before);
	if (fs_remove_tree(c.work))
		warn("%s: cannot remove", c.work);
	free(c.work);
	return rc;
}
