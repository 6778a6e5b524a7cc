/* cmd_collect.c - `twinbench collect IMAGE DESTDIR`.
 *
 * Every runs/<id>/ of the image's BENCHRES partition is dumped into a
 * temporary directory inside DESTDIR and then renamed into place, so a run
 * appears in DESTDIR whole or not at all.  Nothing is ever overwritten: a
 * run already in DESTDIR with identical content is skipped, one that
 * differs is an error and stays as it was.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
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

	n = col_extract(c->image, res, "/runs", NULL, &tmp, &errtext);
	if (n) {
		warnx("%s: BENCHRES: debugfs failed: %s", c->image,
		      errtext ? errtext : strerror(-n));
		free(errtext);
		return LAB_EXIT_FAIL;
	}
	runs = fs_join(tmp, "runs");
	n = runs ? install_all(c, runs) : -ENOMEM;
	if (n < 0) {
		warnx("%s: %s", runs ? runs : c->dest, strerror(-n));
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

static const struct option collect_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_collect(int argc, char **argv)
{
	struct collect_ctx c = { 0 };
	struct img_part res;
	int opt, e;

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
	if (lab_find_part(c.image, "BENCHRES", IMG_FS_EXT4, &res))
		return LAB_EXIT_FAIL;
	c.from.image = c.image;
	c.from.res = &res;
	e = tb_mkdir_p(c.dest, 0755);
	if (e) {
		warnx("%s: %s", c.dest, strerror(-e));
		return LAB_EXIT_FAIL;
	}
	return collect(&c, &res);
}
