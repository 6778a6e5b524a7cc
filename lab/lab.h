/* lab.h - the host-side twinbench command: shared declarations.
 *
 * Modules (one file each): proc (child processes with a deadline), image
 * (MBR, partition labels, files on BENCHBOOT through mtools), bootcfg (syslinux.cfg: profiles and their kernel parameters), fsutil
 * (temporary directories, tree compare/remove), collect (BENCHRES through
 * debugfs), summary (summary.json into table rows), table (plain, CSV,
 * Markdown), kvm (accelerator choice and the cached probe boot), qemu (the
 * command line) and one cmd_*() per subcommand.  The peer of `run --peer`
 * has its own header, peer.h.
 *
 * Helpers return 0, -1 or -errno and print nothing; the cmd_*() functions
 * (each the main of a subcommand) report.
 */
#ifndef LAB_H
#define LAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LAB_EXIT_OK	0
#define LAB_EXIT_FAIL	1
#define LAB_EXIT_USAGE	2
#define LAB_EXIT_SKIP	3

/* proc.c - run a child to completion, optionally with a deadline. */
struct proc_opt {
	int out_fd;		/* stdout to this fd (0: inherit) */
	int err_fd;		/* stderr to this fd (0: inherit) */
	int null_stdin;		/* stdin from /dev/null */
	int timeout_ms;		/* 0: none; then SIGTERM, grace, SIGKILL */
	const char *const *env;	/* "NAME=value" entries added in the child */
};
struct proc_res {
	int status;		/* exit status, or 128 + signal */
	int timed_out;		/* the deadline passed and it was killed */
	int lost;		/* it did not die after SIGKILL (left behind) */
	double seconds;		/* wall time */
};
int proc_run(const char *const argv[], const struct proc_opt *o,
	     struct proc_res *r);
/* Read what a child wrote to fd (a tmpfile) as one NUL-terminated string. */
char *proc_slurp_fd(int fd);

/* image.c - partitions of a raw MBR disk image, found by label. */
enum img_fs { IMG_FS_OTHER, IMG_FS_FAT, IMG_FS_EXT4 };
struct img_part {
	int index;		/* 1..4 */
	uint64_t offset;	/* bytes from the start of the image */
	uint64_t size;		/* bytes */
	enum img_fs fs;
	char label[17];		/* NUL-terminated, trailing blanks cut */
};
/* -EINVAL: no MBR signature; -ENXIO: no such label; -ERANGE: a
 * partition lies beyond the end of the image; else -errno. */
int img_find(const char *image, const char *label, enum img_fs fs,
	     struct img_part *out);
const char *img_strerror(int e);

/* main.c (and the usage text) */
const char *lab_version(void);
void lab_usage(FILE *f);
int lab_usage_error(const char *cmd, const char *what);	/* returns 2 */
int lab_bad_option(const char *cmd, int opt, char **argv);	/* 2 */
/* img_find, reporting failures; 0 or -1 */
int lab_find_part(const char *image, const char *label, enum img_fs fs,
		  struct img_part *p);

/* image.c - files on a FAT partition inside an image (mtools). */
int fat_get(const char *image, const struct img_part *p, const char *fatpath,
	    const char *local, int quiet);
int fat_put(const char *image, const struct img_part *p, const char *local,
	    const char *fatpath);

/* bootcfg.c - syslinux.cfg text: DEFAULT, LABEL and APPEND lines. */
struct bootcfg {
	char *text;		/* the file, NUL-terminated */
	char *deflt;		/* DEFAULT argument or NULL */
	char **labels;		/* LABEL names in file order */
	size_t nlabels;
};
int bootcfg_parse(const char *text, struct bootcfg *c);
void bootcfg_free(struct bootcfg *c);
int bootcfg_has(const struct bootcfg *c, const char *label);
char *bootcfg_labels_str(const struct bootcfg *c);	/* "a, b, c" */
/* New text with DEFAULT set to label (added first if there is none). */
char *bootcfg_set_default(const char *text, const char *label);
/* New text where LABEL label's APPEND has bench.label=value. */
char *bootcfg_set_param(const char *text, const char *label,
			const char *key, const char *value);
