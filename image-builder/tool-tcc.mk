# image-builder/tool-tcc.mk - the compiler and the code base of the `build`
# workload.  Included from image-builder/image.mk.
#
#   $(B)/tools/tcc               -> /usr/bin/tcc
#   $(B)/lib/twinbench-cc/       -> /usr/lib/twinbench-cc/ (tcc's -B
#                                   directory: its headers, libtcc1.a, the
#                                   pinned musl-dev headers and libraries)
#   $(B)/lib/twinbench-build/    -> /usr/lib/twinbench-build/ (e2fsprogs
#                                   configured for tcc, with a Makefile
#                                   generated from e2fsprogs' own build)
# In container mode the workload finds both as <bindir>/../lib/...

TOOLS_TCC := $(B)/tools/tcc
TCC_CCDIR := $(B)/lib/twinbench-cc
TCC_TREE := $(B)/lib/twinbench-build
TOOLS_TCC_DSC := $(call tools_dsc,tcc)
TCC_MUSLDEB := $(shell awk '$$1 == "bin" && $$2 == "musl-dev" \
	{ print $$4; exit }' $(TOOLS_LOCK))

IMAGE_FILES += usr/bin/tcc=$(TOOLS_TCC)
IMAGE_TREES += usr/lib/twinbench-cc=$(TCC_CCDIR) \
	usr/lib/twinbench-build=$(TCC_TREE)

.PHONY: tools
tools: $(TOOLS_TCC) $(TCC_CCDIR)/.stamp $(TCC_TREE)/.stamp

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
