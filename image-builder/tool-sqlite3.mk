# image-builder/tool-sqlite3.mk - SQLite for the oltp workload.
#
# The pinned Debian source package sqlite3 gives the amalgamation
# ($(B)/sqlite3/sqlite3.c and sqlite3.h, made by upstream's own `make
# sqlite3.c`) and sqlite_cfg.h (what its configure found in musl), see
# build-sqlite3.sh.  sqlite3.c is compiled here with musl-gcc and its own
# flags (not our code: no -Wall -Werror) and linked into the appliance
# binary, so nothing is added to the initramfs but a larger /init.  The
# options are those of Debian's libsqlite3 that change how the engine
# works; Debian's extensions (FTS, R-tree, JSON, sessions, loadable
# extensions) are left out.

SQLITE3_DSC := $(call tools_dsc,sqlite3)
SQLITE3_DIR := $(B)/sqlite3
SQLITE3_C := $(SQLITE3_DIR)/sqlite3.c
SQLITE3_H := $(SQLITE3_DIR)/sqlite3.h
SQLITE3_OBJ := $(SQLITE3_DIR)/sqlite3.o
SQLITE3_DEFS := -D_HAVE_SQLITE_CONFIG_H -DSQLITE_THREADSAFE=1 \
	-DSQLITE_SECURE_DELETE -DSQLITE_OMIT_LOOKASIDE=1 \
	-DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_MAX_SCHEMA_RETRY=25 \
	-DSQLITE_OMIT_LOAD_EXTENSION
SQLITE3_CFLAGS := -O2 -g0 -fno-strict-aliasing $(REPRO) \
	-ffile-prefix-map=$(abspath $(SQLITE3_DIR))=/usr/src/sqlite3 \
	$(SQLITE3_DEFS)

$(SQLITE3_C): image-builder/build-sqlite3.sh $(TOOLS_DEPS)
	$(call tools_build,build-sqlite3.sh,$(SQLITE3_DSC),sqlite3)
$(SQLITE3_H): $(SQLITE3_C)

$(SQLITE3_OBJ): $(SQLITE3_C) image-builder/tool-sqlite3.mk
	$(call msg,CC,$@)
	$(Q)$(MUSL_CC) $(SQLITE3_CFLAGS) -c -o $@ $<

# Linked into the appliance: the link recipe takes all prerequisites ($^).
WL_EXTRA_MUSL_OBJS += $(SQLITE3_OBJ)
$(APPLIANCE_BIN): $(SQLITE3_OBJ)

# the oltp workload's own sources include sqlite3.h
OLTP_MUSL_OBJS := $(call musl_objs,$(filter workloads/oltp%.c,$(WL_SRCS)))
$(OLTP_MUSL_OBJS): $(SQLITE3_H)
$(OLTP_MUSL_OBJS): MUSL_CFLAGS += -I$(SQLITE3_DIR)

.PHONY: sqlite3
sqlite3: $(SQLITE3_OBJ)