/* The APPEND arguments of LABEL label (malloc'ed; "" if it has no APPEND),
 * NULL if there is no such label or memory ran out. */
char *bootcfg_append(const char *text, const char *label);

/* profile.c - pick the boot entry of an image (both cfg files). */
struct profile_req {
	const char *image;
	const struct img_part *boot;
	const char *workdir;	/* scratch space for copies */
	const char *profile;	/* NULL: keep DEFAULT */
	const char *label;	/* NULL: keep APPEND */
};
struct profile_res {
	char *chosen;		/* the DEFAULT now in effect */
	char *previous;		/* the DEFAULT before, if it changed */
	char *available;	/* "a, b, c" when the profile is unknown */
	const char *failed;	/* file or step that failed */
};
int profile_select(const struct profile_req *q, struct profile_res *r);
void profile_res_free(struct profile_res *r);

/* fsutil.c */
char *fs_mkdtemp(const char *parent, const char *prefix);
int fs_remove_tree(const char *path);
int fs_same_tree(const char *a, const char *b);	/* 1 same, 0 differ */
int fs_exists(const char *path);
int fs_write_text(const char *path, const char *text);
char *fs_join(const char *dir, const char *name);

/* collect.c - runs on BENCHRES, read without mounting (debugfs). */
struct col_list {
	char **ids;		/* run ids, sorted */
	size_t n;
};
void col_list_free(struct col_list *l);
/* Run ids under /runs (an absent /runs is an empty list).  On failure
 * *errtext may hold debugfs' message (malloc'ed). */
int col_list_runs(const char *image, const struct img_part *res,
		  struct col_list *l, char **errtext);
/* rdump what (/runs or /runs/<id>) into a new directory under parent
 * (NULL: $TMPDIR); the copy is (*dir)/<basename of what>.  An absent /runs
 * gives an empty (*dir)/runs. */
int col_extract(const char *image, const struct img_part *res,
		const char *what, const char *parent, char **dir,
		char **errtext);
enum col_install { COL_NEW, COL_SAME, COL_DIFFERS };
struct col_src {
	const char *image;
	const struct img_part *res;
};
/* Put run id, extracted at src, at dest unless dest exists (then compare).
 * src on another file system than dest: dumped again from the image into
 * dest's directory.  COL_* or -errno (*errtext: debugfs' message). */
int col_install(const struct col_src *from, const char *src, const char *id,
		const char *dest, char **errtext);
int col_is_done(const char *rundir);

/* diskfmt.c - an image in any format qemu-img reads, read as raw: the
 * image itself when it is raw, else a converted copy under $TMPDIR. */
struct dfmt_img {
	char *format;		/* qemu-img's name ("raw", "vmdk", ...);
				 * NULL: qemu-img is not installed */
	const char *raw;	/* the raw image to read: the image or copy */
	char *copy, *dir;	/* the copy and its private directory */
	const char *failed;	/* the step that failed ("qemu-img check") */
	char *said;		/* what qemu-img said about it (one line) */
};
/* The image's format (it is never written to).  0 or -errno; then
 * d->failed names the step (NULL: the image cannot be opened). */
int dfmt_detect(const char *image, struct dfmt_img *d);
/* Check a non-raw image and convert it, sparse, into d->copy; then
 * d->raw is the copy.  0 or -errno with d->failed. */
int dfmt_convert(const char *image, struct dfmt_img *d);
/* Remove the copy and its directory (d->dir); 0 or -errno. */
int dfmt_remove(const struct dfmt_img *d);
void dfmt_free(struct dfmt_img *d);

/* table.c - rows of strings; plain text, CSV or Markdown. */
enum table_fmt { TABLE_PLAIN, TABLE_CSV, TABLE_MARKDOWN };
struct table;
struct table *table_new(size_t ncols, const char *const head[],
			const unsigned char right[]);
void table_free(struct table *t);
int table_add_row(struct table *t, const char *const cells[]);
int table_print(const struct table *t, enum table_fmt fmt, FILE *f);

/* summary.c - rows from dir/summary.json: run label instance workload
 * metric unit better n median MAD CV min max status reason. */
