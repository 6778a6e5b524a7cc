# image-builder/tools.mk - the pinned upstream tools as static musl binaries
# (contract: $(B)/tools/bzip2 -> /usr/bin/bzip2, $(B)/tools/mke2fs ->
# /usr/bin/mke2fs in the initramfs).  Included from image-builder/image.mk.
#
# The Debian source packages are the ones pinned in image-builder/inputs.lock
# and verified into $(DL_DIR) by `make source`.  Each one is unpacked with
# dpkg-source (Debian's patches applied) into $(B)/src/<pkg>_<version>/ and
# built out of tree in $(B)/build/<pkg>/, whose build.log keeps the full
# output (V=1 shows it too).  The build scripts start from scratch, so a
# tool is rebuilt whole when its pinned source or its script changes.

TOOLS_LOCK := image-builder/inputs.lock
TOOLS_BZIP2 := $(B)/tools/bzip2
TOOLS_MKE2FS := $(B)/tools/mke2fs
TOOLS := $(TOOLS_BZIP2) $(TOOLS_MKE2FS)

# tools_src PKG,REGEX: the first file pinned for source package PKG (lock
# kind src or src-trixie) whose name matches REGEX (an awk regex, $$ for $)
tools_src = $(shell awk '($$1 == "src" || $$1 == "src-trixie") && \
	$$2 == "$(1)" && $$4 ~ /$(2)/ { print $$4; exit }' $(TOOLS_LOCK))
# tools_dsc PKG: file name of the .dsc pinned for source package PKG
tools_dsc = $(call tools_src,$(1),\.dsc$$)
TOOLS_BZIP2_DSC := $(call tools_dsc,bzip2)
TOOLS_E2FS_DSC := $(call tools_dsc,e2fsprogs)

# what every tool build depends on besides its own script
TOOLS_DEPS := $(DL_DIR)/.verified image-builder/tools-lib.sh \
	image-builder/tools.mk

# tools_build SCRIPT,DSC,PKG: the recipe line.  $(MAKE) in it shares the
# jobserver with the upstream builds.
tools_build = $(Q)MAKE="$(MAKE)" MUSL_CC="$(MUSL_CC)" V=$(V) \
	sh image-builder/$(1) $(DL_DIR)/$(2) $(B)/src/$(2:.dsc=) \
	$(B)/build/$(3) $@

.PHONY: tools
tools: $(TOOLS)

$(TOOLS_BZIP2): image-builder/build-bzip2.sh $(TOOLS_DEPS)
	$(call tools_build,build-bzip2.sh,$(TOOLS_BZIP2_DSC),bzip2)

$(TOOLS_MKE2FS): image-builder/build-e2fsprogs.sh $(TOOLS_DEPS)
	$(call tools_build,build-e2fsprogs.sh,$(TOOLS_E2FS_DSC),e2fsprogs)
