/* datagen.c - deterministic, seeded data that compresses like real files.
 *
 * The stream is built from small "pieces" (a line of text, a table record,
 * a run of code-like bytes, a run of random bytes); wl_gen_fill() copies
 * pieces out, so the bytes depend only on the seed and the kind, never on
 * how the caller chunks its reads.  WL_DATA_MIXED switches the piece type
 * every 64 KiB or so, weighted so that bzip2 -9 compresses the result about
 * 2.6:1, in the range of the OS install image the 2008 study compressed.
 */
#include <string.h>
#include "workloads.h"

#define WL_BLOCK 65536

enum piece { P_TEXT, P_TABLE, P_CODE, P_RANDOM };

static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "for", "that", "with", "on",
	"as", "by", "it", "be", "this", "are", "from", "or", "an", "at",
	"file", "system", "data", "kernel", "user", "process", "memory",
	"device", "driver", "network", "packet", "buffer", "disk", "block",
	"page", "cache", "table", "index", "value", "error", "return",
	"string", "number", "option", "config", "server", "client", "request",
	"response", "thread", "signal", "handler", "module", "library",
	"function", "pointer", "struct", "interface", "address", "port",
	"socket", "stream", "queue", "timer", "clock", "event", "update",
	"install", "package", "version", "release", "source", "binary",
	"directory", "partition", "volume", "mount", "format", "image",
	"virtual", "machine", "guest", "host", "hypervisor", "benchmark",
	"result", "measure", "time", "second", "average", "median", "test",
	"check", "status", "message", "warning", "default", "setting", "path",
	"name", "type", "size", "length", "offset", "count", "first", "last",
	"next", "previous", "new", "old", "local", "remote", "public",
	"private", "read", "write", "open", "close", "start", "stop", "run",
	"when", "which", "there", "their", "will", "would", "should", "can",
};

#define NWORDS (sizeof(words) / sizeof(words[0]))

static const unsigned char opcodes[16] = {
	0x48, 0x89, 0x8b, 0xe8, 0x0f, 0x85, 0x84, 0xc3,
	0x83, 0xc7, 0x44, 0x24, 0x74, 0xeb, 0x31, 0xff,
};

static size_t piece_text(struct wl_gen *g)
{
	uint64_t r = tb_rng_next(&g->rng);
	int nw = 4 + (int)(r % 13), i;
	size_t len = 0;

	for (i = 0; i < nw; i++) {
		uint64_t w = tb_rng_next(&g->rng);
		unsigned a = w % NWORDS, b = (w >> 16) % NWORDS;
		const char *s = words[a < b ? a : b];
		size_t sl = strlen(s);

		memcpy(g->piece + len, s, sl);
		if (i == 0 && g->piece[len] >= 'a')
			g->piece[len] -= 'a' - 'A';
		len += sl;
		g->piece[len++] = i + 1 < nw ? ' ' : '.';
	}
	g->piece[len++] = '\n';
	return len;
}

static size_t piece_table(struct wl_gen *g)
{
	static const char names[4][8] = {
		"alpha\0\0", "beta\0\0\0", "gamma\0\0", "delta\0\0",
	};
	uint64_t r = tb_rng_next(&g->rng);
	uint32_t id = g->record++;
	uint64_t val = (uint64_t)id * 16 + (r & 3);
	size_t i;

	memset(g->piece, 0, 32);
	for (i = 0; i < 4; i++)
		g->piece[i] = (unsigned char)(id >> (8 * i));
	g->piece[4] = (unsigned char)((r >> 8) & 7);
	for (i = 0; i < 8; i++)
		g->piece[8 + i] = (unsigned char)(val >> (8 * i));
	memcpy(g->piece + 16, names[(r >> 16) & 3], 8);
	return 32;
}

static size_t piece_code(struct wl_gen *g)
{
	size_t i;

	for (i = 0; i < 64; i++) {
		uint64_t r = tb_rng_next(&g->rng);
		unsigned sel = r & 15;

		if (sel < 8)
			g->piece[i] = opcodes[(r >> 8) & 15];
		else if (sel < 12)
			g->piece[i] = 0;
		else
			g->piece[i] = (unsigned char)(r >> 16);
	}
	return 64;
}

static size_t piece_random(struct wl_gen *g)
{
	size_t i, k;

	for (i = 0; i < 64; i += 8) {
		uint64_t r = tb_rng_next(&g->rng);

		for (k = 0; k < 8; k++)
			g->piece[i + k] = (unsigned char)(r >> (8 * k));
	}
	return 64;
}

static int pick_block(struct wl_gen *g)
{
	static const unsigned char mix[10] = {
		P_TEXT, P_TEXT, P_TEXT, P_TEXT, P_TEXT,
		P_TABLE, P_TABLE, P_CODE, P_CODE, P_RANDOM,
	};

	switch (g->kind) {
	case WL_DATA_TEXT:
		return P_TEXT;
	case WL_DATA_RANDOM:
		return P_RANDOM;
	default:
		return mix[tb_rng_next(&g->rng) % 10];
	}
}

static void next_piece(struct wl_gen *g)
{
	if (g->block_left <= 0) {
		g->block = pick_block(g);
		g->block_left = WL_BLOCK;
	}
	switch (g->block) {
	case P_TEXT:
		g->plen = piece_text(g);
		break;
	case P_TABLE:
		g->plen = piece_table(g);
		break;
	case P_CODE:
		g->plen = piece_code(g);
		break;
	default:
		g->plen = piece_random(g);
		break;
	}
	g->ppos = 0;
	g->block_left -= (int64_t)g->plen;
}

void wl_gen_init(struct wl_gen *g, uint64_t seed, enum wl_data kind)
{
	memset(g, 0, sizeof(*g));
	tb_rng_seed(&g->rng, seed);
	g->kind = kind;
}

void wl_gen_fill(struct wl_gen *g, unsigned char *buf, size_t n)
{
	while (n > 0) {
		size_t k;

		if (g->ppos == g->plen)
			next_piece(g);
		k = g->plen - g->ppos;
		if (k > n)
			k = n;
		memcpy(buf, g->piece + g->ppos, k);
		g->ppos += k;
		buf += k;
		n -= k;
	}
}
