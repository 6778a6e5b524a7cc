/* main.c - the host-side twinbench command: usage and dispatch. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"
#include "peer.h"
#include "study/study.h"
#include "tb_util.h"

#ifndef LAB_VERSION
#define LAB_VERSION "unknown"
#endif

static const char usage_text[] =
"usage: twinbench COMMAND [OPTION]... ARG...\n"
"\n"
"Host side of twinbench: boot an appliance image, read its results back.\n"
"\n"
"  twinbench run [OPTION]... IMAGE\n"
"      Boot IMAGE in qemu-system-x86_64, wait until the appliance powers\n"
"      off, then read the new run back and print its results table.\n"
"      Fails if the run has no DONE or failed.  The terminal shows the\n"
"      appliance's progress lines ([3/12 compress 2/4] 41.2 s ok), its\n"
"      messages (twinbench: ...), kernel panics and the outcome; the\n"
"      whole serial console (TWINBENCH records, workload output, kernel)\n"
"      goes to the serial log, whose path is printed at the end: the\n"
"      --serial-log FILE, else DIR/<run-id>.serial.log with --out DIR,\n"
"      else $TMPDIR/twinbench-serial-XXXXXX.log.  IMAGE is a disk.img\n"
"      (--boot disk or kernel; the run is read from its BENCHRES\n"
"      partition), a twinbench.iso (--boot cdrom) or a pxe/ directory\n"
"      (--boot pxe).  An ISO or PXE boot has no BENCHRES: the run is\n"
"      read from the --results-disk, or else from the serial log's\n"
"      TWINBENCH lines (no manifest.json then).\n"
"      --profile NAME   boot entry (profile) to run.  The image's BENCHBOOT\n"
"                       partition has /syslinux.cfg and\n"
"                       /EFI/BOOT/syslinux.cfg with one LABEL per shipped\n"
"                       profile; NAME must be one of them, and if it is not\n"
"                       the DEFAULT yet, the DEFAULT line of both files is\n"
"                       rewritten inside the image (mtools).  The image then\n"
"                       stays on NAME, on QEMU as on a stick booted on bare\n"
"                       metal: this is how to switch a stick's profile\n"
"                       without rebuilding it.\n"
"      --label L        platform label (letters, digits, . _ -): put\n"
"                       bench.label=L on the profile's APPEND line (kept)\n"
"      --accel auto|kvm|tcg   (default auto: KVM only if /dev/kvm works and\n"
"                       a 10 s probe boot of the image's kernel under KVM\n"
"                       prints on the serial console; else TCG.  The probe\n"
"                       result is cached per kernel sha256 in\n"
"                       $TWINBENCH_KVM_CACHE, or else\n"
"                       $XDG_CACHE_HOME/twinbench/kvm-probe (~/.cache/...);\n"
"                       delete that file to probe again)\n"
"      --memory MIB     guest memory (default 512)\n"
"      --cpus N         virtual CPUs (default 2)\n"
"      --timeout SEC    stop QEMU after SEC seconds and fail (default 1800)\n"
"      --console        the whole serial console on stdout as it comes,\n"
"                       not only the progress lines (the old way)\n"
"      --serial-log FILE  the serial log (overwritten)\n"
"      --out DIR        keep the run in DIR/<run-id> (never overwriting)\n"
"                       and its serial log as DIR/<run-id>.serial.log\n"
"      --machine pc|q35|microvm   (default pc; microvm: --boot kernel,\n"
"                       virtio-mmio disk and NIC, qboot)\n"
"      --disk-bus virtio-blk|virtio-scsi|ahci|ide|nvme|lsi   the disk's\n"
"                       controller (default virtio-blk; ide: pc only;\n"
"                       lsi: the LSI 53C895A SCSI HBA)\n"
"      --nic none|NIC[,NIC]...   NICs, each virtio, e1000, e1000e,\n"
"                       rtl8139 or vmxnet3 (default none; user-mode\n"
"                       networking each; the first one PXE-boots)\n"
"      --firmware bios|uefi   SeaBIOS (default) or OVMF (package ovmf,\n"
"                       with a private copy of its variable store)\n"
"      --boot disk|cdrom|pxe|kernel   disk (default): the firmware boots\n"
"                       disk.img; kernel: -kernel/-initrd/-append from its\n"
"                       BENCHBOOT partition and menu entry, disk attached;\n"
"                       cdrom: IMAGE is the ISO in a CD-ROM drive; pxe:\n"
"                       IMAGE is the TFTP root of QEMU's DHCP/TFTP server\n"
"      --results-disk FILE   cdrom, pxe: also attach FILE (make\n"
"                       results-disk) on --disk-bus; the run is read\n"
"                       from its BENCHRES partition\n"
"      --pxe-file NAME  pxe: the DHCP boot file (default pxelinux.0, with\n"
"                       --firmware uefi syslinux.efi; boot.ipxe for iPXE)\n"
"      --peer IMAGE|ADDR[:PORT]   a peer for the network workloads.\n"
"                       IMAGE (what run boots, or an out/guest directory):\n"
"                       a second VM booted from it as the peer agent\n"
"                       (bench.role=server, 10.77.0.1/24; kernel boot, a\n"
"                       scratch disk of its own, IMAGE left untouched),\n"
"                       beside this one (10.77.0.2/24, on its first NIC:\n"
"                       virtio if --nic is none) on a private link of the\n"
"                       two alone (QEMU -netdev dgram on 127.0.0.1); it is\n"
"                       stopped when this one ends; its serial log is\n"
"                       this one's with .peer (DIR/<run-id>.peer.serial.log\n"
"                       with --out DIR).  ADDR: an agent that already runs\n"
"                       on PORT (default 7777) and the next four, over a\n"
"                       user-mode NIC with DHCP; a loopback ADDR (an agent\n"
"                       on this host) as 10.0.2.100:PORT..PORT+4 in a\n"
"                       restricted network (twinbench relay)\n"
"      --token TEXT     the agent's shared secret (bench.token=, both sides;\n"
"                       letters, digits, - . _ ~ + / = : @ %, at most 128)\n"
"      --peer-memory MIB   the peer VM's memory (default 512)\n"
"      With cdrom and pxe the media stay untouched: --profile and --label\n"
"      reach the appliance through QEMU's fw_cfg, as --peer's parameters\n"
"      do for every boot but kernel (a disk.img's menu never keeps them).\n"
"      The QEMU binary is $TWINBENCH_QEMU or qemu-system-x86_64.\n"
"\n"
"  twinbench collect IMAGE DESTDIR\n"
"      Copy every runs/<run-id>/ from IMAGE's BENCHRES partition into\n"
"      DESTDIR/<run-id>/ without mounting (debugfs).  A run already in\n"
"      DESTDIR with the same content is skipped (\"already collected\"); one\n"
"      that differs is an error and is left alone.  Runs without DONE are\n"
"      collected and flagged incomplete.  IMAGE is a raw disk image, a\n"
"      block device, or a disk in another format qemu-img reads: the\n"
"      qcow2, vmdk, vdi and vhdx of make formats, as the hypervisor gives\n"
"      them back.  qemu-img info tells which; any but raw is checked\n"
"      (qemu-img check) and converted into a sparse raw copy in a private\n"
"      directory under $TMPDIR (it needs room for the disk's data), which\n"
"      is removed afterwards.  IMAGE is only opened read-only; one that a\n"
"      running VM still holds is refused.  An IMAGE that cannot be read\n"
"      leaves DESTDIR as it was (not even created).\n"
"\n"
"  twinbench show [--csv|--markdown] RUNDIR...\n"
"      Print the results of runs: run, label, instance, workload, metric,\n"
"      unit, n, median, MAD, CV%, min, max, status and reason, from each\n"
"      RUNDIR/summary.json.  A run without DONE shows as incomplete.  CSV\n"
"      has full precision and the CV as a fraction (column cv).\n"
"\n"
"  twinbench console LOG DESTDIR\n"
"      Rebuild a run from a captured serial console LOG (an ISO or PXE\n"
"      boot without a results disk, a hypervisor's serial port written to\n"
"      a file, IPMI serial-over-LAN): its TWINBENCH lines become\n"
"      DESTDIR/<run-id>/ with samples.jsonl, summary.json (\"source\":\n"
"      \"console\"), hardware.json, console.log and DONE if the run\n"
"      finished; then it is shown.  Nothing is overwritten.\n"
"\n"
"  twinbench report [OPTION]... RUN-OR-DIR...|BUNDLE.tar\n"
"      Compare platforms (run labels; the runs of one label are its\n"
"      boots) with a baseline, from the runs' samples.jsonl: per platform,\n"
"      instance and metric n, median, min, max, CV, the relative\n"
"      performance (> 1: faster than the baseline) with a 95% bootstrap\n"
"      interval, outliers and flags; the geometric mean of the headline\n"
"      relatives.  Writes report.html, report.md, report.csv,\n"
"      report.json and charts/*.svg (gnuplot) into --out, prints the\n"
"      headline table.  Refuses runs without DONE and runs whose\n"
"      binaries differ.  A BUNDLE.tar is reported with its own options.\n"
"      --baseline LABEL   (default bare)\n"
"      --out DIR          (default report)\n"
"      --seed N           bootstrap seed (default 1)\n"
"      --bootstrap B      replicates, 10000 to 10000000 (default 10000)\n"
"      --allow-incomplete report runs without DONE, flagged\n"
"      --allow-mixed      report runs with differing binaries, bannered\n"
"      --quiet            no terminal table\n"
"\n"
"  twinbench bundle --out FILE.tar [REPORT OPTION]... RUN-OR-DIR...\n"
"      One deterministic tar for publication: the runs, the image\n"
"      manifests, the profiles, the report rendered from the bundled\n"
"      runs and study.json (version, options, commands).  FILE is never\n"
"      overwritten.\n"
"\n"
"  twinbench verify FILE.tar\n"
"      Render a bundle's report again; exit 0 only if every file is\n"
"      byte-identical to the bundled one, else name the first that\n"
"      differs.\n"
"\n"
"  twinbench relay ADDR PORT\n"
"      For run --peer with a loopback ADDR (QEMU runs it per connection):\n"
"      stdin and stdout, one connection of the guest, to ADDR:PORT.\n"
"\n"
"  twinbench help         this text\n"
"  twinbench --version    the version\n"
"\n"
"Partitions are found by their labels (BENCHBOOT, BENCHRES), never by\n"
"number.  Exit status: 0 ok, 1 failure, 2 usage error, 3 skipped.\n";

const char *lab_version(void)
{
	return LAB_VERSION;
}

void lab_usage(FILE *f)
{
	fputs(usage_text, f);
}

int lab_usage_error(const char *cmd, const char *what)
{
	if (cmd && what)
		warnx("%s: %s", cmd, what);
	else if (what)
		warnx("%s", what);
	fprintf(stderr, "Try 'twinbench help'.\n");
	return LAB_EXIT_USAGE;
}

/* After getopt_long() (opterr = 0, optstring starting "+:") said '?' or
 * ':' about argv[optind - 1]. */
