# image-builder/image.mk - pinned inputs -> vmlinuz, initrd.img, disk.img,
# manifest.json for each flavour under $(O)/<flavour>/.

include image-builder/tools.mk
# One fragment per further pinned upstream tool (image-builder/tool-NAME.mk).
include $(sort $(wildcard image-builder/tool-*.mk))

# What else goes into the initramfs, added by the fragments:
#   IMAGE_FILES += DEST=SRC       one file (DEST without the leading /)
#   IMAGE_TREES += DEST=SRCDIR    a whole directory; SRCDIR/.stamp must be
#                                 the target that builds it
# Mode: 0755 if the source is executable, else 0644.
#   BOOT_FILES += DEST=SRC        a file for the BENCHBOOT partition
IMAGE_FILES ?=
IMAGE_TREES ?=
BOOT_FILES ?=
image_srcs = $(foreach f,$(IMAGE_FILES),$(lastword $(subst =, ,$(f)))) \
	$(foreach t,$(IMAGE_TREES),$(lastword $(subst =, ,$(t)))/.stamp)

LOCK := image-builder/inputs.lock
lock_file = $(shell awk '$$2 == "$(1)" {print $$4; exit}' $(LOCK))
KPKG := $(shell awk '$$2 ~ /^linux-image-.*-amd64$$/ {print $$2; exit}' $(LOCK))
KREL := $(KPKG:linux-image-%=%)
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown)
BOOT_MIB ?= 64
RES_MIB ?= 256
SCRATCH_MIB ?= 2048
DEFAULT_PROFILE ?= default
FORMATS := qcow2 vmdk vdi vhdx
FLAVOURS := guest host
PROFILE_FILES := $(sort $(wildcard profiles/*.profile))
MKCPIO := $(B)/bin/mkcpio
KROOT := $(B)/kernel/root
SYSLINUX_ROOT := $(B)/syslinux/root
BUSYBOX_BIN := $(B)/busybox/root/bin/busybox
IB_SCRIPTS := image-builder/initramfs.sh image-builder/modules.sh

.PHONY: kernel

$(MKCPIO): $(call host_objs,image-builder/mkcpio.c)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) -o $@ $^

# unpack_deb STAMP, PACKAGES: extract pinned .debs into the stamp's root/.
define unpack_debs
	$(call msg,UNPACK,"$(2)")
	$(Q)rm -rf $(dir $(1))root && mkdir -p $(dir $(1))root
	$(Q)for p in $(2); do dpkg-deb -x $(DL_DIR)/$$(awk -v p=$$p \
		'$$2 == p {print $$4; exit}' $(LOCK)) $(dir $(1))root || exit 1; done
	$(Q)touch $(1)
endef

$(B)/kernel/.stamp: $(DL_DIR)/.verified
	$(call unpack_debs,$@,$(KPKG))
	$(Q)depmod -b $(KROOT) $(KREL)
$(B)/busybox/.stamp: $(DL_DIR)/.verified
	$(call unpack_debs,$@,busybox-static)
$(B)/syslinux/.stamp: $(DL_DIR)/.verified
	$(call unpack_debs,$@,syslinux syslinux-common syslinux-efi)

kernel: $(B)/kernel/.stamp

# flavour_rules NAME, MODULE-LISTS
define flavour_rules
.PHONY: $(1)
$(1): $(O)/$(1)/vmlinuz $(O)/$(1)/initrd.img $(O)/$(1)/disk.img \
	$(O)/$(1)/rootfs.tar $(O)/$(1)/manifest.json \
	$(O)/$(1)/twinbench.iso $(O)/$(1)/pxe/.stamp

.PHONY: formats-$(1)
formats-$(1): $(foreach f,$(FORMATS),$(O)/$(1)/disk.$(f)) $(O)/$(1)/formats.sha256

$(O)/$(1)/vmlinuz: $(B)/kernel/.stamp
	$$(call msg,CP,$$@)
	@mkdir -p $$(@D)
	$$(Q)cp $(KROOT)/boot/vmlinuz-$(KREL) $$@

$(B)/img-$(1)/initramfs/list: $(APPLIANCE_BIN) $(B)/tools/bzip2 \
		$(B)/tools/mke2fs $(B)/kernel/.stamp $(B)/busybox/.stamp \
		$(PROFILE_FILES) $(2) $(LOCK) $(IB_SCRIPTS) $$(image_srcs)
	$$(call msg,GEN,$$@)
	$$(Q)KROOT=$(KROOT) KREL=$(KREL) MODLISTS="$(2)" \
		EXTRA_FILES="$(IMAGE_FILES)" EXTRA_TREES="$(IMAGE_TREES)" \
		APPLIANCE=$(APPLIANCE_BIN) TOOLS=$(B)/tools \
		BUSYBOX=$(BUSYBOX_BIN) PROFILES=profiles LOCK=$(LOCK) \
		VERSION=$(VERSION) SEED=$(SEED) \
		bash image-builder/initramfs.sh $$(@D) $(1)

$(O)/$(1)/initrd.img: $(B)/img-$(1)/initramfs/list $(MKCPIO)
	$$(call msg,CPIO,$$@)
	@mkdir -p $$(@D)
	$$(Q)$(MKCPIO) -t $(SOURCE_DATE_EPOCH) $$< > $$@.cpio
	$$(Q)zstd -q -f -19 --zstd=wlog=20 -T1 --no-progress $$@.cpio -o $$@.zst
	$$(Q)rm -f $$@.cpio && mv $$@.zst $$@

$(O)/$(1)/disk.img: $(O)/$(1)/vmlinuz $(O)/$(1)/initrd.img \
		$(B)/syslinux/.stamp $(B)/tools/mke2fs $(PROFILE_FILES) \
		$$(foreach f,$$(BOOT_FILES),$$(lastword $$(subst =, ,$$(f)))) \
		image-builder/mkdisk.sh image-builder/media-lib.sh
	$$(call msg,DISK,$$@)
	$$(Q)VMLINUZ=$(O)/$(1)/vmlinuz INITRD=$(O)/$(1)/initrd.img \
		PROFILES=profiles SYSLINUX=$(SYSLINUX_ROOT) SEED=$(SEED) \
		MKE2FS=$(B)/tools/mke2fs BOOT_FILES="$(BOOT_FILES)" \
		BOOT_MIB=$(BOOT_MIB) RES_MIB=$(RES_MIB) \
		SCRATCH_MIB=$(SCRATCH_MIB) DEFAULT_PROFILE=$(DEFAULT_PROFILE) \
		bash image-builder/mkdisk.sh $$@ $(B)/img-$(1)/disk

$(O)/$(1)/rootfs.tar: $(B)/img-$(1)/initramfs/list image-builder/mkrootfs.sh
	$$(call msg,TAR,$$@)
	$$(Q)bash image-builder/mkrootfs.sh $$< $$@ $(B)/img-$(1)/rootfs

$(foreach f,$(FORMATS),$(O)/$(1)/disk.$(f)): $(O)/$(1)/disk.%: \
		$(O)/$(1)/disk.img image-builder/formats.sh
	$$(call msg,CONVERT,$$@)
	$$(Q)SEED=$(SEED) bash image-builder/formats.sh $$< $$* $$@

$(O)/$(1)/formats.sha256: $(foreach f,$(FORMATS),$(O)/$(1)/disk.$(f))
	$$(Q)cd $(O)/$(1) && sha256sum $(foreach f,$(FORMATS),disk.$(f)) > formats.sha256

$(O)/$(1)/manifest.json: $(B)/img-$(1)/initramfs/list $(O)/$(1)/vmlinuz \
		$(O)/$(1)/initrd.img $(O)/$(1)/disk.img $(O)/$(1)/rootfs.tar \
		image-builder/manifest.sh
	$$(call msg,GEN,$$@)
	$$(Q)bash image-builder/manifest.sh $(B)/img-$(1)/initramfs/manifest.json \
		$(O)/$(1) vmlinuz initrd.img disk.img rootfs.tar > $$@.tmp
	$$(Q)mv $$@.tmp $$@
endef

# The flavours are instantiated at the end of the top Makefile, once every
# fragment has added its IMAGE_FILES and IMAGE_TREES.
