# reconfigure/cli.mk -- see reconfigure/automake.mk.
#
# The command line, the run lock, and the two configuration files
# (network.conf, interface-reconfigure.conf).  lib/exec.c, which runs the
# helper programs, is in lib/libutil.a.
reconfigure_libreconfigure_a_SOURCES += \
	reconfigure/cli.c reconfigure/cli.h \
	reconfigure/conf.c reconfigure/conf.h \
	reconfigure/lock.c reconfigure/lock.h

# The default vsctl and ofctl are the ones this package installs.
reconfigure_libreconfigure_a_CPPFLAGS += -DBINDIR='"$(bindir)"'

IFR_CLI_TEST_CPPFLAGS = $(reconfigure_libreconfigure_a_CPPFLAGS) \
	-I$(top_srcdir)/tests

check_PROGRAMS += tests/test-ifr-cli tests/test-ifr-conf tests/test-exec \
	tests/test-lock
tests_test_ifr_cli_CPPFLAGS = $(IFR_CLI_TEST_CPPFLAGS)
tests_test_ifr_cli_SOURCES = tests/test-ifr-cli.c
tests_test_ifr_cli_LDADD = $(RECONFIGURE_LIBS)
tests_test_ifr_conf_CPPFLAGS = $(IFR_CLI_TEST_CPPFLAGS)
tests_test_ifr_conf_SOURCES = tests/test-ifr-conf.c
tests_test_ifr_conf_LDADD = $(RECONFIGURE_LIBS)
tests_test_exec_CPPFLAGS = $(IFR_CLI_TEST_CPPFLAGS)
tests_test_exec_SOURCES = tests/test-exec.c
tests_test_exec_LDADD = $(RECONFIGURE_LIBS)
tests_test_lock_CPPFLAGS = $(IFR_CLI_TEST_CPPFLAGS)
tests_test_lock_SOURCES = tests/test-lock.c
tests_test_lock_LDADD = $(RECONFIGURE_LIBS)
TESTS += tests/test-ifr-cli tests/test-ifr-conf tests/test-exec \
	tests/test-lock
