# image-builder/media.mk - boot media besides disk.img, for each flavour:
#   $(O)/<flavour>/twinbench.iso   hybrid ISO: CD/DVD or USB stick, BIOS and
#                                  UEFI, with the BOOT_FILES payloads
#                                  (image-builder/mkiso.sh)
#   $(O)/<flavour>/pxe/            TFTP root: pxelinux (BIOS), syslinux.efi
#                                  (UEFI), boot.ipxe, example dnsmasq.conf
#                                  (image-builder/mkpxe.sh); pxe/.stamp is
#                                  the make target
# and, once, $(O)/results-disk.img: a raw disk with one ext4 BENCHRES
# partition for ISO and PXE boots (image-builder/mkresdisk.sh); with
# RESULTS_SCRATCH_MIB=N also an N MiB BENCHSCRATCH partition (delete the
# image first when changing N: make does not see the variable).
#
# media_rules is instantiated per flavour at the end of the top Makefile,
# next to flavour_rules.  `make iso`, `make pxe` build them for every
# instantiated flavour; `make results-disk` the results disk.

RESULTS_MIB ?= $(RES_MIB)
RESULTS_SCRATCH_MIB ?= 0
MEDIA_ROOT := $(B)/media/root
MEDIA_PKGS := isolinux pxelinux syslinux-common syslinux-efi systemd-boot-efi
MEDIA_SCRIPTS := image-builder/media-lib.sh

.PHONY: iso pxe results-disk

$(B)/media/.stamp: $(DL_DIR)/.verified
	$(call unpack_debs,$@,$(MEDIA_PKGS))

results-disk: $(O)/results-disk.img

$(O)/results-disk.img: $(B)/tools/mke2fs image-builder/mkresdisk.sh \
		$(MEDIA_SCRIPTS)
	$(call msg,DISK,$@)
	$(Q)MKE2FS=$(B)/tools/mke2fs SEED=$(SEED) RESULTS_MIB=$(RESULTS_MIB) \
		RESULTS_SCRATCH_MIB=$(RESULTS_SCRATCH_MIB) \
		bash image-builder/mkresdisk.sh $@ $(B)/media/resdisk

# media_rules FLAVOUR
define media_rules
iso: $(O)/$(1)/twinbench.iso
pxe: $(O)/$(1)/pxe/.stamp

$(O)/$(1)/twinbench.iso: $(O)/$(1)/vmlinuz $(O)/$(1)/initrd.img \
		$(B)/media/.stamp $(PROFILE_FILES) image-builder/mkiso.sh \
		$$(foreach f,$$(BOOT_FILES),$$(lastword $$(subst =, ,$$(f)))) \
		$(MEDIA_SCRIPTS)
	$$(call msg,ISO,$$@)
	@mkdir -p $$(@D)
	$$(Q)VMLINUZ=$(O)/$(1)/vmlinuz INITRD=$(O)/$(1)/initrd.img \
		PROFILES=profiles SYSLINUX=$(MEDIA_ROOT) SDBOOT=$(MEDIA_ROOT) \
		SEED=$(SEED) DEFAULT_PROFILE=$(DEFAULT_PROFILE) \
		BOOT_FILES="$(BOOT_FILES)" \
		bash image-builder/mkiso.sh $$@ $(B)/media-$(1)/iso

$(O)/$(1)/pxe/.stamp: $(O)/$(1)/vmlinuz $(O)/$(1)/initrd.img \
		$(B)/media/.stamp $(PROFILE_FILES) image-builder/mkpxe.sh \
		$(MEDIA_SCRIPTS)
	$$(call msg,PXE,$$(@D))
	$$(Q)VMLINUZ=$(O)/$(1)/vmlinuz INITRD=$(O)/$(1)/initrd.img \
		PROFILES=profiles SYSLINUX=$(MEDIA_ROOT) \
		DEFAULT_PROFILE=$(DEFAULT_PROFILE) \
		bash image-builder/mkpxe.sh $(O)/$(1)/pxe
endef
