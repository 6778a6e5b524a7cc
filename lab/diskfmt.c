/* diskfmt.c - a disk image in any format qemu-img reads (raw, and the
 * qcow2, vmdk, vdi and vhdx that `make formats` makes), as a raw file.
 *
 * `qemu-img info -U --output=json` names the format.  -U (force-share)
 * only for this look at the header: it takes no lock, so a raw image is
 * read exactly as it always was (debugfs takes none either), even while a
 * hypervisor holds it open.  A raw image is used as it is.  Any other is
 * checked and converted, sparse, into a copy in a private directory under
 * $TMPDIR (`qemu-img convert -f FORMAT -O raw`): qemu-img reads what lies
 * past the end of a file as zeros, so a vmdk or qcow2 cut short would
 * convert without a word; `qemu-img check` finds that, and for a vdi,
 * which it passes, `qemu-img map` shows data placed beyond the file's end.
 * check, map and convert run without -U: they open the image read-only
 * and take only shared (read) locks, so one that a running VM still
 * writes is refused, with qemu-img's message, instead of copied
 * half-written.
 *
 * File names go to qemu-img as paths with a '/' ("./NAME"), so a name
 * with a ':' is not taken for a protocol (nbd:, json:) nor one starting
 * with '-' for an option.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "tb_util.h"

#define QIMG		"qemu-img"
#define QIMG_PREFIX	"qemu-img: "
#define CHECK_LEAKS	3	/* check: only leaked clusters; readable */
#define CHECK_NONE	63	/* check: the format has no checks */
#define MAX_LINES	2	/* of what qemu-img said, in a message */

static char *qimg_path(const char *path)
{
	return path[0] == '/' ? strdup(path) : tb_strdupf("./%s", path);
}

/* qemu-img's messages on one line: "qemu-img: " cut, lines joined by
 * "; ", the first MAX_LINES of them and a count of the rest.  NULL: none
 * or no memory.  Frees text. */
static char *tidy(char *text)
{
	const char *src, *nl;
	char *buf = text ? malloc(2 * strlen(text) + 1) : NULL, *dst = buf;
	char *all = buf;
	int kept = 0;
	size_t n, k = strlen(QIMG_PREFIX);

	for (src = text; buf && *src; src += n + (nl != NULL)) {
		nl = strchr(src, '\n');
		n = nl ? (size_t)(nl - src) : strlen(src);
		if (n == 0 || kept++ >= MAX_LINES)
			continue;
		if (dst != buf)
			dst = stpcpy(dst, "; ");
		if (!strncmp(src, QIMG_PREFIX, k))
			dst = stpncpy(dst, src + k, n - k);
		else
			dst = stpncpy(dst, src, n);
	}
	if (dst)
		*dst = '\0';
	if (kept > MAX_LINES) {
		all = tb_strdupf("%s (+%d more)", buf, kept - MAX_LINES);
		free(buf);
	} else if (!kept) {
		free(buf);
		all = NULL;
	}
	free(text);
	return all;
}

/* Run qemu-img argv; its stdout into *out (if out), stderr into *said.
 * Its exit status, or -errno (-ENOENT: qemu-img is not installed). */
static int qemu_img(const char *const argv[], char **out, char **said)
{
	struct proc_opt o = { .null_stdin = 1 };
	struct proc_res r;
	FILE *of = tmpfile(), *ef = tmpfile();
	int e = of && ef ? 0 : -errno;

	if (!e) {
		o.out_fd = fileno(of);
		o.err_fd = fileno(ef);
		e = proc_run(argv, &o, &r);
	}
	if (!e) {
		*said = tidy(proc_slurp_fd(fileno(ef)));
		if (out && !(*out = proc_slurp_fd(fileno(of))))
			e = -ENOMEM;
	}
	if (of)
		fclose(of);
	if (ef)
		fclose(ef);
	return e ? e : r.status;
}

/* Run step name of d; 0 if its exit status is one of ok[] (ended by
 * -1), else -errno with d->failed and d->said. */
static int step(struct dfmt_img *d, const char *name,
		const char *const argv[], char **out, const int ok[])
{
	int st;

	free(d->said);
	d->said = NULL;
	d->failed = name;
	st = qemu_img(argv, out, &d->said);
	if (st < 0)
		return st;
	for (int i = 0; ok[i] >= 0; i++)
		if (st == ok[i]) {
			d->failed = NULL;
			return 0;
		}
	if (!d->said && st > 128)
		d->said = tb_strdupf("stopped by signal %d (%s)", st - 128,
				     strsignal(st - 128));
	else if (!d->said)
		d->said = tb_strdupf("exit status %d", st);
	return -EIO;
}

