/* agent_data.c - rsync-out and rsync-in: the seeded data sets on the
 * agent's scratch directory and the rsync daemon's configuration.
 *
 *   scratch/sets/KEY/         a data set, made (or reused) by ds_make()
 *   scratch/sets/KEY.stamp    ds_make()'s stamp: counts and canonical hash
 *   scratch/sets/KEY.expect   rsync-in: the same for a set never written
 *                             (ds_sum_spec), so that reps do not recompute
 *   scratch/in/               what a client pushes (emptied at START and
 *                             after STOP has hashed it)
 *   scratch/run/rsyncd.conf   one module: data (read only) or in
 *
 * Keys and sums are workloads/dataset.h's (the client generates and hashes
 * the same sets); a build without that module answers `ERR unavailable`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "agent_priv.h"
#include "appliance.h"
#include "tb_util.h"

#if defined(__has_include)
#if __has_include("dataset.h")
#include "dataset.h"
#define HAVE_DATASET 1
#endif
#endif

static int spec_numbers(const struct tb_agent_msg *req, struct agent_set *set,
			struct agent_reply *r)
{
	uint64_t seed, bytes, files = 1;
	int frc;

	if (tb_agent_get_u64(req, "seed", 16, 0, UINT64_MAX, &seed) < 0) {
		agent_fail(r, "bad-value", "seed=: 1-16 hex digits");
		return -1;
	}
	if (tb_agent_get_u64(req, "bytes", 10, 0, AGENT_MAX_BYTES, &bytes)) {
		agent_fail(r, "bad-value", "bytes=: 0-%lld", AGENT_MAX_BYTES);
		return -1;
	}
	frc = tb_agent_get_u64(req, "files", 10, 1, AGENT_MAX_FILES, &files);
	if ((frc == -ENOENT && set->tree) || frc == -EINVAL ||
	    (!set->tree && files != 1)) {
		agent_fail(r, "bad-value", "files=: 1-%lld for kind=tree, 1 "
			   "(or none) for kind=file", AGENT_MAX_FILES);
		return -1;
	}
	set->seed = seed;
	set->bytes = (int64_t)bytes;
	set->files = (int64_t)files;
	return 0;
}

#ifdef HAVE_DATASET
static void to_spec(const struct agent_set *set, struct ds_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->kind = set->tree ? DS_TREE : DS_FILE;
	sp->seed = set->seed;
	sp->bytes = set->bytes;
	sp->files = set->files;
}
#endif

int data_spec(const struct tb_agent_msg *req, struct agent_set *set,
	      struct agent_reply *r)
{
	const char *kind = tb_agent_get(req, "kind");

	memset(set, 0, sizeof(*set));
	if (!kind || (strcmp(kind, "tree") && strcmp(kind, "file"))) {
		agent_fail(r, "bad-value", "kind=%s: tree or file",
			   kind ? kind : "(missing)");
		return -1;
	}
	set->tree = !strcmp(kind, "tree");
	if (spec_numbers(req, set, r) < 0)
		return -1;
#ifdef HAVE_DATASET
	struct ds_spec sp;

	to_spec(set, &sp);
	if (ds_spec_check(&sp) < 0 ||
	    ds_key(&sp, set->key, sizeof(set->key)) < 0 || !set->key[0] ||
	    strchr(set->key, '/')) {
		agent_fail(r, "bad-value", "not a data set this build makes");
		return -1;
	}
	return 0;
#else
	agent_fail(r, "unavailable", "rsync data sets need the data-set "
		   "generator (workloads/dataset.h), not in this build");
	return -1;
#endif
}

/* Room on the scratch file system for bytes in files (a block each
 * rounded up, and 1 MiB); 0 or -1 with r set. */
static int room_for(const struct agent_cfg *cfg, int64_t bytes,
		    int64_t files, struct agent_reply *r)
{
	struct statvfs vfs;
	unsigned long long need, have;

	if (statvfs(cfg->scratch, &vfs) < 0) {
		agent_fail(r, "failed", "statvfs %s: %s", cfg->scratch,
			   strerror(errno));
		return -1;
	}
	need = (unsigned long long)bytes + (unsigned long long)files * 4096 +
	       (1ull << 20);
	have = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	if (need > have) {
		agent_fail(r, "no-space", "need=%llu have=%llu on %s", need,
			   have, cfg->scratch);
		return -1;
	}
	return 0;
}

