/* mkcpio - write a reproducible cpio "newc" archive from a text list.
 *
 * Every entry is owned by 0:0, carries the same mtime (-t EPOCH) and gets
 * the next inode number in list order, so the same list and the same files
 * always give the same bytes.  The list is one entry per line:
 *
 *   dir   NAME MODE                  directory
 *   file  NAME SOURCE MODE           regular file, content read from SOURCE
 *   slink NAME TARGET MODE           symbolic link
 *   nod   NAME MODE c|b MAJOR MINOR  device node (no root needed)
 *
 * NAME is the path inside the archive without the leading '/', MODE is octal.
 * Blank lines and lines starting with '#' are ignored.  The caller sorts the
 * list (LC_ALL=C); mkcpio keeps its order.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cpio_out {
	FILE *f;
	uint64_t off;
	uint32_t ino;
	uint32_t mtime;
};

struct cpio_ent {
	const char *name;
	uint32_t mode;		/* with S_IF* type bits */
	uint32_t rmaj, rmin;
	const char *data;	/* file: source path; slink: target */
};

static void usage(void)
{
	fprintf(stderr,
		"usage: mkcpio [-t EPOCH] LIST > archive.cpio\n"
		"LIST lines: dir NAME MODE | file NAME SOURCE MODE |\n"
		"            slink NAME TARGET MODE | nod NAME MODE c|b MAJ MIN\n");
	exit(2);
}

static int put(struct cpio_out *o, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, o->f) != n)
		return -1;
	o->off += n;
	return 0;
}

static int pad4(struct cpio_out *o)
{
	static const char zero[4];

	return put(o, zero, (4 - o->off % 4) % 4);
}

static int header(struct cpio_out *o, const struct cpio_ent *e,
		  uint64_t size, uint32_t nlink)
{
	char h[111];
	size_t nlen = strlen(e->name) + 1;

	if (size > UINT32_MAX)
		return -EFBIG;
	snprintf(h, sizeof(h),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 o->ino++, e->mode, 0u, 0u, nlink, o->mtime, (uint32_t)size,
		 0u, 0u, e->rmaj, e->rmin, (uint32_t)nlen, 0u);
	if (put(o, h, 110) || put(o, e->name, nlen) || pad4(o))
		return -EIO;
	return 0;
}

static int copy_file(struct cpio_out *o, const struct cpio_ent *e)
{
	FILE *in = fopen(e->data, "rb");
	struct stat st;
	char buf[65536];
	size_t n;
	uint64_t total = 0;
	int r;

	if (!in)
		return -errno;
	if (fstat(fileno(in), &st) || !S_ISREG(st.st_mode)) {
		fclose(in);
		return -EINVAL;
	}
	r = header(o, e, (uint64_t)st.st_size, 1);
	while (!r && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		total += n;
		r = put(o, buf, n) ? -EIO : 0;
	}
	if (!r && (ferror(in) || total != (uint64_t)st.st_size))
		r = -EIO;	/* changed while we read it */
	fclose(in);
	return r ? r : pad4(o);
}

static int emit(struct cpio_out *o, struct cpio_ent *e, const char *kind)
{
	if (!strcmp(kind, "dir")) {
		e->mode |= S_IFDIR;
		return header(o, e, 0, 2);
	}
	if (!strcmp(kind, "file")) {
		e->mode |= S_IFREG;
		return copy_file(o, e);
	}
	if (!strcmp(kind, "slink")) {
		size_t n = strlen(e->data);
		int r;

		e->mode |= S_IFLNK;
		r = header(o, e, n, 1);
		if (!r && (put(o, e->data, n) || pad4(o)))
			r = -EIO;
		return r;
	}
	return header(o, e, 0, 1);	/* nod: type bits set by parser */
}

static int parse_mode(const char *s, uint32_t *mode)
{
	char *end;
	unsigned long v = strtoul(s, &end, 8);

	if (!*s || *end || v > 07777)
		return -1;
	*mode = (uint32_t)v;
	return 0;
}

/* Split a line into at most 6 whitespace separated fields. */
static int split(char *line, char *f[6])
{
	int n = 0;
	char *save = NULL, *tok = strtok_r(line, " \t\n", &save);

	while (tok && n < 6) {
		f[n++] = tok;
		tok = strtok_r(NULL, " \t\n", &save);
	}
	return tok ? -1 : n;
}

static const char *parse_ent(char **f, int n, struct cpio_ent *e)
{
	const char *kind = f[0];
	int want = !strcmp(kind, "dir") ? 3 : !strcmp(kind, "nod") ? 6 :
		   (!strcmp(kind, "file") || !strcmp(kind, "slink")) ? 4 : 0;

	if (!want)
		return "unknown entry type";
	if (n != want)
		return "wrong number of fields";
	memset(e, 0, sizeof(*e));
	e->name = f[1];
	if (e->name[0] == '/' || !e->name[0])
		return "name must be relative and non-empty";
	if (parse_mode(f[want == 4 ? 3 : 2], &e->mode))
		return "bad octal mode";
	if (want == 4)
		e->data = f[2];
	if (want == 6) {
		if (strcmp(f[3], "c") && strcmp(f[3], "b"))
			return "device type must be c or b";
		e->mode |= f[3][0] == 'c' ? S_IFCHR : S_IFBLK;
		e->rmaj = (uint32_t)strtoul(f[4], NULL, 10);
		e->rmin = (uint32_t)strtoul(f[5], NULL, 10);
	}
	return NULL;
}

static int trailer(struct cpio_out *o)
{
	struct cpio_ent t = { .name = "TRAILER!!!" };

	o->ino = 0;
	return header(o, &t, 0, 1);
}

int main(int argc, char **argv)
{
	struct cpio_out o = { .f = stdout, .ino = 721 };
	char *line = NULL, *f[6];
	size_t cap = 0;
	unsigned long lineno = 0;
	int c, n, r;
	FILE *list;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't')
			usage();
		o.mtime = (uint32_t)strtoul(optarg, NULL, 10);
	}
	if (optind != argc - 1)
		usage();
	list = fopen(argv[optind], "r");
	if (!list)
		err(1, "%s", argv[optind]);
	while (getline(&line, &cap, list) != -1) {
		struct cpio_ent e;
		const char *why;

		lineno++;
		n = split(line, f);
		if (n == 0 || f[0][0] == '#')
			continue;
		why = n < 0 ? "too many fields" : parse_ent(f, n, &e);
		if (why)
			errx(1, "%s:%lu: %s", argv[optind], lineno, why);
		r = emit(&o, &e, f[0]);
		if (r)
			errx(1, "%s:%lu: %s: %s", argv[optind], lineno,
			     e.data ? e.data : e.name, strerror(-r));
	}
	free(line);
	fclose(list);
	if (trailer(&o) || fflush(stdout))
		err(1, "writing archive");
	return 0;
}