/* "format" of `qemu-img info --output=json`, malloc'ed; NULL if none. */
static char *info_format(const char *json)
{
	json_t *root = json_loads(json, 0, NULL);
	const char *f = json_string_value(json_object_get(root, "format"));
	char *dup = f && *f ? strdup(f) : NULL;

	json_decref(root);
	return dup;
}

/* The image can be opened read-only (else the old, plain message). */
static int readable(const char *image)
{
	int fd = open(image, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int dfmt_detect(const char *image, struct dfmt_img *d)
{
	static const int ok[] = { 0, -1 };
	char *path = qimg_path(image), *json = NULL;
	int e = path ? readable(image) : -ENOMEM;

	memset(d, 0, sizeof(*d));
	d->raw = image;
	if (!e) {
		const char *argv[] = { QIMG, "info", "-U", "--output=json",
				       path, NULL };
		e = step(d, "qemu-img info", argv, &json, ok);
	}
	if (e == -ENOENT && d->failed) {
		d->failed = NULL;	/* no qemu-img: read it as raw */
		e = 0;
	} else if (!e && !(d->format = info_format(json))) {
		d->failed = "qemu-img info";
		d->said = strdup("no \"format\" in its JSON output");
		e = -EPROTO;
	}
	free(json);
	free(path);
	return e;
}

/* The end of the last data cluster the map of the image places in its
 * file; 0 if none has an offset. */
static uint64_t map_end(const char *json)
{
	json_t *map = json_loads(json, 0, NULL), *x, *off, *len;
	uint64_t end = 0, e;
	size_t i;

	json_array_foreach(map, i, x) {
		off = json_object_get(x, "offset");
		len = json_object_get(x, "length");
		if (!json_is_true(json_object_get(x, "data")) ||
		    !json_is_integer(off) || !json_is_integer(len))
			continue;
		e = (uint64_t)json_integer_value(off) +
		    (uint64_t)json_integer_value(len);
		if (e > end)
			end = e;
	}
	json_decref(map);
	return end;
}

/* vdi (always one file): qemu-img check does not see blocks that lie
 * past the end of a file cut short, and they would read as zeros. */
static int check_map(const char *image, const char *src, struct dfmt_img *d)
{
	static const int ok[] = { 0, -1 };
	const char *argv[] = { QIMG, "map", "--output=json", "-f", d->format,
			       src, NULL };
	char *json = NULL;
	struct stat st;
	uint64_t end;
	int e = step(d, "qemu-img map", argv, &json, ok);

	if (!e && stat(image, &st))
		e = -errno;
	if (!e && (end = map_end(json)) > (uint64_t)st.st_size) {
		d->failed = "qemu-img map";
		d->said = tb_strdupf("data up to byte %llu of a file of %llu "
				     "bytes: truncated?",
				     (unsigned long long)end,
				     (unsigned long long)st.st_size);
		e = d->said ? -EIO : -ENOMEM;
	}
	free(json);
	return e;
}

/* qemu-img check, and for a vdi its map. */
static int check(const char *image, const char *src, struct dfmt_img *d)
{
	static const int ok[] = { 0, CHECK_LEAKS, CHECK_NONE, -1 };
	const char *argv[] = { QIMG, "check", "-q", "-f", d->format, src,
			       NULL };
	int e = step(d, "qemu-img check", argv, NULL, ok);

	if (!e && !strcmp(d->format, "vdi"))
		e = check_map(image, src, d);
	return e;
}

/* The copy: a file in a private directory under $TMPDIR. */
static int make_dir(struct dfmt_img *d)
{
	d->dir = fs_mkdtemp(NULL, ".twinbench-raw");
	if (!d->dir) {
		d->failed = "temporary directory in $TMPDIR";
		return -errno;
	}
	d->copy = fs_join(d->dir, "disk.img");
	return d->copy ? 0 : -ENOMEM;
}

int dfmt_convert(const char *image, struct dfmt_img *d)
{
	static const int ok[] = { 0, -1 };
	char *src = qimg_path(image), *dst = NULL;
	int e = src ? check(image, src, d) : -ENOMEM;

	if (!e)
		e = make_dir(d);
	if (!e && !(dst = qimg_path(d->copy)))
		e = -ENOMEM;
	if (!e) {
		const char *argv[] = { QIMG, "convert", "-q", "-f", d->format,
				       "-O", "raw", "-S", "4k", src, dst,
				       NULL };
		e = step(d, "qemu-img convert", argv, NULL, ok);
	}
	if (!e)
		d->raw = d->copy;
	free(dst);
	free(src);
	return e;
}

int dfmt_remove(const struct dfmt_img *d)
{
	return d->dir ? fs_remove_tree(d->dir) : 0;
}

void dfmt_free(struct dfmt_img *d)
{
	free(d->format);
	free(d->said);
	free(d->copy);
	free(d->dir);
	memset(d, 0, sizeof(*d));
}
