/* cmd_collect.c - `twinbench collect IMAGE DESTDIR`.
 *
 * Every runs/<id>/ of the image's BENCHRES partition is dumped into a
 * temporary directory and then renamed into DESTDIR, so a run appears
 * there whole or not at all.  Nothing is ever overwritten: a run already
 * in DESTDIR with identical content is skipped, one that differs is an
 * error and stays as it was.  DESTDIR is made only once the runs are out
 * of the image: a collect that cannot read the image leaves it alone.
 *
 * IMAGE may be in any format qemu-img reads (diskfmt.c): a raw one is read
 * as it is; a qcow2, vmdk, vdi or vhdx through a raw copy in a private
 * directory under $TMPDIR, removed at the end whatever happened.  While
 * the copy exists SIGINT and SIGQUIT are ignored: a ^C stops the qemu-img
 * or debugfs in flight (children get the default action back, proc.c),
 * which fails the collect, and the copy is removed.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

struct collect_ctx {
	const char *image, *dest;
	struct col_src from;
	int failed;
};

static int run_dir_filter(const struct dirent *d)
{
	return d->d_name[0] != '.' &&
	       (d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
}

static void report(struct collect_ctx *c, const char *id, const char *dst,
		   int r, const char *errtext)
{
	switch (r) {
	case COL_NEW:
		printf("collected %s -> %s%s\n", id, dst,
		       col_is_done(dst) ? "" : " (incomplete: no DONE)");
		break;
	case COL_SAME:
		printf("skipped %s: already collected in %s\n", id, dst);
		break;
	case COL_DIFFERS:
		warnx("%s: exists and differs from run %s on %s; left alone",
		      dst, id, c->image);
		c->failed = 1;
		break;
	default:
		warnx("%s: cannot collect run %s: %s", dst, id,
		      errtext ? errtext : strerror(-r));
		c->failed = 1;
	}
}

static int install_one(struct collect_ctx *c, const char *runs,
		       const char *id)
{
	char *src = fs_join(runs, id), *dst = fs_join(c->dest, id);
	char *errtext = NULL;
	int r = -ENOMEM;

	if (src && dst) {
		r = col_install(&c->from, src, id, dst, &errtext);
		report(c, id, dst, r, errtext);
	}
	free(errtext);
	free(src);
	free(dst);
	return r == -ENOMEM ? r : 0;
}

/* Install every run found in runs/; the count, or -errno. */
static int install_all(struct collect_ctx *c, const char *runs)
{
	struct dirent **l = NULL;
	int n = scandir(runs, &l, run_dir_filter, alphasort), i, e = 0;

	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		if (!e)
			e = install_one(c, runs, l[i]->d_name);
		free(l[i]);
	}
	free(l);
	return e ? e : n;
}

static int collect(struct collect_ctx *c, const struct img_part *res)
{
	char *tmp = NULL, *errtext = NULL, *runs;
	int n;

	n = col_extract(c->from.image, res, "/runs", NULL, &tmp, &errtext);
	if (n) {
		warnx("%s: BENCHRES: debugfs failed: %s", c->image,
		      errtext ? errtext : strerror(-n));
		free(errtext);
		return LAB_EXIT_FAIL;
	}
	runs = fs_join(tmp, "runs");
	n = runs ? tb_mkdir_p(c->dest, 0755) : -ENOMEM;
	if (n) {
		warnx("%s: %s", c->dest, strerror(-n));
		c->failed = 1;
	} else if ((n = install_all(c, runs)) < 0) {
		warnx("%s: %s", runs, strerror(-n));
		c->failed = 1;
	} else if (n == 0) {
		printf("no runs on %s\n", c->image);
	}
	if (fs_remove_tree(tmp))
		warn("%s: cannot remove", tmp);
	free(runs);
	free(tmp);
	return c->failed ? LAB_EXIT_FAIL : LAB_EXIT_OK;
}

/* BENCHRES on d->raw; 0 or -1 (reported, naming the user's image). */
static int find_res(const char *image, const struct dfmt_img *d,
		    struct img_part *res)
{
	int e = img_find(d->raw, "BENCHRES", IMG_FS_EXT4, res);

	if (!e)
		return 0;
	if (e == -EINVAL || e == -ERANGE || e == -ENXIO || d->copy)
		warnx("%s: BENCHRES: %s", image, img_strerror(e));
	else
		warnx("%s: %s", image, strerror(-e));
	if (!d->format)
		warnx("%s was read as a raw image: qemu-img (package "
		      "qemu-utils) is not installed", image);
	else if (e == -EINVAL && !d->copy)
		warnx("%s: qemu-img info: raw (no header of qcow2, vmdk, vdi, "
		      "vhdx or another format it reads)", image);
	return -1;
}

/* BENCHRES of the raw image d->raw, then its runs. */
static int collect_image(struct collect_ctx *c, const struct dfmt_img *d)
{
	struct img_part res;

	if (find_res(c->image, d, &res))
		return LAB_EXIT_FAIL;
	c->from.image = d->raw;
	c->from.res = &res;
	return collect(c, &res);
}

static void fmt_failed(const char *image, const struct dfmt_img *d, int e)
{
	if (d->failed)
		warnx("%s: %s: %s", image, d->failed,
		      d->said ? d->said : strerror(-e));
	else
		warnx("%s: %s", image, strerror(-e));
}

/* A non-raw image: through a raw copy, removed whatever happens. */
static int collect_copy(struct collect_ctx *c, struct dfmt_img *d)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	int r = LAB_EXIT_FAIL, e;

	warnx("%s: %s image, read through a temporary raw copy", c->image,
	      d->format);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	e = dfmt_convert(c->image, d);
	if (e)
		fmt_failed(c->image, d, e);
	else
		r = collect_image(c, d);
	e = dfmt_remove(d);
	if (e) {
		warnx("%s: cannot remove: %s", d->dir, strerror(-e));
		r = LAB_EXIT_FAIL;
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	return r;
}

static const struct option collect_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_collect(int argc, char **argv)
{
	struct collect_ctx c = { 0 };
	struct dfmt_img d;
	int opt, r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", collect_opts,
				  NULL)) != -1) {
		if (opt != 'h')
			return lab_bad_option("collect", opt, argv);
		lab_usage(stdout);
		return LAB_EXIT_OK;
	}
	if (argc - optind != 2)
		return lab_usage_error("collect", "needs IMAGE and DESTDIR");
	c.image = argv[optind];
	c.dest = argv[optind + 1];
	r = dfmt_detect(c.image, &d);
	if (r) {
		fmt_failed(c.image, &d, r);
		r = LAB_EXIT_FAIL;
	} else if (d.format && strcmp(d.format, "raw")) {
		r = collect_copy(&c, &d);
	} else {
		r = collect_image(&c, &d);
	}
	dfmt_free(&d);
	return r;
}
