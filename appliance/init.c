/* init.c - PID 1 of the appliance.
 *
 * mounts -> console -> kernel parameters -> modules -> disks by label ->
 * profile (BENCHBOOT:/profiles/NAME.profile overrides the built-in
 * /etc/twinbench/profiles/NAME.profile), parsed before anything else ->
 * BENCHSCRATCH formatted (only when the profile is valid) -> the network
 * (bench.net) -> the session
 * (run, results) -> unmount, sync -> power off, reboot or a shell.
 * With bench.role=server it is the peer agent instead (no profile, no
 * results).  Never returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent.h"
#include "boot.h"
#include "tb_sha256.h"
#include "tb_util.h"

static void image_id(struct app *a)
{
	char hex[65];
	int rc;

	if (!a->boot_dev) {
		a->image_reason = strdup("no BENCHBOOT partition mounted "
					 "(ISO, PXE or direct kernel boot)");
		return;
	}
	rc = tb_sha256_file("/boot/initrd.img", hex);
	if (rc < 0)
		a->image_reason = tb_strdupf("/boot/initrd.img: %s",
					     strerror(-rc));
	else
		a->image_id = strdup(hex);
}

static void choose_label(struct app *a, const struct boot_params *bp)
{
	char sig[16];
	const char *hv;

	if (bp->label && *bp->label) {
		a->label = res_sanitize_label(bp->label);
		return;
	}
	hv = sysinfo_hypervisor(sig, sizeof(sig));
	a->label = res_sanitize_label(hv ? hv : "bare");
}

static void find_profile(struct app *a, const struct boot_params *bp)
{
	const char *dirs[3], *src[3];
	int n = 0;

	if (a->boot_dev) {
		dirs[n] = "/boot/profiles";
		src[n++] = "BENCHBOOT override";
	}
	dirs[n] = "/etc/twinbench/profiles";
	src[n++] = "builtin";
	dirs[n] = NULL;
	src[n] = NULL;
	a->profile_name = strdup(bp->profile ? bp->profile : "default");
	if (a->profile_name)
		app_find_profile(a, dirs, src);
}

/* bench.net (when given), then the peer's address and token for the
 * runs; a network that did not come up is every network run's reason. */
static void network(struct app *a, const struct boot_params *bp)
{
	a->netwait = bp->netwait;
	if (bp->peer && *bp->peer)
		a->peer = strdup(bp->peer);
	if (bp->token && *bp->token)
		a->token = strdup(bp->token);
	if (!bp->net || !*bp->net)
		return;
	a->net_error = net_setup(a, bp->net, bp->netwait);
	if (a->net_error)
		con_printf(&a->con, "twinbench: %s\n", a->net_error);
}

/* bench.role=server: the peer agent, on a freshly formatted scratch disk,
 * until the machine is stopped.  Nothing is recorded on BENCHRES. */
static void serve(struct app *a, const struct boot_params *bp)
{
	struct agent_cfg cfg;

	disks_scratch(a, 1);
	network(a, bp);
	agent_cfg_init(&cfg);
	cfg.token = a->token;
	cfg.scratch = a->scratch;
	cfg.bindir = "/usr/bin";
	cfg.con = &a->con;
	cfg.image_id = a->image_id;
	cfg.hardware = a->hardware;
	if (a->net_error)
		con_printf(&a->con, "twinbench: serving anyway: %s\n",
			   a->net_error);
	con_printf(&a->con, "twinbench: bench.role=server: peer agent on "
		   "port %d, scratch %s\n", cfg.port,
		   a->scratch ? a->scratch : "(none)");
	if (agent_serve(&cfg) < 0)
		con_printf(&a->con, "twinbench: the peer agent stopped\n");
}

int init_main(void)
{
	struct boot_params bp;
	struct app a;

	app_init(&a, APP_APPLIANCE);
	boot_mounts(&a);
	boot_console(&a);
	a.t.uptime_at_start = boot_uptime();
	con_printf(&a.con, "\ntwinbench %s: appliance starting (kernel "
		   "uptime %.2f s)\n", TB_VERSION, a.t.uptime_at_start);
	boot_cmdline(&a, &bp);
	boot_modules(&a);
	boot_fwcfg_params(&a, &bp);
	disks_wait(&a);
	disks_mount(&a);
	a.hardware = hardware_describe(&a);
	if (a.hardware)
		con_printf(&a.con, "TWINBENCH-HARDWARE %s\n", a.hardware);
	image_id(&a);
	if (bp.server) {
		serve(&a, &bp);
		boot_end(&a, bp.after);
	}
	choose_label(&a, &bp);
	find_profile(&a, &bp);
	app_parse_profile(&a);
	disks_scratch(&a, a.prof_ok);
	network(&a, &bp);
	a.bindir = "/usr/bin";
	if (!a.label || !a.results_root || !a.scratch ||
	    tb_mkdir_p(a.results_root, 0755) < 0)
		con_printf(&a.con, "twinbench: out of memory or no results "
			   "directory; nothing runs\n");
	else if (app_session(&a) < 0)
		con_printf(&a.con, "twinbench: the run could not be "
			   "recorded\n");
	boot_end(&a, bp.after);
}
