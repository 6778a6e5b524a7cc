/* run_opts.c - the command line of `twinbench run`. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "peer.h"

static const struct option run_long[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "accel", required_argument, NULL, 'a' },
	{ "memory", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "label", required_argument, NULL, 'l' },
	{ "serial-log", required_argument, NULL, 's' },
	{ "out", required_argument, NULL, 'o' },
	{ "console", no_argument, NULL, 'C' },
	{ "machine", required_argument, NULL, 'M' },
	{ "disk-bus", required_argument, NULL, 'D' },
	{ "nic", required_argument, NULL, 'N' },
	{ "firmware", required_argument, NULL, 'F' },
	{ "boot", required_argument, NULL, 'B' },
	{ "results-disk", required_argument, NULL, 'R' },
	{ "pxe-file", required_argument, NULL, 'P' },
	{ "peer", required_argument, NULL, 'Q' },
	{ "token", required_argument, NULL, 'K' },
	{ "peer-memory", required_argument, NULL, 'W' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Profile and label names end up in syslinux.cfg, on the kernel command
 * line and in run ids: letters, digits, '.', '_', '-'. */
int run_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '-' || s[0] == '.')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789._-") == n;
}

static int parse_uint(const char *s, unsigned min, unsigned max,
		      unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_accel(const char *s, enum accel *a)
{
	if (!strcmp(s, "auto"))
		*a = ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*a = ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*a = ACCEL_TCG;
	else
		return -1;
	return 0;
}

/* --nic none, or a list like virtio,e1000 */
static int parse_nics(const char *arg, struct vm_hw *hw)
{
	char *copy = strdup(arg), *w, *save = NULL;
	int v, e = copy ? 0 : -1;

	hw->nnics = 0;
	if (copy && !strcmp(copy, "none")) {
		free(copy);
		return 0;
	}
	for (w = copy ? strtok_r(copy, ",", &save) : NULL; !e && w;
	     w = strtok_r(NULL, ",", &save)) {
		if (vhw_parse(VHW_NIC, w, &v) || v == NIC_NONE ||
		    hw->nnics == VM_MAX_NICS)
			e = -1;
		else
			hw->nics[hw->nnics++] = (enum vm_nic)v;
	}
	free(copy);
	return e || hw->nnics == 0 ? -1 : 0;
}

/* --machine, --disk-bus, --nic, --firmware, --boot */
static const char *hw_opt(int opt, const char *arg, struct run_opts *o,
			  int *boot_given)
{
	static const char letters[] = "MDNFB";
	static const enum vhw_kind kinds[] = {
		VHW_MACHINE, VHW_BUS, VHW_NIC, VHW_FW, VHW_BOOT,
	};
	enum vhw_kind k = kinds[strchr(letters, opt) - letters];
	int v;

	if (k == VHW_NIC)
		return parse_nics(arg, &o->hw) ? vhw_usage(k) : NULL;
	if (vhw_parse(k, arg, &v))
		return vhw_usage(k);
	if (k == VHW_MACHINE)
		o->hw.machine = (enum vm_machine)v;
	else if (k == VHW_BUS)
		o->hw.bus = (enum vm_bus)v;
	else if (k == VHW_FW)
		o->hw.fw = (enum vm_fw)v;
	else
		o->hw.boot = (enum vm_boot)v;
	*boot_given |= k == VHW_BOOT;
	return NULL;
}

/* One option; 0 or a usage error message. */
static const char *run_opt(int opt, const char *arg, struct run_opts *o)
{
	switch (opt) {
	case 'R':
		o->results_disk = arg;
		return NULL;
	case 'P':
		o->pxe_file = arg;
		return run_valid_name(arg) ? NULL : "--pxe-file: a file name "
		       "in the PXE directory (letters, digits, . _ -)";
	case 'p':
		o->profile = arg;
		return run_valid_name(arg) ? NULL : "--profile: not a profile "
		       "name";
	case 'l':
		o->label = arg;
		return run_valid_name(arg) ? NULL : "--label: use letters, "
		       "digits, '.', '_' and '-' (at most 64)";
	case 'a':
		return parse_accel(arg, &o->accel) ? "--accel: auto, kvm or "
		       "tcg" : NULL;
	case 'm':
		return parse_uint(arg, 64, 1u << 20, &o->memory_mib) ?
		       "--memory: MiB from 64 to 1048576" : NULL;
	case 'c':
		return parse_uint(arg, 1, 255, &o->cpus) ?
		       "--cpus: from 1 to 255" : NULL;
	case 't':
		return parse_uint(arg, 1, RUN_TIMEOUT_MAX, &o->timeout_s) ?
		       "--timeout: seconds from 1 to 2000000" : NULL;
	case 's':
		o->serial_log = arg;
		return NULL;
	case 'o':
		o->out = arg;
		return NULL;
	case 'C':
		o->console = 1;
		return NULL;
	}
	return "?";
}

/* The combination as a whole; NULL or what is wrong. */
static const char *run_check(struct run_opts *o, int boot_given)
{
	int media = o->hw.boot == BOOT_CDROM || o->hw.boot == BOOT_PXE;
	const char *why;

	if (o->hw.machine == VM_MICROVM && !boot_given)
		o->hw.boot = BOOT_KERNEL;
	if ((why = peer_check(o)) != NULL)
		return why;
	if (o->results_disk && !media)
		return "--results-disk: only with --boot cdrom or pxe (a "
		       "disk.img has its own BENCHRES)";
	if (o->pxe_file && o->hw.boot != BOOT_PXE)
		return "--pxe-file: only with --boot pxe";
	return vhw_check(&o->hw);
}

/* 0: go on; -1: help printed (exit 0); else the exit status. */
int run_parse(int argc, char **argv, struct run_opts *o)
{
	const char *msg;
	int opt, boot_given = 0;

	memset(o, 0, sizeof(*o));
	o->accel = ACCEL_AUTO;
	o->memory_mib = RUN_MEMORY_MIB;
	o->cpus = RUN_CPUS;
	o->timeout_s = RUN_TIMEOUT_S;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", run_long, NULL)) != -1) {
		if (opt == 'h') {
			lab_usage(stdout);
			return -1;
		}
		if (opt == '?' || opt == ':')
			return lab_bad_option("run", opt, argv);
		if (opt && strchr("QKW", opt)) {
			if (peer_opt(opt, optarg, o))
				return LAB_EXIT_USAGE;
			continue;
		}
		msg = opt && strchr("MDNFB", opt) ?
		      hw_opt(opt, optarg, o, &boot_given) :
		      run_opt(opt, optarg, o);
		if (msg)
			return lab_usage_error("run", msg);
	}
	if (argc - optind != 1)
		return lab_usage_error("run", "needs exactly one IMAGE");
	o->image = argv[optind];
	msg = run_check(o, boot_given);
	return msg ? lab_usage_error("run", msg) : 0;
}
