# reconfigure/netdev.mk -- see reconfigure/automake.mk.
#
# Links, addresses and routes through libnl-route-3 (netdev.c), with a
# recorder for tests and --dry-run.  tests/test-netdev checks the recorder
# everywhere and, as root, the real thing in a network namespace of its own.
reconfigure_libreconfigure_a_SOURCES += \
	reconfigure/netdev.c reconfigure/netdev.h

check_PROGRAMS += tests/test-netdev
tests_test_netdev_CPPFLAGS = $(reconfigure_libreconfigure_a_CPPFLAGS) \
	-I$(top_srcdir)/tests
tests_test_netdev_SOURCES = tests/test-netdev.c
tests_test_netdev_LDADD = $(RECONFIGURE_LIBS)
TESTS += tests/test-netdev
