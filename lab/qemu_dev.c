/* qemu_dev.c - the devices of a `twinbench run` VM on the QEMU command
 * line: firmware, the disk on the chosen bus, the CD-ROM, the NIC, direct
 * kernel boot and the fw_cfg parameters.
 *
 *   virtio-blk   -drive if=virtio (microvm: -device virtio-blk-device)
 *   virtio-scsi  -device virtio-scsi-pci + scsi-hd / scsi-cd
 *   ahci         -device ahci + ide-hd / ide-cd (also on pc, which has none)
 *   ide          the PIIX controller of machine pc: ide-hd on ide.0,
 *                ide-cd on ide.1
 *   nvme         -device nvme (a CD-ROM goes to the machine's own ATA)
 *   lsi          -device lsi53c895a + scsi-hd / scsi-cd
 * The boot device gets bootindex=1, which SeaBIOS and OVMF both follow
 * (an if=virtio disk is the first disk: both boot it without).
 * Each NIC has its own user-mode network; the PXE boot NIC (the first)
 * gets QEMU's TFTP server and DHCP boot file, the others lose their option
 * ROMs (no iPXE attempts).  With --peer the first NIC is on the peer link
 * or has the peer agent's forwarding rules (peer_net.c).
 */
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "tb_util.h"

#define PARAMS_FWCFG	"opt/org.twinbench/cmdline"

struct ctls {
	int scsi, ahci, lsi;	/* controller already on the command line */
};

static void dev(struct argv_buf *a, char *spec)
{
	argv_add(a, "-device");
	argv_add_owned(a, spec);
}

static void add_firmware(struct argv_buf *a, const struct qemu_cfg *c)
{
	if (c->hw.fw != FW_UEFI)
		return;
	if (!c->ovmf_vars) {
		argv_add(a, "-bios");
		argv_add(a, c->ovmf_code);
		return;
	}
	argv_add(a, "-drive");
	argv_add_escaped(a, "if=pflash,format=raw,unit=0,readonly=on,file=",
			 c->ovmf_code, "");
	argv_add(a, "-drive");
	argv_add_escaped(a, "if=pflash,format=raw,unit=1,file=", c->ovmf_vars,
			 "");
}

/* The HBA of bus, once. */
static void add_controller(struct argv_buf *a, struct ctls *st,
			   enum vm_bus bus)
{
	if (bus == BUS_VIRTIO_SCSI && !st->scsi++)
		dev(a, strdup("virtio-scsi-pci,id=scsi0"));
	else if (bus == BUS_AHCI && !st->ahci++)
		dev(a, strdup("ahci,id=ahci0"));
	else if (bus == BUS_LSI && !st->lsi++)
		dev(a, strdup("lsi53c895a,id=lsi0"));
}

static const char *boot_opt(int boot)
{
	return boot ? ",bootindex=1" : "";
}

static void add_disk(struct argv_buf *a, const struct qemu_cfg *c,
		     struct ctls *st, int boot)
{
	const char *b = boot_opt(boot);

	argv_add(a, "-drive");
	if (c->hw.bus == BUS_VIRTIO_BLK && c->hw.machine != VM_MICROVM) {
		/* the short form of virtio-blk-pci, as in the README */
		argv_add_escaped(a, "file=", c->disk, ",format=raw,if=virtio");
		return;
	}
	argv_add_escaped(a, "file=", c->disk, ",format=raw,if=none,id=disk0");
	add_controller(a, st, c->hw.bus);
	switch (c->hw.bus) {
	case BUS_VIRTIO_BLK:
		dev(a, tb_strdupf("virtio-blk-device,drive=disk0%s", b));
		break;
	case BUS_VIRTIO_SCSI:
		dev(a, tb_strdupf("scsi-hd,drive=disk0,bus=scsi0.0%s", b));
		break;
	case BUS_AHCI:
		dev(a, tb_strdupf("ide-hd,drive=disk0,bus=ahci0.0%s", b));
		break;
	case BUS_IDE:
		dev(a, tb_strdupf("ide-hd,drive=disk0,bus=ide.0%s", b));
		break;
	case BUS_NVME:
		dev(a, tb_strdupf("nvme,drive=disk0,serial=twinbench0%s", b));
		break;
	case BUS_LSI:
		dev(a, tb_strdupf("scsi-hd,drive=disk0,bus=lsi0.0%s", b));
		break;
	}
}

/* The CD-ROM on the chosen bus where it has CD drives, else on the
 * machine's own ATA controller (pc: PIIX ide.1, q35: ICH9 AHCI ide.2). */
static void add_cdrom(struct argv_buf *a, const struct qemu_cfg *c,
		      struct ctls *st)
{
	const char *spec;