#ifdef HAVE_DATASET
/* A stamp in ds_make()'s format (dataset.h) for this build and key into
 * set; 0 or -1. */
static int read_stamp(const char *path, struct agent_set *set)
{
	char *text = NULL, key[128], hex[65];
	long long ver, files, dirs, bytes;
	int n;

	if (tb_read_file(path, &text, NULL) < 0)
		return -1;
	n = sscanf(text, "twinbench-dataset %lld\nkey %127s\nfiles %lld\n"
		   "dirs %lld\nbytes %lld\nsha256 %64[0-9a-f]\n", &ver, key,
		   &files, &dirs, &bytes, hex);
	free(text);
	if (n != 6 || ver != DS_VERSION || strcmp(key, set->key) ||
	    strlen(hex) != 64)
		return -1;
	set->sum_files = files;
	set->sum_bytes = bytes;
	memcpy(set->sha256, hex, sizeof(hex));
	return 0;
}

static void take_sum(struct agent_set *set, const struct ds_sum *sum)
{
	set->sum_files = sum->files;
	set->sum_bytes = sum->bytes;
	memcpy(set->sha256, sum->sha256, sizeof(set->sha256));
}

/* sets/KEY made or reused by ds_make(), its hash from the stamp. */
static int make_out(const struct agent_cfg *cfg, const char *dir,
		    struct agent_set *set, struct agent_reply *r)
{
	char err[256], *stamp = tb_strdupf("%s.stamp", dir);
	struct ds_spec sp;
	struct ds_sum sum;
	int rc = -1;

	to_spec(set, &sp);
	if (!stamp) {
		agent_fail(r, "internal", "out of memory");
		return -1;
	}
	if (read_stamp(stamp, set) < 0 &&
	    room_for(cfg, set->bytes, set->files, r) < 0)
		goto out;
	agent_log(cfg, "data set %s in %s", set->key, dir);
	if (ds_make(dir, &sp, err, sizeof(err)) < 0)
		agent_fail(r, "failed", "data set: %s", err);
	else if (read_stamp(stamp, set) == 0)
		rc = 0;
	else if (ds_hash(dir, &sum, err, sizeof(err)) < 0)
		agent_fail(r, "failed", "data set: %s", err);
	else {
		take_sum(set, &sum);
		rc = 0;
	}
out:
	free(stamp);
	return rc;
}

/* sets/KEY.expect: the sum of a set computed without writing it. */
static void write_expect(const char *sets, const struct agent_set *set,
			 const struct ds_sum *sum)
{
	char *name = tb_strdupf("%s.expect", set->key);
	char *text = tb_strdupf("twinbench-dataset %d\nkey %s\nfiles %lld\n"
				"dirs %lld\nbytes %lld\nsha256 %s\n",
				DS_VERSION, set->key, (long long)sum->files,
				(long long)sum->dirs, (long long)sum->bytes,
				sum->sha256);

	if (name && text)	/* a cache: not written, computed again */
		tb_write_file_atomic(sets, name, text, strlen(text));
	free(name);
	free(text);
}

/* What rsync-in must receive: the stamp of sets/KEY when an rsync-out
 * made it, else ds_sum_spec() (no disk), cached in sets/KEY.expect. */
static int expect_in(const char *sets, const char *dir,
		     struct agent_set *set, struct agent_reply *r)
{
	char *stamp = tb_strdupf("%s.stamp", dir);
	char *exp = tb_strdupf("%s.expect", dir);
	struct ds_spec sp;
	struct ds_sum sum;
	int rc = -1;

	to_spec(set, &sp);
	if (!stamp || !exp) {
		agent_fail(r, "internal", "out of memory");
	} else if (read_stamp(stamp, set) == 0 ||
		   read_stamp(exp, set) == 0) {
		rc = 0;
	} else if (ds_sum_spec(&sp, &sum) < 0) {
		agent_fail(r, "failed", "data set %s: cannot compute its "
			   "sum", set->key);
	} else {
		take_sum(set, &sum);
		write_expect(sets, set, &sum);
		rc = 0;
	}
	free(stamp);
	free(exp);
	return rc;
}

/* scratch/sets (made) and scratch/sets/KEY; 0 or -1 with r set. */
static int set_paths(const struct agent_cfg *cfg, const struct agent_set *set,
		     char **sets, char **dir, struct agent_reply *r)
{
	*sets = tb_strdupf("%s/sets", cfg->scratch);
	*dir = tb_strdupf("%s/sets/%s", cfg->scratch, set->key);
	if (*sets && *dir && tb_mkdir_p(*sets, 0755) == 0)
		return 0;
	agent_fail(r, "failed", "%s/sets: cannot create", cfg->scratch);
	free(*sets);
	free(*dir);
	*sets = *dir = NULL;
	return -1;
}
#endif

