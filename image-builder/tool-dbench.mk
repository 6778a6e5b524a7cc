# image-builder/tool-dbench.mk - dbench for the `fileserver` workload:
#   $(B)/tools/dbench                 -> /usr/bin/dbench
#   $(B)/share/dbench/client.txt.bz2  -> /usr/share/dbench/client.txt.bz2
# dbench (Debian source package dbench, with popt from source package popt)
# is one static musl binary, see image-builder/build-dbench.sh.  Its load
# file client.txt (26 MB, dbench's default NBENCH load) is shipped
# compressed with the pinned bzip2 (1 MB of initramfs RAM instead of 26);
# the workload unpacks it to the scratch disk.  The share/ directory sits
# beside tools/ so that <bindir>/../share/dbench/ finds it, in the build
# tree as in the initramfs.

TOOLS_DBENCH := $(B)/tools/dbench
TOOLS_DBENCH_LOAD := $(B)/share/dbench/client.txt.bz2
TOOLS_DBENCH_DSC := $(call tools_dsc,dbench)
TOOLS_POPT_DSC := $(call tools_dsc,popt)
TOOLS_DBENCH_ORIG := $(shell awk '$$1 == "src" && $$2 == "dbench" && \
	$$4 ~ /\.orig\.tar\.gz$$/ { print $$4; exit }' $(TOOLS_LOCK))

.PHONY: tools
tools: $(TOOLS_DBENCH) $(TOOLS_DBENCH_LOAD)

$(TOOLS_DBENCH): image-builder/build-dbench.sh image-builder/tool-dbench.mk \
		$(TOOLS_DEPS)
	$(Q)MAKE="$(MAKE)" MUSL_CC="$(MUSL_CC)" V=$(V) \
		sh image-builder/build-dbench.sh $(DL_DIR)/$(TOOLS_POPT_DSC) \
		$(DL_DIR)/$(TOOLS_DBENCH_DSC) $(B)/src $(B)/build $@

# client.txt straight from the verified orig tarball, compressed by the
# pinned bzip2 (same bytes on every build)
$(TOOLS_DBENCH_LOAD): $(TOOLS_BZIP2) image-builder/tool-dbench.mk \
		$(DL_DIR)/.verified
	$(call msg,BZIP2,$@)
	@mkdir -p $(@D)
	$(Q)tar -xzOf $(DL_DIR)/$(TOOLS_DBENCH_ORIG) --wildcards \
		'*/client.txt' > $@.txt
	$(Q)$(TOOLS_BZIP2) -9 < $@.txt > $@.tmp
	$(Q)rm -f $@.txt && mv $@.tmp $@

IMAGE_FILES += usr/bin/dbench=$(TOOLS_DBENCH) \
	usr/share/dbench/client.txt.bz2=$(TOOLS_DBENCH_LOAD)
