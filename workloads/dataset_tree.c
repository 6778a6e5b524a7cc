/* dataset_tree.c - the plan of a data set: names, shape and sizes.
 *
 * Integer arithmetic only, so that musl and glibc builds agree bit for bit.
 * Directories form a random recursive tree: each new one hangs below a
 * random earlier directory or beside it (its sibling), which gives a few
 * wide directories and a long tail of small ones.  Files go one per
 * directory first (a Makefile, mostly), then into the directory of a random
 * earlier file or into a random directory.  Sizes are 2^(m + s*z) with z an
 * Irwin-Hall sum of 12 uniforms (nearly normal, |z| <= 6) and 2^x from a
 * table, then scaled with exact integer division to sum to `bytes`.  Names
 * are words; a name a directory already holds gets a number (foo2.c): the
 * words end in a letter, so a numbered name never meets a generated one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dataset.h"

#define NAME_MAX_LEN 40
#define SPREAD_Q8 461		/* s = 1.8 octaves per unit of z */
#define DIR_MED (16 << 16)	/* files per directory: med 2^16, s 1.8 */

struct tdir {
	int32_t parent, depth;
	char name[NAME_MAX_LEN];
};

struct tfile {
	int32_t dir, kind;
	uint64_t w;
	size_t blen;		/* length of the name before its suffix */
	char name[NAME_MAX_LEN];
};

struct tree {
	struct tb_rng rng;
	int64_t nd, nf;		/* directories below the top, files */
	struct tdir *d;		/* d[0] is the top */
	struct tfile *f;
	uint64_t *cum;		/* cum[d]: the weights of d[0..d] summed */
};

