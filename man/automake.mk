# man/ -- one page per binary, plus file formats.
#
# Pages are written as man/NAME.SECTION.in and generated into the build tree
# by substituting @VERSION@.  The generated pages are also distributed, so a
# tarball carries them ready-made: in a build from a tarball make finds them
# in the source tree (through VPATH) and does not rebuild them.  A page is
# regenerated, into the build tree, only when its .in or configure.ac is
# newer.
#
# `make check` lints every page with mandoc (when configure found it) and
# groff (likewise); any warning fails the check.

MAN_INPUTS = \
	man/dbcache.1.in \
	man/network.dbcache.5.in \
	man/vswitch.ovsschema.5.in \
	man/vsdb-tool.1.in \
	man/vsdb-server.8.in \
	man/vsctl.8.in \
	man/vsappctl.8.in \
	man/vsofctl.8.in \
	man/vswitchd.8.in \
	man/interface-reconfigure.8.in
man_MANS += \
	man/dbcache.1 \
	man/network.dbcache.5 \
	man/vswitch.ovsschema.5 \
	man/vsdb-tool.1 \
	man/vsdb-server.8 \
	man/vsctl.8 \
	man/vsappctl.8 \
	man/vsofctl.8 \
	man/vswitchd.8 \
	man/interface-reconfigure.8
EXTRA_DIST += $(MAN_INPUTS) man/dbcache.1 man/network.dbcache.5
EXTRA_DIST += man/interface-reconfigure.8
EXTRA_DIST += man/vswitch.ovsschema.5
EXTRA_DIST += man/vsdb-tool.1
EXTRA_DIST += man/vsdb-server.8
EXTRA_DIST += man/vsctl.8
EXTRA_DIST += man/vsappctl.8 man/vsofctl.8
EXTRA_DIST += man/vswitchd.8
CLEANFILES += man/dbcache.1 man/network.dbcache.5
CLEANFILES += man/interface-reconfigure.8
CLEANFILES += man/vswitch.ovsschema.5
CLEANFILES += man/vsdb-tool.1
CLEANFILES += man/vsdb-server.8
CLEANFILES += man/vsctl.8
CLEANFILES += man/vsappctl.8 man/vsofctl.8
CLEANFILES += man/vswitchd.8

# configure.ac is a prerequisite because it holds the version.  The `[@]`
# keeps config.status from substituting the pattern itself.
man_edit = $(SED) -e 's|@VERSION[@]|$(VERSION)|g'

man/dbcache.1: man/dbcache.1.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/dbcache.1.in > $@.tmp && mv -f $@.tmp $@

man/network.dbcache.5: man/network.dbcache.5.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/network.dbcache.5.in > $@.tmp && \
	mv -f $@.tmp $@

man/interface-reconfigure.8: man/interface-reconfigure.8.in \
		$(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/interface-reconfigure.8.in > $@.tmp && \
	mv -f $@.tmp $@

man/vswitch.ovsschema.5: man/vswitch.ovsschema.5.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/vswitch.ovsschema.5.in > $@.tmp && \
	mv -f $@.tmp $@

man/vsdb-tool.1: man/vsdb-tool.1.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/vsdb-tool.1.in > $@.tmp && mv -f $@.tmp $@

man/vsdb-server.8: man/vsdb-server.8.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/vsdb-server.8.in > $@.tmp && \
	mv -f $@.tmp $@

man/vsctl.8: man/vsctl.8.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/vsctl.8.in > $@.tmp && mv -f $@.tmp $@

man/vsappctl.8: man/vsappctl.8.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/vsappctl.8.in > $@.tmp && mv -f $@.tmp $@

man/vsofctl.8: man/vsofctl.8.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/vsofctl.8.in > $@.tmp && mv -f $@.tmp $@

man/vswitchd.8: man/vswitchd.8.in $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(man_edit) $(srcdir)/man/vswitchd.8.in > $@.tmp && mv -f $@.tmp $@

# Lint: mandoc -Tlint -W warning, then groff -man -ww -z; both must be
# silent.  A page is read from the build tree if it was built there, else
# from the source tree.
check-manpages: $(man_MANS)
	@status=0; \
	if test -z "$(MANDOC)"; then \
	  echo "check-manpages: mandoc not found, not linting with mandoc"; \
	fi; \
	if test -z "$(GROFF)"; then \
	  echo "check-manpages: groff not found, not linting with groff"; \
	fi; \
	for page in $(man_MANS); do \
	  if test -f $$page; then f=$$page; else f=$(srcdir)/$$page; fi; \
	  ok=yes; \
	  if test -n "$(MANDOC)"; then \
	    out=`$(MANDOC) -Tlint -W warning $$f 2>&1` || ok=no; \
	    if test -n "$$out"; then echo "$$out"; ok=no; fi; \
	  fi; \
	  if test -n "$(GROFF)"; then \
	    out=`$(GROFF) -man -ww -z $$f 2>&1` || ok=no; \
	    if test -n "$$out"; then echo "$$out"; ok=no; fi; \
	  fi; \
	  if test $$ok = yes; then \
	    echo "check-manpages: $$page: ok"; \
	  else \
	    echo "check-manpages: $$page: FAILED"; status=1; \
	  fi; \
	done; \
	exit $$status
.PHONY: check-manpages
check-local: check-manpages