int lab_bad_option(const char *cmd, int opt, char **argv)
{
	char *msg;
	int r;

	if (opt == ':')
		msg = tb_strdupf("option %s needs an argument",
				 argv[optind - 1]);
	else if (optopt)
		msg = tb_strdupf("unknown option -%c", optopt);
	else
		msg = tb_strdupf("unknown option %s", argv[optind - 1]);
	r = lab_usage_error(cmd, msg ? msg : "bad option");
	free(msg);
	return r;
}

int lab_find_part(const char *image, const char *label, enum img_fs fs,
		  struct img_part *p)
{
	int e = img_find(image, label, fs, p);

	if (e == -EINVAL || e == -ERANGE || e == -ENXIO)
		warnx("%s: %s: %s", image, label, img_strerror(e));
	else if (e)
		warnx("%s: %s", image, strerror(-e));
	return e ? -1 : 0;
}

/* fds 0-2 open, so that no file we open lands on one of them */
static void std_fds(void)
{
	int fd;

	do
		fd = open("/dev/null", O_RDWR);
	while (fd >= 0 && fd <= 2);
	if (fd >= 0)
		close(fd);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "collect", cmd_collect },
	{ "show", cmd_show },
	{ "console", cmd_console },
	{ "report", cmd_report },
	{ "bundle", cmd_bundle },
	{ "verify", cmd_verify },
	{ "relay", cmd_relay },
};

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	size_t i;

	std_fds();
	if (!cmd)
		return lab_usage_error(NULL, "no command");
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		lab_usage(stdout);
		return LAB_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("twinbench %s\n", LAB_VERSION);
		return LAB_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	return lab_usage_error(cmd, "unknown command");
}
