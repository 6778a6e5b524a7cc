/* vhw.c - the virtual hardware of `twinbench run`: the names of machines,
 * disk buses, NICs, firmware and boot methods, and which combinations QEMU
 * can build and boot.
 *
 * Rules (each says why in its message):
 *   microvm   has no PCI and no firmware that reads disks: virtio-mmio
 *             devices only (--disk-bus virtio-blk, --nic none|virtio),
 *             its own qboot BIOS, and --boot kernel.
 *   ide       the PIIX IDE controller exists only on machine pc (q35's
 *             ICH9 disk controller is AHCI).
 *   pxe       needs a NIC (the first one of --nic boots).
 *   lsi + uefi + disk/cdrom: OVMF has no driver for the LSI 53C895A, so
 *             the firmware cannot read the boot disk (--boot kernel and
 *             pxe work: the disk is then only for data).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"

struct vhw_name {
	const char *name;
	int value;
};

static const struct vhw_name machines[] = {
	{ "pc", VM_PC }, { "q35", VM_Q35 }, { "microvm", VM_MICROVM },
	{ NULL, 0 },
};
static const struct vhw_name buses[] = {
	{ "virtio-blk", BUS_VIRTIO_BLK }, { "virtio-scsi", BUS_VIRTIO_SCSI },
	{ "ahci", BUS_AHCI }, { "ide", BUS_IDE }, { "nvme", BUS_NVME },
	{ "lsi", BUS_LSI }, { NULL, 0 },
};
static const struct vhw_name nics[] = {
	{ "none", NIC_NONE }, { "virtio", NIC_VIRTIO }, { "e1000", NIC_E1000 },
	{ "e1000e", NIC_E1000E }, { "rtl8139", NIC_RTL8139 },
	{ "vmxnet3", NIC_VMXNET3 }, { NULL, 0 },
};
static const struct vhw_name firmwares[] = {
	{ "bios", FW_BIOS }, { "uefi", FW_UEFI }, { NULL, 0 },
};
static const struct vhw_name boots[] = {
	{ "disk", BOOT_DISK }, { "cdrom", BOOT_CDROM }, { "pxe", BOOT_PXE },
	{ "kernel", BOOT_KERNEL }, { NULL, 0 },
};

static const struct {
	const struct vhw_name *names;
	const char *usage;
} kinds[] = {
	[VHW_MACHINE] = { machines, "--machine: pc, q35 or microvm" },
	[VHW_BUS] = { buses, "--disk-bus: virtio-blk, virtio-scsi, ahci, "
		      "ide, nvme or lsi" },
	[VHW_NIC] = { nics, "--nic: none, or a comma-separated list of "
		      "virtio, e1000, e1000e, rtl8139, vmxnet3 (at most 8)" },
	[VHW_FW] = { firmwares, "--firmware: bios or uefi" },
	[VHW_BOOT] = { boots, "--boot: disk, cdrom, pxe or kernel" },
};

int vhw_parse(enum vhw_kind k, const char *name, int *value)
{
	for (const struct vhw_name *n = kinds[k].names; n->name; n++)
		if (!strcmp(n->name, name)) {
			*value = n->value;
			return 0;
		}
	return -1;
}

const char *vhw_name(enum vhw_kind k, int value)
{
	for (const struct vhw_name *n = kinds[k].names; n->name; n++)
		if (n->value == value)
			return n->name;
	return "?";
}

const char *vhw_usage(enum vhw_kind k)
{
	return kinds[k].usage;
}

static const char *check_microvm(const struct vm_hw *h)
{
	if (h->boot != BOOT_KERNEL)
		return "--machine microvm: its firmware (qboot) boots no disk, "
		       "CD or network: use --boot kernel";
	if (h->fw != FW_BIOS)
		return "--machine microvm: no UEFI firmware for it; use "
		       "--firmware bios (qboot)";
	if (h->bus != BUS_VIRTIO_BLK)
		return "--machine microvm: no PCI, so the disk must be "
		       "virtio-blk (virtio-mmio)";
	for (size_t i = 0; i < h->nnics; i++)
		if (h->nics[i] != NIC_VIRTIO)
			return "--machine microvm: no PCI, so NICs must be "
			       "virtio (virtio-mmio)";
	return NULL;
}

const char *vhw_check(const struct vm_hw *h)
{
	if (h->machine == VM_MICROVM)
		return check_microvm(h);
	if (h->bus == BUS_IDE && h->machine != VM_PC)
		return "--disk-bus ide: the PIIX IDE controller exists only on "
		       "--machine pc (q35's disk controller is AHCI)";
	if (h->boot == BOOT_PXE && h->nnics == 0)
		return "--boot pxe needs a NIC: --nic virtio, e1000, e1000e, "
		       "rtl8139 or vmxnet3";
	if (h->bus == BUS_LSI && h->fw == FW_UEFI &&
	    (h->boot == BOOT_DISK || h->boot == BOOT_CDROM))
		return "--disk-bus lsi --firmware uefi: OVMF has no LSI "
		       "53C895A driver and cannot boot from it; use --boot "
		       "kernel or pxe, or --firmware bios";
	return NULL;
}

/* The combined image first: with Debian's split OVMF_CODE*.fd on pflash
 * (OVMF 2022.11, QEMU 7.2), Linux never finishes probing the PIIX IDE ports
 * of machine pc afterwards; with OVMF.fd as -bios it does.  The variables
 * are then volatile, which a one-shot benchmark boot does not mind. */
static const char *const ovmf_pairs[][2] = {
	{ "/usr/share/ovmf/OVMF.fd", NULL },
	{ "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd" },
	{ "/usr/share/OVMF/OVMF_CODE_4M.fd",
	  "/usr/share/OVMF/OVMF_VARS_4M.fd" },
};

int vhw_ovmf(const char **code, const char **vars)
{
	for (size_t i = 0; i < sizeof(ovmf_pairs) / sizeof(*ovmf_pairs); i++) {
		if (access(ovmf_pairs[i][0], R_OK) ||
		    (ovmf_pairs[i][1] && access(ovmf_pairs[i][1], R_OK)))
			continue;
		*code = ovmf_pairs[i][0];
		*vars = ovmf_pairs[i][1];
		return 0;
	}
	return -ENOENT;
}
