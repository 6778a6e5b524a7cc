/* modules.c - PID 1: load the flavour's kernel modules.
 *
 * /etc/twinbench/modules.order lists absolute paths of .ko files in the
 * initramfs, dependencies first (resolved from modules.dep at build time).
 * Each is loaded with finit_module(2); "already loaded" is success, other
 * failures (e.g. a Hyper-V driver on KVM: ENODEV) are counted and named in
 * one console line, and loading goes on.  Each .ko file is deleted once it
 * has been tried: the initramfs lives in RAM, and the workloads need those
 * megabytes in a 101 MiB VM (the 2008 study's 32-VM configuration).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "boot.h"
#include "tb_util.h"

#define MODULES_ORDER "/etc/twinbench/modules.order"
#define MODULE_INIT_COMPRESSED_FILE 4
#define FAILED_LIST 240

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

static int load_one(const char *path)
{
	int flags = 0, fd, rc = 0;

	if (ends_with(path, ".xz") || ends_with(path, ".zst") ||
	    ends_with(path, ".gz"))
		flags = MODULE_INIT_COMPRESSED_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", flags) < 0 && errno != EEXIST)
		rc = -errno;
	close(fd);
	unlink(path);	/* frees its RAM; the kernel has its own copy */
	return rc;
}

static void note_failure(char *list, const char *path, int rc)
{
	const char *base = strrchr(path, '/');
	size_t used = strlen(list);

	base = base ? base + 1 : path;
	if (used + 4 >= FAILED_LIST)
		return;
	snprintf(list + used, FAILED_LIST - used, "%s%s (%s)",
		 used ? ", " : "", base, strerror(-rc));
	if (strlen(list) + 4 >= FAILED_LIST)
		snprintf(list + FAILED_LIST - 5, 5, "...");
}

void boot_modules(struct app *a)
{
	char *text = NULL, *line, *save = NULL, failed[FAILED_LIST] = "";
	uint64_t t0 = tb_now_ns();
	size_t len;
	int rc;

	rc = tb_read_file(MODULES_ORDER, &text, &len);
	if (rc < 0) {
		con_printf(&a->con, "twinbench: %s: %s (no modules loaded)\n",
			   MODULES_ORDER, strerror(-rc));
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		rc = load_one(line);
		if (rc == 0)
			a->t.modules_loaded++;
		else {
			a->t.modules_failed++;
			note_failure(failed, line, rc);
		}
	}
	free(text);
	a->t.modules_s = (double)(tb_now_ns() - t0) / 1e9;
	con_printf(&a->con, "twinbench: %d modules loaded in %.2f s",
		   a->t.modules_loaded, a->t.modules_s);
	if (a->t.modules_failed)
		con_printf(&a->con, ", %d failed: %s", a->t.modules_failed,
			   failed);
	con_printf(&a->con, "\n");
}
