/* readback.c - after a boot: the new run, read back and shown; and
 * `twinbench console LOG DESTDIR`.
 *
 * From a BENCHRES partition (disk.img, or the --results-disk of an ISO or
 * PXE boot): the newest run that was not there before the boot, copied out
 * with debugfs.  Without a BENCHRES disk: rebuilt from the serial console's
 * TWINBENCH lines (console.c).  Either way it is shown as `twinbench show`
 * shows it, and kept in --out DIR/<run-id> if asked (never overwriting).
 * `twinbench console` does the same for a serial log captured elsewhere (a
 * hypervisor's serial port written to a file, IPMI serial-over-LAN, ...).
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

static int was_there(const struct col_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->ids[i], id))
			return 1;
	return 0;
}

/* The newest run that was not on BENCHRES before the boot (malloc'ed). */
static char *new_run(const struct rb_req *q)
{
	struct col_list after;
	char *errtext = NULL, *id = NULL;
	int e = col_list_runs(q->image, q->res, &after, &errtext);

	if (e) {
		warnx("%s: BENCHRES: debugfs: %s", q->image,
		      errtext ? errtext : strerror(-e));
		free(errtext);
		return NULL;
	}
	for (size_t i = after.n; !id && i-- > 0;)
		if (!was_there(q->before, after.ids[i]))
			id = strdup(after.ids[i]);
	if (!id)
		warnx("%s: no new run on BENCHRES (the appliance did not get "
		      "to write one; see the console above)", q->image);
	col_list_free(&after);
	return id;
}

/* Keep the copy in --out DIR/<id>; the run directory to show. */
static char *keep(const struct rb_req *q, const char *copy, const char *id)
{
	struct col_src from = { q->image, q->res };
	char *dest = NULL, *errtext = NULL;
	int r = tb_mkdir_p(q->out, 0755);

	if (!r) {
		dest = fs_join(q->out, id);
		r = dest ? col_install(&from, copy, id, dest, &errtext) :
			   -ENOMEM;
	}
	if (r == COL_NEW || r == COL_SAME)
		return dest;
	if (r == COL_DIFFERS)
		warnx("%s: exists and differs from run %s; left alone, "
		      "showing the run from the image", dest, id);
	else
		warnx("%s: %s", dest ? dest : q->out,
		      errtext ? errtext : strerror(-r));
	free(errtext);
	free(dest);
	return strdup(copy);
}

/* Show the run in dir; 0 if it is complete and ok. */
static int show(const char *dir, const char *id, const char *kept)
{
	const char *dirs[] = { dir };
	int ok = 0, e = show_runs(dirs, 1, TABLE_PLAIN, &ok);

	warnx("run %s: %s%s", id, ok ? "complete, status ok" :
	      !col_is_done(dir) ? "INCOMPLETE (no DONE)" :
	      "complete, but NOT ok", kept ? "" : " (not kept: use --out DIR "
	      "or twinbench collect)");
	return !e && ok ? 0 : -1;
}

int readback_res(const struct rb_req *q)
{
	char *id = new_run(q), *what, *dir = NULL, *errtext = NULL;
	char *copy = NULL, *shown = NULL;
	int e = -1;

	what = id ? tb_strdupf("/runs/%s", id) : NULL;
	if (what)
		e = col_extract(q->image, q->res, what, q->work, &dir,
				&errtext);
	if (what && e)
		warnx("%s: BENCHRES: debugfs: %s", q->image,
		      errtext ? errtext : strerror(-e));
	if (!e && (copy = fs_join(dir, id)) != NULL)
		shown = q->out ? keep(q, copy, id) : strdup(copy);
	e = shown ? show(shown, id, q->out) : -1;
	free(shown);
	free(copy);
	free(dir);
	free(errtext);
	free(what);
	free(id);
	return e;
}

int readback_console(const char *log, const char *out, const char *work)
{
	const char *dest = out ? out : work;
	char *id = NULL, *dir;
	int e = out ? tb_mkdir_p(out, 0755) : 0;

	warnx("no BENCHRES disk: reading the results from the serial "
	      "console (TWINBENCH lines)");
	if (!e)
		e = console_run(log, dest, &id);
	if (e == -EEXIST) {
		warnx("%s/%s: exists; left alone, showing the run from this "
		      "console (not kept)", dest, id);
		free(id);
		dest = work;
		out = NULL;
		e = console_run(log, dest, &id);
	}
	if (e == -ENOENT)
		warnx("%s: no TWINBENCH line: the appliance reported nothing",
		      log);
	else if (e)
		warnx("%s: %s", dest, strerror(-e));
	dir = e ? NULL : fs_join(dest, id);
	e = dir ? show(dir, id, out) : -1;
	free(dir);
	free(id);
	return e;
}

int cmd_console(int argc, char **argv)
{
	char *id = NULL, *dir = NULL;
	int e, ok = 0;

	if (argc == 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		lab_usage(stdout);
		return LAB_EXIT_OK;
	}
	if (argc != 3)
		return lab_usage_error("console", "needs LOG and DESTDIR");
	e = tb_mkdir_p(argv[2], 0755);
	if (!e)
		e = console_run(argv[1], argv[2], &id);
	if (e == -ENOENT)
		warnx("%s: no TWINBENCH line: no twinbench run in this log",
		      argv[1]);
	else if (e == -EEXIST)
		warnx("%s/%s: exists; left alone", argv[2], id);
	else if (e)
		warnx("%s: %s", argv[2], strerror(-e));
	if (!e && (dir = fs_join(argv[2], id)) != NULL) {
		const char *dirs[] = { dir };

		e = show_runs(dirs, 1, TABLE_PLAIN, &ok);
		printf("%s: from the console log%s\n", id, col_is_done(dir) ?
		       "" : "; incomplete (no TWINBENCH-DONE)");
	}
	free(dir);
	free(id);
	return !e && ok ? LAB_EXIT_OK : LAB_EXIT_FAIL;
}
