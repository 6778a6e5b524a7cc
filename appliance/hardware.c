/* hardware.c - PID 1: the (virtual) hardware the appliance found, as one
 * JSON object: firmware, boot medium, DMI product, hypervisor signature,
 * and the driver behind every disk and NIC.  It goes into the run's
 * manifest.json as "hardware" and once onto the console as
 * `TWINBENCH-HARDWARE {json}`, so a boot without a results disk (ISO, PXE)
 * still tells the host what it ran on.
 *
 * Drivers come from sysfs: /sys/block/NAME/device and
 * /sys/class/net/NAME/device are walked up towards /sys/devices; the first
 * bound driver that is not a SCSI upper-level driver (sd, sr) is the
 * controller's (virtio_blk, virtio_scsi, ahci, ata_piix, nvme, sym53c8xx,
 * e1000, ...), the next one above it the transport (virtio-pci,
 * virtio-mmio, ...).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "boot.h"
#include "tb_json.h"
#include "tb_util.h"

#define FWCFG "/sys/firmware/qemu_fw_cfg/by_name/"

struct drivers {
	char ctl[64];		/* the controller's driver, "" if none */
	char transport[64];	/* the driver above it, "" if none */
};

/* Basename of the target of symlink path into out; 0 or -1. */
static int link_base(const char *path, char *out, size_t n)
{
	char t[PATH_MAX];
	ssize_t len = readlink(path, t, sizeof(t) - 1);
	const char *b;

	if (len <= 0)
		return -1;
	t[len] = '\0';
	b = strrchr(t, '/');
	b = b ? b + 1 : t;
	if (strlen(b) >= n)
		return -1;
	memcpy(out, b, strlen(b) + 1);
	return 0;
}

static int upper_level(const char *drv)
{
	return !strcmp(drv, "sd") || !strcmp(drv, "sr");
}

