# image-builder/tool-make-dfsg.mk - GNU make for the `build` workload:
# $(B)/tools/make -> /usr/bin/make in the initramfs.  Included from
# image-builder/image.mk; built like the tools of tools.mk.

TOOLS_MAKE := $(B)/tools/make
TOOLS_MAKE_DSC := $(call tools_dsc,make-dfsg)

IMAGE_FILES += usr/bin/make=$(TOOLS_MAKE)

.PHONY: tools
tools: $(TOOLS_MAKE)

$(TOOLS_MAKE): image-builder/build-make-dfsg.sh \
		image-builder/tool-make-dfsg.mk $(TOOLS_DEPS)
	$(call tools_build,build-make-dfsg.sh,$(TOOLS_MAKE_DSC),make-dfsg)
