# sqm — PGXS build.  The version comes from one place: default_version in sqm.control.
PG_CONFIG ?= pg_config

EXTENSION  = sqm
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" sqm.control)

MODULE_big = sqm
OBJS       = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The versioned install script is generated from the editable sources in src/sql/,
# concatenated in file-name order.  Released upgrade scripts (sqm--A--B.sql) are
# committed as they are and never regenerated.
SQL_SOURCES = $(sort $(wildcard src/sql/*.sql))
DATA_built  = sqm--$(EXTVERSION).sql
DATA        = $(wildcard sqm--*--*.sql)

REGRESS      = $(basename $(notdir $(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --load-extension=sqm
ISOLATION    = $(basename $(notdir $(sort $(wildcard specs/*.spec))))
ISOLATION_OPTS = --load-extension=sqm

EXTRA_CLEAN = META.json.check

PG_CPPFLAGS = -I$(srcdir)/src

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sqm--$(EXTVERSION).sql: $(SQL_SOURCES) sqm.control
	@{ echo "-- sqm $(EXTVERSION): generated from src/sql/*.sql by make; edit those files, not this one."; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION sqm" to load this file. \quit'; \
	   for f in $(SQL_SOURCES); do echo; echo "-- ---- $$f"; cat $$f; done; } > $@

.PHONY: test run bench version-check
test:
	./tools/test.sh
run:
	./tools/run.sh
bench:
	./bench/run.sh

# META.json must carry the same version as sqm.control.
version-check:
	@v=$$(sed -n 's/^ *"version" *: *"\([^"]*\)".*/\1/p' META.json | sort -u); \
	if [ "$$v" = "$(EXTVERSION)" ]; then echo "version $(EXTVERSION) consistent"; \
	else echo "META.json says '$$v' but sqm.control says '$(EXTVERSION)'" >&2; exit 1; fi
