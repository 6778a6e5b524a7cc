/* cli.c - `twinbench run`: container mode.
 *
 * No mounts, no modules: the profile comes from --profile-file or
 * --profiles-dir (default /etc/twinbench/profiles), the tools from --bindir
 * (default /usr/bin), results go to --results DIR/runs/<run-id>/, scratch
 * to --scratch DIR or a fresh directory under $TMPDIR (removed at the end
 * unless --keep-scratch).  --peer ADDR[:PORT] names the peer agent of the
 * network workloads (`twinbench serve` on another machine), --token its
 * shared secret, --netwait how long it may take to answer (default 30 s).
 * The console is stdout; --quiet keeps it to the
 * progress lines and messages (console.log still gets everything).
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include "appliance.h"
#include "tb_util.h"

struct cli_opts {
	const char *results, *profile, *profile_file, *label;
	const char *scratch, *bindir, *profiles_dir, *peer, *token;
	int keep_scratch, quiet, netwait;
	char bindir_abs[PATH_MAX];	/* workloads run with cwd = scratch */
};

static const struct option long_opts[] = {
	{ "results", required_argument, NULL, 'r' },
	{ "profile", required_argument, NULL, 'p' },
	{ "profile-file", required_argument, NULL, 'f' },
	{ "label", required_argument, NULL, 'l' },
	{ "scratch", required_argument, NULL, 's' },
	{ "bindir", required_argument, NULL, 'b' },
	{ "profiles-dir", required_argument, NULL, 'd' },
	{ "keep-scratch", no_argument, NULL, 'k' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "peer", required_argument, NULL, 'P' },
	{ "token", required_argument, NULL, 'T' },
	{ "netwait", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

static int parse_netwait(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 3600) {
		warnx("--netwait: %s: use 1..3600 seconds", s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct cli_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->bindir = "/usr/bin";
	o->profiles_dir = "/etc/twinbench/profiles";
	o->netwait = 30;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (c) {
		case 'r': o->results = optarg; break;
		case 'p': o->profile = optarg; break;
		case 'f': o->profile_file = optarg; break;
		case 'l': o->label = optarg; break;
		case 's': o->scratch = optarg; break;
		case 'b': o->bindir = optarg; break;
		case 'd': o->profiles_dir = optarg; break;
		case 'k': o->keep_scratch = 1; break;
		case 'q': o->quiet = 1; break;
		case 'P': o->peer = optarg; break;
		case 'T': o->token = optarg; break;
		case 'w':
			if (parse_netwait(optarg, &o->netwait) < 0)
				return -1;
			break;
		default: return -1;
		}
	}
	if (optind != argc || !o->results || (o->profile && o->profile_file))
		return -1;
	if (realpath(o->bindir, o->bindir_abs))
		o->bindir = o->bindir_abs;
	return 0;
}

/* Container engine, else the hypervisor name, else "host". */
static char *default_label(void)
{
	char engine[64], sig[16];
	const char *hv;

	if (sysinfo_in_container(engine, sizeof(engine)))
		return res_sanitize_label(engine[0] ? engine : "container");
	hv = sysinfo_hypervisor(sig, sizeof(sig));
	return res_sanitize_label(hv ? hv : "host");
}

static int setup_scratch(struct app *a, const struct cli_opts *o)
{
	const char *tmp = getenv("TMPDIR");
	int rc;

	if (o->scratch) {
		a->scratch = strdup(o->scratch);
		if (!a->scratch)
			return -ENOMEM;
		rc = tb_mkdir_p(a->scratch, 0755);
		if (rc == 0) {	/* absolute, like the bindir */
			char *abs = realpath(a->scratch, NULL);

			if (!abs)
				return -errno;
			free(a->scratch);
			a->scratch = abs;
		}
		return rc;
	}
	a->scratch = tb_strdupf("%s/twinbench-XXXXXX", tmp && *tmp ? tmp :
				"/tmp");
	if (!a->scratch)
		return -ENOMEM;
	if (!mkdtemp(a->scratch))
		return -errno;
	a->scratch_made = 1;
	return 0;
}

static int setup(struct app *a, const struct cli_opts *o)
{
	const char *dirs[2] = { o->profiles_dir, NULL };
	const char *sources[2] = { "builtin", NULL };
	const char *base;
	size_t n;

	a->bindir = o->bindir;
	a->keep_scratch = o->keep_scratch;
	a->netwait = o->netwait;
	if ((o->peer && !(a->peer = strdup(o->peer))) ||
	    (o->token && !(a->token = strdup(o->token))))
		return -ENOMEM;
	a->results_root = strdup(o->results);
	a->label = o->label ? res_sanitize_label(o->label) : default_label();
	if (o->profile_file) {
		base = strrchr(o->profile_file, '/');
		base = base ? base + 1 : o->profile_file;
		n = strlen(base);
		if (n > 8 && !strcmp(base + n - 8, ".profile"))
			n -= 8;
		a->profile_name = strndup(base, n);
		app_load_profile_file(a, o->profile_file, "file");
	} else {
		a->profile_name = strdup(o->profile ? o->profile : "default");
		if (a->profile_name)
			app_find_profile(a, dirs, sources);
	}
	a->cmdline = fs_read_line("/proc/cmdline");
	a->image_reason = strdup("container mode: no BENCHBOOT partition");
	if (!a->results_root || !a->label || !a->profile_name)
		return -ENOMEM;
	return tb_mkdir_p(a->results_root, 0755);
}

int cli_run(int argc, char **argv)
{
	struct cli_opts o;
	struct app a;
	int rc;

	if (parse_opts(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: twinbench run --results DIR "
			"[--profile NAME | --profile-file PATH] [--label L]\n"
			"       [--scratch DIR] [--bindir DIR] "
			"[--profiles-dir DIR] [--keep-scratch] [--quiet]\n"
			"       [--peer ADDR[:PORT]] [--token TEXT] "
			"[--netwait SECONDS]\n");
		return 2;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	app_init(&a, APP_CONTAINER);
	if (o.quiet)
		con_terse(&a.con);
	rc = setup(&a, &o);
	if (rc == 0)
		rc = setup_scratch(&a, &o);
	if (rc < 0) {
		warnx("%s: %s", o.results, strerror(-rc));
		app_free(&a);
		return 1;
	}
	rc = app_session(&a);
	if (o.quiet && a.run_dir)
		printf("twinbench: the whole console: %s/console.log\n",
		       a.run_dir);
	if (a.scratch_made && !a.keep_scratch)
		fs_rm_rf(a.scratch);
	else if (a.keep_scratch)
		printf("twinbench: scratch kept in %s\n", a.scratch);
	app_free(&a);
	return rc == 0 ? 0 : 1;
}
