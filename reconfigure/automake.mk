# reconfigure/ -- interface-reconfigure: command line, the plan, the two
# backends, configuration files with apply/commit/revert, and netlink
# operations.  Each part's sources and tests are listed in its own
# fragment below.
noinst_LIBRARIES += reconfigure/libreconfigure.a
reconfigure_libreconfigure_a_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/dbcache -I$(top_srcdir)/reconfigure \
	$(LIBXML2_CFLAGS) $(LIBNL_CFLAGS) $(LIBNL_ROUTE_CFLAGS)
reconfigure_libreconfigure_a_SOURCES =
RECONFIGURE_LIBS = reconfigure/libreconfigure.a $(DBCACHE_LIBS) \
	$(LIBNL_ROUTE_LIBS) $(LIBNL_LIBS)

include reconfigure/cli.mk
include reconfigure/files.mk
include reconfigure/netdev.mk

# The plan, the Open vSwitch backend, the executor and the actions.
reconfigure_libreconfigure_a_SOURCES += \
	reconfigure/actions.c reconfigure/actions.h \
	reconfigure/backend.c reconfigure/backend.h \
	reconfigure/bridge.c \
	reconfigure/execute.c reconfigure/execute.h \
	reconfigure/plan.c reconfigure/plan.h \
	reconfigure/vswitch.c

sbin_PROGRAMS += reconfigure/interface-reconfigure
reconfigure_interface_reconfigure_CPPFLAGS = \
	$(reconfigure_libreconfigure_a_CPPFLAGS)
reconfigure_interface_reconfigure_SOURCES = reconfigure/main.c
reconfigure_interface_reconfigure_LDADD = $(RECONFIGURE_LIBS)

TESTS += tests/ifr-scenarios.sh tests/ifr-ovs.sh
TESTS += tests/ifr-bridge.sh
EXTRA_DIST += tests/ifr-bridge.sh
EXTRA_DIST += tests/ifr-scenarios.sh tests/ifr-ovs.sh tests/ovs-sandbox.sh \
	tests/ifr-harness.sh \
	tests/fixtures/start-of-day.dbcache
