/* fileserver_out.c - parse dbench 4.0's output (see fileserver.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fileserver.h"

/* Printed when semget() returns id 0, which is a valid id: harmless (the
 * first semaphore set of a fresh IPC namespace, e.g. right after boot). */
#define FS_BARRIER_QUIRK "failed to create barrier semaphore"

void fs_out_init(struct fs_out *o)
{
	memset(o, 0, sizeof(*o));
}

static void keep(char *dst, const char *s)
{
	snprintf(dst, FS_LINE, "%s", s);
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int blank(const char *s)
{
	return *skip_blanks(s) == '\0';
}

enum { FS_NOT, FS_PREPARED, FS_WARMUP, FS_EXECUTE, FS_CLEANUP };

/* "   2      9073   130.18 MB/sec  execute   1 sec  latency 59.659 ms",
 * "   2  cleanup   3 sec", "1 of 2 processes prepared for launch   0 sec" */
static int progress_kind(const char *line)
{
	const char *s = skip_blanks(line);

	if (!isdigit((unsigned char)*s))
		return FS_NOT;
	if (strstr(s, " MB/sec  warmup "))
		return FS_WARMUP;
	if (strstr(s, " MB/sec  execute "))
		return FS_EXECUTE;
	if (strstr(s, "  cleanup "))
		return FS_CLEANUP;
	if (strstr(s, " processes prepared for launch "))
		return FS_PREPARED;
	return FS_NOT;
}

/* Count the tick: which ones belong to the timed phase, fs_out_phase(). */
static void progress_tick(struct fs_out *o, int kind, const char *line,
			  uint64_t now)
{
	const char *c;
	int counts = kind == FS_EXECUTE ||
		     (kind == FS_WARMUP && o->warmup_secs == 0);

	if (o->cleanup_ns)
		return;
	if (kind == FS_CLEANUP) {
		o->cleanup_ns = now;
		c = strstr(line, "cleanup ");
		o->cleanup_t = c ? strtod(c + 8, NULL) : -1;
		return;
	}
	if (kind == FS_EXECUTE && !o->in_execute && o->warmup_secs > 0) {
		o->ticks = 0;	/* dbench restarted its clock */
		o->tick_first_ns = 0;
	}
	if (kind == FS_EXECUTE)
		o->in_execute = 1;
	if (!counts)
		return;
	if (!o->ticks)
		o->tick_first_ns = now;
	o->ticks++;
}

double fs_out_phase(const struct fs_out *o, char *why, size_t whylen)
{
	double span, est;

	if (!o->cleanup_ns || o->cleanup_t < 0) {
		snprintf(why, whylen, "no cleanup line: the end of its timed "
			 "phase is unknown");
		return -1;
	}
	why[0] = '\0';
	span = o->ticks && o->cleanup_ns > o->tick_first_ns ?
	       (double)(o->cleanup_ns - o->tick_first_ns) / 1e9 : 0;
	est = o->ticks ? span * (o->ticks + 1) / o->ticks : 0;
	if (est >= o->cleanup_t - 1.5 && est <= o->cleanup_t + 1.5)
		return est;
	/* the lines did not come at its ticks (a replayed or buffered
	 * output): dbench's own figure, to the second */
	snprintf(why, whylen, "its progress lines did not arrive once a "
		 "second (%.3f s by them): its timed phase is taken as the "
		 "%.0f s it printed", est, o->cleanup_t);
	return o->cleanup_t > 0 ? o->cleanup_t : -1;
}

/* " NTCreateX      12180     0.120    36.405" */
static void table_row(struct fs_out *o, const char *line)
{
	char name[64];
	unsigned long long count;
	double avg, max;
	int end = 0;

	if (sscanf(line, " %63s %llu %lf %lf%n", name, &count, &avg, &max,
		   &end) != 4 || !blank(line + end) || max < 0 || avg < 0) {
		o->bad_row = 1;
		return;
	}
	o->rows++;
	o->ops += count;
}

/* "Throughput 127.601 MB/sec  2 clients  2 procs  max_latency=59.659 ms",
 * possibly with " (sync open)" or " (sync dirs)" after MB/sec */
static int summary(struct fs_out *o, const char *line)
{
	const char *p;
	char *end;
	double mbps, lat;
	long n;

	if (strncmp(line, "Throughput ", 11) != 0)
		return 0;
	mbps = strtod(line + 11, &end);
	if (end == line + 11 || strncmp(end, " MB/sec", 7) != 0)
		return 0;
	for (p = end + 7; *p && !isdigit((unsigned char)*p); p++)
		;
	n = strtol(p, &end, 10);
	if (end == p || strncmp(end, " clients", 8) != 0)
		return 0;
	p = strstr(end, "max_latency=");
	if (!p)
		return 0;
	lat = strtod(p + 12, &end);
	if (end == p + 12 || strncmp(end, " ms", 3) != 0)
		return 0;
	o->have_summary = 1;
	o->mbps = mbps;
	o->clients = n;
	o->max_latency_ms = lat;
	return 1;
}

static int expected(const char *line)
{
	static const char *const normal[] = {
		"dbench version ", "Running for ", "releasing clients",
		FS_BARRIER_QUIRK, NULL,
	};
	size_t i;

	for (i = 0; normal[i]; i++)
		if (!strncmp(line, normal[i], strlen(normal[i])))
			return 1;
	return 0;
}

static void table_line(struct fs_out *o, const char *line)
{
	const char *s = skip_blanks(line);

	if (blank(s))
		o->table = 2;
	else if (strncmp(s, "----", 4) != 0)
		table_row(o, line);
}

/* "Running for 10 seconds with load 'client.txt' and minimum warmup 2 secs" */
static void header(struct fs_out *o, const char *line)
{
	const char *w = strstr(line, "minimum warmup ");

	if (!strncmp(line, "Running for ", 12) && w)
		o->warmup_secs = atoi(w + 15);
}

int fs_out_line(struct fs_out *o, const char *line, uint64_t now_ns)
{
	const char *s = skip_blanks(line);
	int kind = progress_kind(line);

	if (!blank(line))
		keep(o->last, line);
	if (kind != FS_NOT) {
		progress_tick(o, kind, line, now_ns);
		return 0;
	}
	header(o, line);
	if (o->table == 1) {
		table_line(o, line);
		return o->table == 1;
	}
	if (o->table == 0 && !strncmp(s, "Operation ", 10) &&
	    strstr(s, " Count ")) {
		o->table = 1;
		return 1;
	}
	if (blank(line))
		return 0;
	if (summary(o, line) || expected(line))
		return 1;
	if (!o->first_error[0])
		keep(o->first_error, line);
	return 1;
}

int fs_out_check(const struct fs_out *o, long clients, char *why,
		 size_t whylen)
{
	const char *miss = NULL;

	if (o->table == 0)
		miss = "no operations table";
	else if (o->bad_row || o->rows == 0)
		miss = "an unreadable operations table";
	else if (!o->have_summary)
		miss = "no Throughput line";
	if (miss) {
		snprintf(why, whylen, "%s", miss);
		return -1;
	}
	if (o->clients != clients) {
		snprintf(why, whylen, "%ld clients reported, %ld asked for",
			 o->clients, clients);
		return -1;
	}
	if (o->mbps <= 0 || o->ops == 0) {
		snprintf(why, whylen, "nothing measured (%.3f MB/s, %llu ops)",
			 o->mbps, (unsigned long long)o->ops);
		return -1;
	}
	return 0;
}