int data_prepare_out(const struct agent_cfg *cfg, struct agent_set *set,
		     struct agent_reply *r)
{
#ifdef HAVE_DATASET
	char *sets, *dir;
	int rc;

	if (set_paths(cfg, set, &sets, &dir, r) < 0)
		return -1;
	rc = make_out(cfg, dir, set, r);
	free(sets);
	free(dir);
	return rc;
#else
	(void)cfg;
	(void)set;
	agent_fail(r, "unavailable", "no data-set generator in this build");
	return -1;
#endif
}

int data_prepare_in(const struct agent_cfg *cfg, struct agent_set *set,
		    struct agent_reply *r)
{
#ifdef HAVE_DATASET
	char *sets, *dir, *in;
	int rc = -1;

	if (set_paths(cfg, set, &sets, &dir, r) < 0)
		return -1;
	in = tb_strdupf("%s/in", cfg->scratch);
	if (expect_in(sets, dir, set, r) < 0)
		;	/* r says why */
	else if (!in || fs_rm_rf(in) < 0 || tb_mkdir_p(in, 0755) < 0)
		agent_fail(r, "failed", "%s/in: cannot empty", cfg->scratch);
	else
		rc = room_for(cfg, set->sum_bytes, set->sum_files, r);
	free(in);
	free(sets);
	free(dir);
	return rc;
#else
	(void)cfg;
	(void)set;
	agent_fail(r, "unavailable", "no data-set generator in this build");
	return -1;
#endif
}

int data_check_in(const struct agent_cfg *cfg, const struct agent_set *set,
		  struct agent_set *got, struct agent_reply *r)
{
	char *in = tb_strdupf("%s/in", cfg->scratch);
	int rc = -1;

	memset(got, 0, sizeof(*got));
#ifdef HAVE_DATASET
	char err[256];
	struct ds_sum sum;

	if (!in) {
		agent_fail(r, "internal", "out of memory");
	} else if (ds_hash(in, &sum, err, sizeof(err)) < 0) {
		agent_fail(r, "failed", "what arrived: %s", err);
	} else {
		take_sum(got, &sum);
		rc = got->sum_files == set->sum_files &&
		     got->sum_bytes == set->sum_bytes &&
		     !strcmp(got->sha256, set->sha256);
	}
#else
	(void)set;
	agent_fail(r, "unavailable", "no data-set generator in this build");
#endif
	if (in)
		fs_rm_rf(in);
	free(in);
	return rc;
}

/* The daemon serves one module to the client's address only; numeric
 * ids and no chroot, since the image has no /etc/passwd; uid/gid 0 only
 * when the agent runs as root (a daemon that is not root cannot switch). */
static char *conf_text(const struct agent_cfg *cfg, const struct agent_set *set,
		       int out, const char *client)
{
	int root = geteuid() == 0;

	return tb_strdupf(
		"# rsyncd.conf - written by twinbench serve for one START\n"
		"use chroot = no\n"
		"numeric ids = yes\n"
		"reverse lookup = no\n"
		"log file = %s/run/rsyncd.log\n"
		"\n[%s]\n"
		"\tpath = %s/%s%s\n"
		"\tread only = %s\n"
		"\thosts allow = %s\n"
		"%s",
		cfg->scratch, out ? "data" : "in", cfg->scratch,
		out ? "sets/" : "in", out ? set->key : "",
		out ? "yes" : "no", client,
		root ? "\tuid = 0\n\tgid = 0\n" : "");
}

int data_rsyncd_conf(const struct agent_cfg *cfg, const struct agent_set *set,
		     int out, const char *client, char **path)
{
	char *run = tb_strdupf("%s/run", cfg->scratch);
	char *text = conf_text(cfg, set, out, client);
	int rc = -ENOMEM;

	*path = tb_strdupf("%s/run/rsyncd.conf", cfg->scratch);
	if (run && text && *path)
		rc = tb_write_file_atomic(run, "rsyncd.conf", text,
					  strlen(text));
	free(run);
	free(text);
	if (rc < 0) {
		free(*path);
		*path = NULL;
	}
	return rc;
}
