/* main.c - twinbench: PID 1 of the appliance, or the command line.
 *
 * As PID 1 without a command it is the appliance's init (init.c).  Any
 * other way it is the command line below; `run` is container mode: no
 * mounts, no modules, results to the directory given.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent.h"
#include "appliance.h"
#include "workloads.h"

static const char usage_text[] =
	"usage: twinbench run --results DIR [--profile NAME | --profile-file "
	"PATH]\n"
	"                     [--label LABEL] [--scratch DIR] [--bindir DIR]\n"
	"                     [--profiles-dir DIR] [--keep-scratch] "
	"[--quiet]\n"
	"                     [--peer ADDR[:PORT]] [--token TEXT] "
	"[--netwait SECONDS]\n"
	"       twinbench serve [--port P] [--listen ADDR] [--token T] "
	"[--scratch DIR]\n"
	"                       [--bindir DIR] [--once]   the peer agent\n"
	"       twinbench list                 workloads\n"
	"       twinbench help WORKLOAD        a workload's options\n"
	"       twinbench check PROFILE_FILE   parse and validate only\n"
	"       twinbench --version\n"
	"run --quiet: stdout shows the progress lines and messages only; the\n"
	"run's console.log keeps the whole console.\n"
	"As PID 1 (the image's /init) it boots the appliance; see README.\n"
	"As PID 1 of a container (rootfs.tar) it runs the profile\n"
	"$TWINBENCH_PROFILE (default: default) with results in /results.\n";

static int usage(int rc)
{
	fputs(usage_text, rc ? stderr : stdout);
	return rc;
}

static int cmd_list(int argc, char **argv)
{
	size_t i;

	(void)argv;
	if (argc != 1)
		return usage(2);
	for (i = 0; wl_table[i]; i++)
		printf("%-10s %s\n", wl_table[i]->name, wl_table[i]->help);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	const struct tb_workload *wl;

	if (argc != 2)
		return usage(argc == 1 ? 0 : 2);
	wl = wl_lookup(argv[1]);
	if (!wl) {
		warnx("unknown workload '%s' (see twinbench list)", argv[1]);
		return 1;
	}
	printf("%s - %s\n\nheadline metric (what reports chart): %s\n\n"
	       "options (in a profile section with workload = %s):\n",
	       wl->name, wl->help, wl->headline ? wl->headline : "none",
	       wl->name);
	fflush(stdout);
	tb_opt_help(wl->opts, 1);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	struct tb_profile p;
	char *text = NULL, errbuf[512];
	size_t len, i, runs = 0;
	int rc;

	if (argc != 2)
		return usage(2);
	rc = tb_read_file(argv[1], &text, &len);
	if (rc < 0) {
		warnx("%s: %s", argv[1], strerror(-rc));
		return 1;
	}
	rc = tb_profile_parse(argv[1], text, wl_lookup, &p, errbuf,
			      sizeof(errbuf));
	free(text);
	if (rc < 0) {
		fprintf(stderr, "%s\n", errbuf);
		return 1;
	}
	for (i = 0; i < p.ninst; i++)
		runs += (size_t)p.inst[i].repeat;
	printf("%s: ok (%zu instances, %zu runs)\n", argv[1], p.ninst, runs);
	tb_profile_free(&p);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cli_run },
	{ "list", cmd_list },
	{ "help", cmd_help },
	{ "check", cmd_check },
	{ "serve", agent_main },
};

static int find_command(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return (int)i;
	return -1;
}

/* PID 1 of a container started from rootfs.tar (LXC, systemd-nspawn,
 * OpenVZ, ...): container mode with the directory the engine maps at
 * /results; profile and label from the environment. */
static int container_init(void)
{
	const char *prof = getenv("TWINBENCH_PROFILE");
	const char *label = getenv("TWINBENCH_LABEL");
	char *argv[8];
	int n = 0;

	argv[n++] = "run";
	argv[n++] = "--results";
	argv[n++] = "/results";
	argv[n++] = "--profile";
	argv[n++] = (char *)(prof && *prof ? prof : "default");
	if (label && *label) {
		argv[n++] = "--label";
		argv[n++] = (char *)label;
	}
	argv[n] = NULL;
	printf("twinbench: PID 1 of a container: run --results /results "
	       "--profile %s\n", argv[4]);
	fflush(stdout);
	return cli_run(n, argv);
}

int main(int argc, char **argv)
{
	int c = argc > 1 ? find_command(argv[1]) : -1;

	if (getpid() == 1 && c < 0)
		return sysinfo_in_container(NULL, 0) ? container_init() :
			init_main();
	if (argc > 1 && (!strcmp(argv[1], "--version") ||
			 !strcmp(argv[1], "version"))) {
		printf("twinbench %s\n", TB_VERSION);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "--help") ||
			 !strcmp(argv[1], "-h")))
		return usage(0);
	if (c < 0) {
		if (argc > 1)
			warnx("unknown command '%s'", argv[1]);
		return usage(2);
	}
	return commands[c].fn(argc - 1, argv + 1);
}