#define SUM_NCOLS	15
struct sum_err {
	int line, column;	/* of a JSON syntax error, else 0 */
	char *text;		/* what is wrong (malloc'ed) */
};
struct sum_info {
	char *run, *status, *reason;	/* of the run, from summary.json */
	int done;			/* DONE exists */
};
/* 0; -ENOENT (missing) or -1 (bad file) with e->text; -ENOMEM. */
int summary_rows(const char *dir, enum table_fmt fmt, struct table *t,
		 struct sum_info *info, struct sum_err *e);
void sum_info_free(struct sum_info *info);

/* cmd_show.c - print the runs' table and notes; -1 if a file was bad
 * (reported).  *all_ok: every run has DONE and status ok. */
int show_runs(const char *const dirs[], size_t n, enum table_fmt f,
	      int *all_ok);

/* kvm.c - which accelerator to use. */
enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };
struct accel_choice {
	enum accel accel;	/* KVM or TCG */
	char *why;		/* for the "accel:" line on stderr */
	int cache_err;		/* -errno if the verdict was not cached */
};
struct kvm_probe_req {
	const char *qemu;	/* the QEMU binary */
	const char *kernel;	/* a kernel to boot */
	const char *workdir;
	const char *cache;	/* cache file, NULL: none */
	int timeout_ms;
};
int kvm_usable(char **why);		/* 1 yes, 0 no (why malloc'ed) */
char *kvm_cache_path(void);		/* NULL: no cache */
int kvm_probe(const struct kvm_probe_req *q, struct accel_choice *c);

/* vhw.c - the virtual machine of `twinbench run`: names and checks. */
enum vm_machine { VM_PC, VM_Q35, VM_MICROVM };
enum vm_bus { BUS_VIRTIO_BLK, BUS_VIRTIO_SCSI, BUS_AHCI, BUS_IDE, BUS_NVME,
	      BUS_LSI };
enum vm_nic { NIC_NONE, NIC_VIRTIO, NIC_E1000, NIC_E1000E, NIC_RTL8139,
	      NIC_VMXNET3 };
enum vm_fw { FW_BIOS, FW_UEFI };
enum vm_boot { BOOT_DISK, BOOT_CDROM, BOOT_PXE, BOOT_KERNEL };
enum vhw_kind { VHW_MACHINE, VHW_BUS, VHW_NIC, VHW_FW, VHW_BOOT };
#define VM_MAX_NICS	8
struct vm_hw {
	enum vm_machine machine;
	enum vm_bus bus;
	enum vm_nic nics[VM_MAX_NICS];	/* nics[0]: the PXE boot NIC */
	size_t nnics;
	enum vm_fw fw;
	enum vm_boot boot;
};
int vhw_parse(enum vhw_kind k, const char *name, int *value);	/* 0, -1 */
const char *vhw_name(enum vhw_kind k, int value);
const char *vhw_usage(enum vhw_kind k);	/* "--nic: none, virtio, ..." */
/* NULL if QEMU can build and boot this machine, else why not. */
const char *vhw_check(const struct vm_hw *h);
/* OVMF: code (read-only) and the variable store to copy, or code alone
 * (a combined image, for -bios); -ENOENT if the ovmf package is missing. */
int vhw_ovmf(const char **code, const char **vars);

/* qemu.c */
struct qemu_cfg {
	const char *qemu;	/* binary */
	enum accel accel;	/* KVM or TCG */
	unsigned memory_mib, cpus;
	const char *serial_log;	/* NULL: console only on stdout */
	struct vm_hw hw;
	const char *disk;	/* raw disk image on hw.bus (NULL: none) */
	const char *iso;	/* CD-ROM (boot cdrom) */
	const char *tftp_dir;	/* boot pxe: QEMU's TFTP root ... */
	const char *pxe_file;	/* ... and the DHCP boot file in it */
	const char *kernel, *initrd, *append;	/* boot kernel */
	const char *params;	/* fw_cfg opt/org.twinbench/cmdline */
	const char *ovmf_code, *ovmf_vars;	/* uefi (vars: a copy) */
	/* the peer link (peer.h): NIC 0's whole -netdev instead of its
	 * user-mode network, or more options for that network; its MAC */
	const char *netdev0, *user0, *mac0;
};
const char *qemu_binary(void);	/* $TWINBENCH_QEMU or the default */
struct argv_buf {
	char **v;
	size_t n, cap;
	int err;		/* sticky: allocation failed */
};
void argv_add(struct argv_buf *a, const char *s);
void argv_add_owned(struct argv_buf *a, char *s);	/* takes s */
/* s with every ',' doubled, for QEMU's option syntax (malloc'ed) */
char *qemu_opt_escape(const char *s);
/* prefix + path (commas doubled, for QEMU's option syntax) + suffix */
void argv_add_escaped(struct argv_buf *a, const char *prefix,
		      const char *path, const char *suffix);
