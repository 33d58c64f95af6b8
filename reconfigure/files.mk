# reconfigure/files.mk -- see reconfigure/automake.mk.
# Configuration files: the apply/commit/revert transaction (cfgfile) and
# the contents of the initscripts files (ifcfg).
reconfigure_libreconfigure_a_SOURCES += \
	reconfigure/cfgfile.c reconfigure/cfgfile.h \
	reconfigure/ifcfg.c reconfigure/ifcfg.h

check_PROGRAMS += tests/test-ifcfg
tests_test_ifcfg_CPPFLAGS = $(reconfigure_libreconfigure_a_CPPFLAGS) \
	-I$(top_srcdir)/tests
tests_test_ifcfg_SOURCES = tests/test-ifcfg.c
tests_test_ifcfg_LDADD = $(RECONFIGURE_LIBS)
TESTS += tests/test-ifcfg