static const char *const words[] = {
	"acpi", "alloc", "apic", "arch", "atm", "audit", "base", "bitmap",
	"block", "boot", "bridge", "bus", "cache", "chip", "clock", "codec",
	"core", "cpu", "crc", "crypto", "ctrl", "dcache", "debug", "dev",
	"dir", "disk", "dma", "dump", "entry", "ether", "event", "exec", "fat",
	"fault", "fb", "fib", "file", "filter", "flash", "frame", "gpio",
	"hash", "head", "hid", "host", "hotplug", "hw", "ide", "idle", "init",
	"inode", "input", "intr", "io", "ioctl", "ipc", "irq", "isdn",
	"journal", "kernel", "key", "keyboard", "lib", "link", "list", "lock",
	"map", "media", "mem", "misc", "mm", "mmu", "mod", "mount", "mouse",
	"mtd", "mux", "net", "nfs", "node", "ops", "page", "panic", "parport",
	"pci", "phy", "pm", "port", "power", "probe", "proc", "ptrace",
	"queue", "quota", "radio", "raid", "regs", "ring", "route", "rtc",
	"rx", "sata", "sched", "scsi", "sense", "serial", "setup", "signal",
	"smp", "sock", "sound", "spi", "stat", "super", "swap", "sys", "table",
	"tcp", "thermal", "time", "timer", "trace", "tty", "tx", "uart", "udp",
	"usb", "user", "util", "video", "vm", "wait", "watchdog", "wireless",
	"xattr", "xfrm", "xmit", "zone",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* File kinds: suffix (or whole name), weight in 1/100 of the free files,
 * log2 of the median size in Q16. */
enum { K_MAKEFILE, K_KCONFIG, K_FREE };
static const struct kind {
	const char *suffix;
	int weight, fixed;
	int32_t med;
} kinds[] = {
	{ "Makefile", 0, 1, 676458 },	/* 1.25 KiB */
	{ "Kconfig", 0, 1, 786432 },	/* 4 KiB */
	{ ".c", 44, 0, 851968 },	/* 8 KiB */
	{ ".h", 40, 0, 759232 },	/* 3 KiB */
	{ ".S", 4, 0, 824768 },		/* 6 KiB */
	{ ".txt", 6, 0, 839343 },	/* 7 KiB */
	{ "_defconfig", 3, 0, 917504 },	/* 16 KiB */
	{ ".sh", 1, 0, 720896 },	/* 2 KiB */
	{ ".pl", 1, 0, 824768 },
	{ ".lds", 1, 0, 720896 },
};
#define NKINDS (int)(sizeof(kinds) / sizeof(kinds[0]))

/* 2^(i/16) in Q16 */
static const uint32_t pow2_tab[17] = {
	65536, 68438, 71468, 74632, 77936, 81386, 84990, 88752, 92682,
	96785, 101070, 105545, 110218, 115098, 120194, 125515, 131072,
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

uint64_t ds_file_seed(uint64_t seed, int64_t i)
{
	return mix64(seed ^ mix64((uint64_t)i + 0x66696c6500000000u));
}

/* 2^(x / 65536) for 0 <= x < 40 << 16, rounded down */
static uint64_t pow2_q16(int64_t x)
{
	uint32_t i = (uint32_t)(x >> 12) & 15, f = (uint32_t)x & 0xfff;
	uint64_t m = pow2_tab[i] +
		     (((uint64_t)(pow2_tab[i + 1] - pow2_tab[i]) * f) >> 12);

	return (m << (x >> 16)) >> 16;
}

static uint64_t draw_weight(struct tb_rng *r, int32_t med)
{
	int64_t sum = 0, x;
	int i, k;

	for (i = 0; i < 3; i++) {
		uint64_t u = tb_rng_next(r);

		for (k = 0; k < 4; k++)
			sum += (int64_t)((u >> (16 * k)) & 0xffff);
	}
	if ((tb_rng_next(r) & 255) == 0)
		return 0;
	x = med + (sum - 393210) * SPREAD_Q8 / 256;
	return pow2_q16(x < 0 ? 0 : x);
}

static void gen_base(struct tb_rng *r, char *out, size_t n, int dir)
{
	uint64_t v = tb_rng_next(r);
	const char *a = words[v % NWORDS], *b = words[(v >> 16) % NWORDS];
	unsigned sel = (unsigned)((v >> 32) % 10);

	if (dir ? sel < 8 : sel < 5)
		snprintf(out, n, "%s", a);
	else if (!dir && sel < 8)
		snprintf(out, n, "%s_%s", a, b);
	else
		snprintf(out, n, "%s%s", a, b);
}

static void make_dirs(struct tree *t)
{
	int64_t k, ntop = 2, q;

	for (q = 1; q * q <= t->nd; q++)
		;
	ntop += (q - 1) / 2;
	memset(&t->d[0], 0, sizeof(t->d[0]));
	for (k = 1; k <= t->nd; k++) {
		struct tdir *d = &t->d[k];
		uint64_t v = tb_rng_next(&t->rng);
		int32_t p = 0, j;

		if (k > ntop) {
			j = (int32_t)(1 + (v >> 1) % (uint64_t)(k - 1));
			p = (v & 1) && t->d[j].parent ? t->d[j].parent : j;
			while (t->d[p].depth >= DS_MAX_DEPTH)
				p = t->d[p].parent;
		}
		d->parent = p;
		d->depth = t->d[p].depth + 1;
		gen_base(&t->rng, d->name, sizeof(d->name), 1);
	}
}

static int pick_kind(uint64_t v)
{
	int k, c = (int)(v % 100);

	for (k = K_FREE; k < NKINDS - 1; k++) {
		if (c < kinds[k].weight)
			return k;
		c -= kinds[k].weight;
	}
	return k;
}

static void name_file(struct tree *t, struct tfile *f, int kind)
{
	const struct kind *k = &kinds[kind];

	f->kind = kind;
	if (k->fixed) {
		snprintf(f->name, sizeof(f->name), "%s", k->suffix);
		f->blen = strlen(f->name);
	} else {
		gen_base(&t->rng, f->name, sizeof(f->name), 0);
		f->blen = strlen(f->name);
		snprintf(f->name + f->blen, sizeof(f->name) - f->blen, "%s",
			 k->suffix);
	}
	f->w = draw_weight(&t->rng, k->med);
}

/* A directory drawn with probability proportional to its weight. */
static int32_t pick_dir(const struct tree *t, uint64_t v)
{
	int64_t lo = 0, hi = t->nd;
	uint64_t x;

	if (t->cum[t->nd] == 0)
		return (int32_t)(v % (uint64_t)(t->nd + 1));
	x = v % t->cum[t->nd];
	while (lo < hi) {		/* the first d with x < cum[d] */
		int64_t mid = lo + (hi - lo) / 2;

		if (x < t->cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return (int32_t)lo;
}

/* One file in every directory first, then by directory weights (the top
 * holds few files, some directories hundreds). */
static void place_files(struct tree *t)
{
	int64_t i = 0, d;
	uint64_t c = 0;

	for (d = 0; d <= t->nd; d++) {
		c += d ? draw_weight(&t->rng, DIR_MED) : 0;
		t->cum[d] = c;
	}
	for (d = 0; d <= t->nd && i < t->nf; d++) {
		uint64_t v = tb_rng_next(&t->rng);

		t->f[i].dir = (int32_t)d;
		name_file(t, &t->f[i++], v & 3 ? K_MAKEFILE :
			  pick_kind(v >> 8));
		if (i < t->nf && ((v >> 4) & 3) == 0) {
			t->f[i].dir = (int32_t)d;
			name_file(t, &t->f[i++], K_KCONFIG);
		}
	}
	for (; i < t->nf; i++) {
		t->f[i].dir = pick_dir(t, tb_rng_next(&t->rng));
		name_file(t, &t->f[i], pick_kind(tb_rng_next(&t->rng)));
	}
}

struct nkey {
	int32_t dir;
	int32_t idx;
	char *name;
	size_t blen, cap;
};

static int cmp_nkey(const void *pa, const void *pb)
{
	const struct nkey *a = pa, *b = pb;
	int c;

	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Number the second and later of equal names in a directory: foo2.c. */
static void dedupe(struct nkey *k, int64_t n)
{
	char buf[NAME_MAX_LEN];
	int64_t i, first = 0;

	qsort(k, (size_t)n, sizeof(*k), cmp_nkey);
	for (i = 1; i < n; i++) {
		if (k[i].dir != k[first].dir ||
		    strcmp(k[i].name, k[first].name)) {
			first = i;
			continue;
		}
		snprintf(buf, sizeof(buf), "%.*s%" PRId64 "%s",
			 (int)k[i].blen, k[i].name, i - first + 1,
			 k[i].name + k[i].blen);
		snprintf(k[i].name, k[i].cap, "%s", buf);
	}
}

static int unique_names(struct tree *t)
{
	int64_t n = t->nd > t->nf ? t->nd : t->nf, i;
	struct nkey *k = calloc((size_t)n + 1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	for (i = 0; i < t->nd; i++)
		k[i] = (struct nkey){ t->d[i + 1].parent, (int32_t)i,
			t->d[i + 1].name, strlen(t->d[i + 1].name),
			sizeof(t->d[i + 1].name) };
	dedupe(k, t->nd);
	for (i = 0; i < t->nf; i++)
		k[i] = (struct nkey){ t->f[i].dir, (int32_t)i, t->f[i].name,
			t->f[i].blen, sizeof(t->f[i].name) };
	dedupe(k, t->nf);
	free(k);
	return 0;
}

/* size_i = floor(C(i+1) * bytes / W) - floor(C(i) * bytes / W), C(i) the
 * sum of the first i weights: exact total, each size near its share. */
static void scale_sizes(struct tree *t, struct ds_ent *e, int64_t bytes)
{
	unsigned __int128 c = 0, w = 0, prev = 0, cur;
	int64_t i;

	for (i = 0; i < t->nf; i++)
		w += t->f[i].w;
	for (i = 0; i < t->nf; i++) {
		c += w ? t->f[i].w : 1;
		cur = c * (uint64_t)bytes / (w ? w : (uint64_t)t->nf);
		e[i].size = (int64_t)(cur - prev);
		prev = cur;
	}
}

static char *join(const char *dir, const char *name)
{
	return *dir ? tb_strdupf("%s/%s", dir, name) : strdup(name);
}

/* Entries: the directories (parents first), then the files. */
static int fill_plan(struct tree *t, struct ds_plan *p, uint64_t seed,
		     int64_t bytes)
{
	struct ds_ent *fe = p->ent + t->nd;
	int64_t i;

	for (i = 1; i <= t->nd; i++) {
		int32_t up = t->d[i].parent;

		p->ent[i - 1].is_dir = 1;
		p->ent[i - 1].path = join(up ? p->ent[up - 1].path : "",
					  t->d[i].name);
		if (!p->ent[i - 1].path)
			return -ENOMEM;
	}
	scale_sizes(t, fe, bytes);
	for (i = 0; i < t->nf; i++) {
		int32_t up = t->f[i].dir;

		fe[i].path = join(up ? p->ent[up - 1].path : "",
				  t->f[i].name);
		if (!fe[i].path)
			return -ENOMEM;
		fe[i].seed = ds_file_seed(seed, i);
		fe[i].data = WL_DATA_TEXT;
		p->bytes += fe[i].size;
	}
	p->files = t->nf;
	p->dirs = t->nd;
	return 0;
}

int ds_plan_tree(const struct ds_spec *s, struct ds_plan *p)
{
	struct tree t = { .nf = s->files };
	int rc = -ENOMEM;

	t.nd = (s->files * 1400 + 23741 / 2) / 23741;
	tb_rng_seed(&t.rng, mix64(s->seed ^ 0x7472656500000000u));
	t.d = calloc((size_t)t.nd + 1, sizeof(*t.d));
	t.f = calloc((size_t)t.nf + 1, sizeof(*t.f));
	t.cum = calloc((size_t)t.nd + 1, sizeof(*t.cum));
	p->n = t.nd + t.nf;
	p->ent = calloc((size_t)p->n + 1, sizeof(*p->ent));
	if (t.d && t.f && t.cum && p->ent) {
		make_dirs(&t);
		place_files(&t);
		rc = unique_names(&t);
	}
	if (rc == 0)
		rc = fill_plan(&t, p, s->seed, s->bytes);
	free(t.d);
	free(t.f);
	free(t.cum);
	return rc;
}