	argv_add(a, "-drive");
	argv_add_escaped(a, "file=", c->iso, ",format=raw,if=none,id=cd0,"
			 "media=cdrom,readonly=on");
	add_controller(a, st, c->hw.bus);
	if (c->hw.bus == BUS_VIRTIO_SCSI)
		spec = "scsi-cd,drive=cd0,bus=scsi0.0";
	else if (c->hw.bus == BUS_LSI)
		spec = "scsi-cd,drive=cd0,bus=lsi0.0";
	else if (c->hw.bus == BUS_AHCI)
		spec = "ide-cd,drive=cd0,bus=ahci0.1";
	else if (c->hw.machine == VM_Q35)
		spec = "ide-cd,drive=cd0,bus=ide.2";
	else
		spec = "ide-cd,drive=cd0,bus=ide.1";
	dev(a, tb_strdupf("%s%s", spec, boot_opt(1)));
}

static const char *nic_model(const struct qemu_cfg *c, enum vm_nic nic)
{
	switch (nic) {
	case NIC_VIRTIO:
		return c->hw.machine == VM_MICROVM ? "virtio-net-device" :
		       "virtio-net-pci";
	case NIC_E1000:
		return "e1000";
	case NIC_E1000E:
		return "e1000e";
	case NIC_RTL8139:
		return "rtl8139";
	case NIC_VMXNET3:
		return "vmxnet3";
	default:
		return "?";
	}
}

/* NIC i's -netdev: its own user-mode network netI (the PXE boot NIC with
 * QEMU's TFTP root and boot file); NIC 0 may be on the peer link instead
 * (netdev0) or have the peer's forwarding rules (user0). */
static char *netdev_spec(const struct qemu_cfg *c, size_t i, int pxe)
{
	const char *more = i == 0 && c->user0 ? c->user0 : "";
	char *tftp, *s;

	if (i == 0 && c->netdev0)
		return strdup(c->netdev0);
	if (!pxe)
		return tb_strdupf("user,id=net%zu%s", i, more);
	tftp = qemu_opt_escape(c->tftp_dir);
	s = tftp ? tb_strdupf("user,id=net0,tftp=%s,bootfile=%s%s", tftp,
			      c->pxe_file, more) : NULL;
	free(tftp);
	return s;
}

/* NIC i on netI; the PXE boot NIC (the first) boots, the others have no
 * option ROM. */
static void add_nic(struct argv_buf *a, const struct qemu_cfg *c, size_t i)
{
	int pxe = c->hw.boot == BOOT_PXE && i == 0;
	char *mac = i == 0 && c->mac0 ? tb_strdupf(",mac=%s", c->mac0) :
		    strdup("");

	argv_add(a, "-netdev");
	argv_add_owned(a, netdev_spec(c, i, pxe));
	dev(a, mac ? tb_strdupf("%s,netdev=net%zu%s%s",
				nic_model(c, c->hw.nics[i]), i, mac,
				pxe ? ",bootindex=1" : c->hw.machine ==
				VM_MICROVM ? "" : ",romfile=") : NULL);
	free(mac);
}

/* The host's TSC rate in kHz (/proc/cpuinfo "cpu MHz"); 0 if unknown. */
static unsigned long host_tsc_khz(void)
{
	char *text = NULL, *p;
	double mhz = 0;

	if (tb_read_file("/proc/cpuinfo", &text, NULL))
		return 0;
	p = strstr(text, "\ncpu MHz");
	if (p && (p = strchr(p, ':')) != NULL)
		mhz = strtod(p + 1, NULL);
	free(text);
	return mhz > 0 ? (unsigned long)(mhz * 1000 + 0.5) : 0;
}

/* microvm has no HPET and no ACPI PM timer; under TCG the PIT-based TSC
 * calibration then fails (or hangs the boot).  TCG's guest TSC runs at
 * the host's rate, so tell the kernel that rate. */
static void add_kernel(struct argv_buf *a, const struct qemu_cfg *c)
{
	unsigned long khz = 0;

	if (c->hw.machine == VM_MICROVM && c->accel != ACCEL_KVM)
		khz = host_tsc_khz();
	argv_add(a, "-kernel");
	argv_add(a, c->kernel);
	argv_add(a, "-initrd");
	argv_add(a, c->initrd);
	argv_add(a, "-append");
	if (khz)
		argv_add_owned(a, tb_strdupf("%s tsc_early_khz=%lu",
					     c->append, khz));
	else
		argv_add(a, c->append);
}

void qemu_devices(struct argv_buf *a, const struct qemu_cfg *c)
{
	struct ctls st = { 0 };

	add_firmware(a, c);
	if (c->hw.boot == BOOT_CDROM && c->iso)
		add_cdrom(a, c, &st);
	if (c->disk)
		add_disk(a, c, &st, c->hw.boot == BOOT_DISK);
	for (size_t i = 0; i < c->hw.nnics; i++)
		add_nic(a, c, i);
	if (c->hw.boot == BOOT_KERNEL)
		add_kernel(a, c);
	if (c->params) {
		argv_add(a, "-fw_cfg");
		argv_add_escaped(a, "name=" PARAMS_FWCFG ",string=", c->params,
				 "");
	}
}
