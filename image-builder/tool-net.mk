# image-builder/tool-net.mk - the network tools, for the `netstream` and
# `transfer` workloads and for the server role (the peer):
#   $(B)/tools/netperf     -> /usr/bin/netperf
#   $(B)/tools/netserver   -> /usr/bin/netserver
#   $(B)/tools/rsync       -> /usr/bin/rsync
# netperf and netserver come from trixie's netperf source package (lock
# kind src-trixie; bookworm's is non-free) in one build,
# image-builder/build-netperf.sh; rsync from bookworm's rsync source,
# image-builder/build-rsync.sh.  All static musl, stripped, -Os.
#
# iperf3 is not built: the archive lists Debian's iperf3 source packages
# (bookworm 3.12-1+deb12u2, bookworm-security 3.12-1+deb12u1, trixie
# 3.18-2+deb13u2) but serves none of their upstream tarballs (404).

TOOLS_NETPERF := $(B)/tools/netperf
TOOLS_NETSERVER := $(B)/tools/netserver
TOOLS_RSYNC := $(B)/tools/rsync
TOOLS_NETPERF_ORIG := $(call tools_src,netperf,\.orig\.tar\.xz$$)
TOOLS_NETPERF_DEB := $(call tools_src,netperf,\.debian\.tar\.xz$$)
TOOLS_RSYNC_DSC := $(call tools_dsc,rsync)

.PHONY: tools
tools: $(TOOLS_NETPERF) $(TOOLS_NETSERVER) $(TOOLS_RSYNC)

# one build makes both programs
$(TOOLS_NETPERF) $(TOOLS_NETSERVER) &: image-builder/build-netperf.sh \
		image-builder/tool-net.mk $(TOOLS_DEPS)
	$(Q)MAKE="$(MAKE)" MUSL_CC="$(MUSL_CC)" V=$(V) \
		sh image-builder/build-netperf.sh \
		$(DL_DIR)/$(TOOLS_NETPERF_ORIG) $(DL_DIR)/$(TOOLS_NETPERF_DEB) \
		$(B)/src/$(TOOLS_NETPERF_DEB:.debian.tar.xz=) $(B)/build/netperf \
		$(TOOLS_NETPERF)

$(TOOLS_RSYNC): image-builder/build-rsync.sh image-builder/tool-net.mk \
		$(TOOLS_DEPS)
	$(call tools_build,build-rsync.sh,$(TOOLS_RSYNC_DSC),rsync)

IMAGE_FILES += usr/bin/netperf=$(TOOLS_NETPERF) \
	usr/bin/netserver=$(TOOLS_NETSERVER) usr/bin/rsync=$(TOOLS_RSYNC)