/* Walk from the device dev (a sysfs symlink) up to /sys/devices. */
static void find_drivers(const char *dev, struct drivers *d)
{
	char p[PATH_MAX], link[PATH_MAX + 8], drv[64], *slash;

	memset(d, 0, sizeof(*d));
	if (!realpath(dev, p))
		return;
	while (strlen(p) > strlen("/sys/devices/") && !d->transport[0]) {
		if (snprintf(link, sizeof(link), "%s/driver", p) <
		    (int)sizeof(link) && !link_base(link, drv, sizeof(drv)) &&
		    !upper_level(drv)) {
			if (!d->ctl[0])
				memcpy(d->ctl, drv, sizeof(drv));
			else
				memcpy(d->transport, drv, sizeof(drv));
		}
		slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

void hardware_block_driver(const char *dev, char *out, size_t n)
{
	struct drivers d;

	find_drivers(dev, &d);
	snprintf(out, n, "%s", d.ctl);
}

static const struct {
	const char *driver, *bus;
} bus_names[] = {
	{ "virtio_blk", "virtio-blk" }, { "virtio_scsi", "virtio-scsi" },
	{ "ahci", "ahci" }, { "ata_piix", "ide" }, { "ata_generic", "ide" },
	{ "nvme", "nvme" }, { "sym53c8xx", "scsi" }, { "mptspi", "scsi" },
	{ "BusLogic", "scsi" }, { "vmw_pvscsi", "pvscsi" },
	{ "hv_storvsc", "hyperv" }, { "vbd", "xen" },
	{ "usb-storage", "usb" }, { "uas", "usb" },
};

static const char *bus_of(const char *driver)
{
	for (size_t i = 0; i < sizeof(bus_names) / sizeof(*bus_names); i++)
		if (!strcmp(driver, bus_names[i].driver))
			return bus_names[i].bus;
	return driver;
}

static void kstr_or_null(struct tb_json *j, const char *k, const char *v)
{
	tb_json_key(j, k);
	v && *v ? tb_json_str(j, v) : tb_json_null(j);
}

/* key: the first line of dir/name, or null */
static void kfile(struct tb_json *j, const char *k, const char *dir,
		  const char *name)
{
	char *path = tb_strdupf("%s/%s", dir, name);
	char *v = path ? fs_read_line(path) : NULL;

	kstr_or_null(j, k, v);
	free(v);
	free(path);
}

static void disk_json(struct tb_json *j, const char *name)
{
	char *dir = tb_strdupf("/sys/block/%s", name);
	char *dev = dir ? tb_strdupf("%s/device", dir) : NULL;
	struct drivers d;

	if (!dev) {
		free(dir);
		return;
	}
	find_drivers(dev, &d);
	tb_json_obj_begin(j);
	tb_json_kstr(j, "name", name);
	tb_json_kstr(j, "kind", !strncmp(name, "sr", 2) ? "cdrom" : "disk");
	kstr_or_null(j, "driver", d.ctl);
	kstr_or_null(j, "bus", d.ctl[0] ? bus_of(d.ctl) : NULL);
	kstr_or_null(j, "transport", d.transport);
	kfile(j, "model", dev, "model");
	kfile(j, "sectors", dir, "size");
	tb_json_obj_end(j);
	free(dev);
	free(dir);
}

static int block_filter(const struct dirent *de)
{
	const char *n = de->d_name;

	return n[0] != '.' && strncmp(n, "loop", 4) && strncmp(n, "ram", 3) &&
	       strncmp(n, "zram", 4);
}

static int net_filter(const struct dirent *de)
{
	return de->d_name[0] != '.' && strcmp(de->d_name, "lo");
}

static void nic_json(struct tb_json *j, const char *name)
{
	char *dir = tb_strdupf("/sys/class/net/%s", name);
	char *dev = dir ? tb_strdupf("%s/device", dir) : NULL;
	struct drivers d;

	if (!dev || access(dev, F_OK)) {	/* virtual: no device */
		free(dev);
		free(dir);
		return;
	}
	find_drivers(dev, &d);
	tb_json_obj_begin(j);
	tb_json_kstr(j, "name", name);
	kstr_or_null(j, "driver", d.ctl);
	kstr_or_null(j, "transport", d.transport);
	kfile(j, "mac", dir, "address");
	tb_json_obj_end(j);
	free(dev);
	free(dir);
}

/* key: [ each(name) for the entries of dir, sorted ] */
static void list_json(struct tb_json *j, const char *key, const char *dir,
		      int (*filter)(const struct dirent *),
		      void (*each)(struct tb_json *, const char *))
{
	struct dirent **l = NULL;
	int n = scandir(dir, &l, filter, alphasort);

	tb_json_key(j, key);
	tb_json_arr_begin(j);
	for (int i = 0; i < n; i++) {
		each(j, l[i]->d_name);
		free(l[i]);
	}
	free(l);
	tb_json_arr_end(j);
}

/* A word of the command line that starts with prefix? */
static int has_param(const char *cmdline, const char *prefix)
{
	const char *p = cmdline;

	while (p && (p = strstr(p, prefix)) != NULL) {
		if (p == cmdline || p[-1] == ' ')
			return 1;
		p++;
	}
	return 0;
}

static int qemu_kernel_boot(void)
{
	return !access(FWCFG "genroms/linuxboot_dma.bin", F_OK) ||
	       !access(FWCFG "genroms/linuxboot.bin", F_OK);
}

/* How the kernel got here: "pxe", "cdrom", "kernel", "disk" or
 * "unknown", and the evidence for it. */
static const char *boot_medium(const struct app *a, int efi,
			       const char **why)
{
	const char *c = a->cmdline ? a->cmdline : "";

	*why = "BOOTIF= on the command line (pxelinux IPAPPEND 2, iPXE)";
	if (has_param(c, "BOOTIF="))
		return "pxe";
	if (a->boot_dev && a->boot_fs && !strcmp(a->boot_fs, "iso9660")) {
		if (!strncmp(a->boot_dev, "/dev/sr", 7)) {
			*why = "the TWINBENCH ISO 9660 volume is in an "
			       "optical drive";
			return "cdrom";
		}
		*why = "the TWINBENCH ISO 9660 volume is on a disk (the ISO "
		       "written to a USB stick)";
		return "disk";
	}
	*why = "QEMU's fw_cfg holds its linuxboot ROM: -kernel";
	if (qemu_kernel_boot())
		return "kernel";
	if (has_param(c, "BOOT_IMAGE=")) {
		*why = a->boot_dev ? "BOOT_IMAGE= (a boot loader) and a "
		       "BENCHBOOT partition" : "BOOT_IMAGE= (a boot loader) "
		       "but no BENCHBOOT partition";
		return a->boot_dev ? "disk" : "unknown";
	}
	*why = "UEFI boot loader without BOOT_IMAGE= (systemd-boot) and a "
	       "BENCHBOOT partition";
	if (efi && a->boot_dev)
		return "disk";
	*why = "no boot loader parameters: loaded directly (Xen PV/PVH, "
	       "kexec, a hypervisor's kernel option)";
	return "kernel";
}

static void boot_json(const struct app *a, struct tb_json *j, int efi)
{
	const char *why, *medium = boot_medium(a, efi, &why);

	tb_json_key(j, "boot");
	tb_json_obj_begin(j);
	tb_json_kstr(j, "medium", medium);
	kstr_or_null(j, "device", a->boot_dev);
	kstr_or_null(j, "fs", a->boot_dev ? a->boot_fs : NULL);
	tb_json_kstr(j, "evidence", why);
	tb_json_obj_end(j);
}

char *hardware_describe(const struct app *a)
{
	struct tb_json j;
	char sig[16], *out = NULL;
	const char *hv = sysinfo_hypervisor(sig, sizeof(sig));
	int efi = access("/sys/firmware/efi", F_OK) == 0;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_json_kstr(&j, "firmware", efi ? "uefi" : "bios");
	boot_json(a, &j, efi);
	kfile(&j, "dmi_product", "/sys/class/dmi/id", "product_name");
	kstr_or_null(&j, "hypervisor", hv && strcmp(hv, "bare") ? hv : NULL);
	kstr_or_null(&j, "hypervisor_signature", sig);
	list_json(&j, "disks", "/sys/block", block_filter, disk_json);
	list_json(&j, "nics", "/sys/class/net", net_filter, nic_json);
	tb_json_obj_end(&j);
	if (!tb_json_error(&j))
		out = strdup(j.buf);
	tb_json_free(&j);
	return out;
}
