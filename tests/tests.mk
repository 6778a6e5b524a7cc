# tests/tests.mk - test targets.

# ---- unit: C unit tests (tests/unit/*.c, TAP) -- owned by lib/ ----------
# Each tests/unit/X.c is a program linked against lib/ that prints TAP and
# exits non-zero when a test fails.  `make unit` builds $(B)/unit/X for
# every file and runs them all, failing if any of them fails.  Each prints
# its plan after its tests (tap.h); tests/run.sh counts each program's TAP
# on its own, so one that dies before its plan is a failure.
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRCS))

$(UNIT_BINS): $(B)/unit/%: $(B)/host/tests/unit/%.o $(LIB_HOST_OBJS)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(LIB_LDLIBS)

.PHONY: unit
unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		echo "# $$t"; \
		"$$t" || { echo "# FAILED: $$t"; fail=1; }; \
	done; \
	if [ $$fail = 0 ]; then echo "# unit: all passed"; \
	else echo "# unit: FAILURES"; fi; \
	exit $$fail
# ---- end of unit --------------------------------------------------------

# ---- test: everything, one suite at a time (owned by the lead) ----------
# `make test` installs missing Debian packages, then runs tests/run.sh:
# unit tests and every bats suite, ending with "N passed, N failed, N
# skipped": a skip is not a pass, and every test of a TAP plan (1..N) that
# never reported counts as failed (see tests/run.sh).
.PHONY: test
test:
	@sh image-builder/deps.sh
	@bash tests/run.sh

# ---- bench: figures, not assertions (owned by the lead) -----------------
.PHONY: bench
bench:
	@sh image-builder/deps.sh
	@O=$(O) bash tests/bench.sh
