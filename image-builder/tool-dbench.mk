# image-builder/tool-dbench.mk - dbench for the `fileserver` workload:
#   $(B)/tools/dbench                 -> /usr/bin/dbench
#   $(B)/share/dbench/client.txt.xz   -> /usr/share/dbench/client.txt.xz
# dbench (Debian source package dbench, with popt from source package popt)
# is one static musl binary, see image-builder/build-dbench.sh.  Its load
# file client.txt (26 MB, dbench's default NBENCH load) is shipped
# xz-compressed: 0.55 MB of initramfs RAM instead of 26 (bzip2 -9: 1.05).
# A 1 MiB dictionary keeps the unpacking small in a 101 MiB VM (xz -9's
# 64 MiB would not fit); extreme mode matters here (781 KB without it),
# depth=64 halves its time (13 s) for 7 KB more.  -T1 and the fixed
# options give the same bytes on every build with Debian 12's xz.  The
# workload unpacks it to the scratch disk and checks the result's sha256
# (workloads/fileserver_load.c).  The share/ directory sits beside tools/
# so that <bindir>/../share/dbench/ finds it, in the build tree as in the
# initramfs.

TOOLS_DBENCH := $(B)/tools/dbench
TOOLS_DBENCH_LOAD := $(B)/share/dbench/client.txt.xz
TOOLS_DBENCH_DSC := $(call tools_dsc,dbench)
TOOLS_POPT_DSC := $(call tools_dsc,popt)
TOOLS_DBENCH_ORIG := $(call tools_src,dbench,\.orig\.tar\.gz$$)

.PHONY: tools
tools: $(TOOLS_DBENCH) $(TOOLS_DBENCH_LOAD)

$(TOOLS_DBENCH): image-builder/build-dbench.sh image-builder/tool-dbench.mk \
		image-builder/dbench/keepbuf.c image-builder/dbench/keepbuf.h $(TOOLS_DEPS)
	$(Q)MAKE="$(MAKE)" MUSL_CC="$(MUSL_CC)" V=$(V) \
		sh image-builder/build-dbench.sh $(DL_DIR)/$(TOOLS_POPT_DSC) \
		$(DL_DIR)/$(TOOLS_DBENCH_DSC) $(B)/src $(B)/build $@

# client.txt straight from the verified orig tarball
$(TOOLS_DBENCH_LOAD): image-builder/tool-dbench.mk $(DL_DIR)/.verified
	$(call msg,XZ,$@)
	@mkdir -p $(@D)
	$(Q)tar -xzOf $(DL_DIR)/$(TOOLS_DBENCH_ORIG) --wildcards \
		'*/client.txt' > $@.txt
	$(Q)xz -T1 --format=xz --check=crc32 \
		--lzma2=preset=9e,dict=1MiB,depth=64 -c $@.txt > $@.tmp
	$(Q)rm -f $@.txt && mv $@.tmp $@

IMAGE_FILES += usr/bin/dbench=$(TOOLS_DBENCH) \
	usr/share/dbench/client.txt.xz=$(TOOLS_DBENCH_LOAD)
