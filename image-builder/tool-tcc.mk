# image-builder/tool-tcc.mk - the compiler and the code base of the `build`
# workload.  Included from image-builder/image.mk.
#
#   $(B)/tools/tcc               -> /usr/bin/tcc in the initramfs
#   $(B)/lib/twinbench-cc/       tcc's -B directory: its headers, libtcc1.a,
#                                the pinned musl-dev headers and libraries
#                                (compiled into tcc as /usr/lib/twinbench-cc)
#   $(B)/lib/twinbench-build/    e2fsprogs configured for tcc, with a
#                                Makefile generated from e2fsprogs' own build
#   $(B)/twinbench-build.tar.bz2 both directories (the payload, 7 MB) ->
#                                BENCHBOOT:/twinbench-build.tar.bz2
# In container mode the workload uses the directories (<bindir>/../lib/);
# in the appliance it unpacks the archive onto the scratch disk: in the
# initramfs the payload would take 9 MiB of the 101 MiB VM's RAM.

TOOLS_TCC := $(B)/tools/tcc
TCC_CCDIR := $(B)/lib/twinbench-cc
TCC_TREE := $(B)/lib/twinbench-build
TOOLS_TCC_DSC := $(call tools_dsc,tcc)
TCC_MUSLDEB := $(shell awk '$$1 == "bin" && $$2 == "musl-dev" \
	{ print $$4; exit }' $(TOOLS_LOCK))

TCC_ARCHIVE := $(B)/twinbench-build.tar.bz2

IMAGE_FILES += usr/bin/tcc=$(TOOLS_TCC)
BOOT_FILES += twinbench-build.tar.bz2=$(TCC_ARCHIVE)
# Not read yet (for mkrootfs.sh to wire): the directories for rootfs.tar;
# a container has no BENCHBOOT, and its files are on disk, not in RAM.
ROOTFS_TREES += usr/lib/twinbench-cc=$(TCC_CCDIR) \
	usr/lib/twinbench-build=$(TCC_TREE)

.PHONY: tools
tools: $(TOOLS_TCC) $(TCC_CCDIR)/.stamp $(TCC_TREE)/.stamp $(TCC_ARCHIVE)

$(TOOLS_TCC) $(TCC_CCDIR)/.stamp &: image-builder/build-tcc.sh \
		image-builder/tool-tcc.mk $(TOOLS_DEPS)
	$(Q)MAKE="$(MAKE)" MUSL_CC="$(MUSL_CC)" V=$(V) \
		sh image-builder/build-tcc.sh $(DL_DIR)/$(TOOLS_TCC_DSC) \
		$(B)/src/$(TOOLS_TCC_DSC:.dsc=) $(B)/build/tcc $(TOOLS_TCC) \
		$(TCC_CCDIR) $(DL_DIR)/$(TCC_MUSLDEB)

# e2fsprogs is unpacked again under its own name: build-e2fsprogs.sh
# (mke2fs) owns $(B)/src/e2fsprogs_<version>.
$(TCC_TREE)/.stamp: image-builder/build-e2fsprogs-tree.sh \
		image-builder/tool-tcc.mk $(TOOLS_TCC) $(TCC_CCDIR)/.stamp \
		$(TOOLS_DEPS)
	$(Q)MAKE="$(MAKE)" V=$(V) \
		sh image-builder/build-e2fsprogs-tree.sh \
		$(DL_DIR)/$(TOOLS_E2FS_DSC) \
		$(B)/src/build-tree/$(TOOLS_E2FS_DSC:.dsc=) \
		$(B)/build/build-tree $@ $(TOOLS_TCC) $(TCC_CCDIR)

# ustar (what the workload's unpacker reads), names sorted, owner root,
# time 0 (the unpacker ignores it; the archive changes only with its
# content), compressed with the pinned bzip2: reproducible.  bzip2 -1:
# 1.5 MB instead of 1.4 MB with -9, but 0.5 MB of RAM to decompress instead
# of 3.6 MB, which the 101 MiB VM does not have.
$(TCC_ARCHIVE): $(TCC_CCDIR)/.stamp $(TCC_TREE)/.stamp $(TOOLS_BZIP2) \
		image-builder/tool-tcc.mk
	$(call msg,TAR,$@)
	$(Q)tar -C $(B)/lib --format=ustar --sort=name --owner=0 --group=0 \
		--numeric-owner --mtime=@0 \
		--mode=u=rwX,go=rX --exclude=.stamp -cf - \
		twinbench-cc twinbench-build | $(TOOLS_BZIP2) -1 >$@.tmp
	$(Q)mv -f $@.tmp $@
