/* cmd_console.c - `twinbench console LOG DESTDIR`: a run rebuilt from a
 * captured serial console (an ISO or PXE boot without a results disk, a
 * hypervisor's serial port written to a file, IPMI serial-over-LAN, ...),
 * put into DESTDIR/<run-id>/ and shown.  An existing DESTDIR/<run-id> is
 * never overwritten.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

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