/* qemu_dev.c: firmware, disks, CD-ROM, NIC, kernel, fw_cfg of a run */
void qemu_devices(struct argv_buf *a, const struct qemu_cfg *c);
/* argv (NULL-terminated, free with qemu_argv_free) */
char **qemu_argv(const struct qemu_cfg *c);
/* argv of the probe: the run's CPU and accel, -kernel, serial to log */
char **qemu_probe_argv(const char *qemu, const char *kernel, const char *log);
void qemu_argv_free(char **argv);
char *qemu_argv_str(char *const argv[]);	/* for messages */

/* run_opts.c - the command line of `twinbench run` */
#define RUN_MEMORY_MIB	512
#define RUN_CPUS	2
#define RUN_TIMEOUT_S	1800
#define RUN_TIMEOUT_MAX	2000000	/* s; in ms it still fits an int */
#define RUN_PROBE_MS	10000	/* deadline of the KVM probe boot */

struct run_opts {
	const char *image, *profile, *label, *serial_log, *out;
	const char *results_disk, *pxe_file;
	const char *peer, *token;	/* --peer IMAGE|ADDR[:PORT], --token */
	unsigned peer_memory_mib;	/* --peer-memory (0: RUN_MEMORY_MIB) */
	enum accel accel;
	unsigned memory_mib, cpus, timeout_s;
	struct vm_hw hw;
	int console;		/* the whole serial console on stdout */
};

/* 0: go on; -1: help was printed (exit 0); else the exit status. */
int run_parse(int argc, char **argv, struct run_opts *o);
/* A profile, label or run id: letters, digits, '.', '_', '-' (1..64). */
int run_valid_name(const char *s);

/* bootsrc.c - what a boot method needs from its IMAGE. */
struct boot_src {
	char *kernel;		/* for the KVM probe and -kernel */
	char *initrd, *append;	/* boot kernel */
	char *params;		/* fw_cfg parameters (cdrom, pxe) or NULL */
	char *ovmf_vars;	/* the run's copy of the UEFI variables */
	const char *ovmf_code;
	const char *pxe_file;	/* boot pxe: the DHCP boot file */
	const char *failed;	/* what failed, for the message */
};
struct boot_req {
	const struct run_opts *o;
	const char *workdir;
	const struct img_part *boot;	/* BENCHBOOT of o->image (disk,
					 * kernel), else NULL */
};
/* 0 or -errno with src->failed set. */
int boot_src_prepare(const struct boot_req *q, struct boot_src *src);
/* src->kernel for the KVM probe, copied out of the image if need be. */
int boot_src_kernel(const struct boot_req *q, struct boot_src *src);
void boot_src_free(struct boot_src *src);

/* console.c - a run read from the serial console: the TWINBENCH lines
 * into dir/<run-id>/ (samples.jsonl, console.log, summary.json made on the
 * host, hardware.json, DONE if TWINBENCH-DONE came).  *id: the run id
 * (malloc'ed).  0, -ENOENT (no TWINBENCH line at all) or -errno. */
int console_run(const char *log, const char *dir, char **id);

/* readback.c - the run a boot added, copied out and shown; 0 if it is
 * complete and ok. */
struct rb_req {
	const char *image;		/* holds BENCHRES */
	const struct img_part *res;
	const struct col_list *before;	/* runs there before the boot */
	const char *out;		/* --out DIR or NULL */
	const char *work;		/* scratch directory */
};
int readback_res(const struct rb_req *q);
int readback_console(const char *log, const char *out, const char *work);

/* subcommands */
int cmd_run(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_console(int argc, char **argv);

#endif
