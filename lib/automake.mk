# lib/ -- only what several folders share.  No main().
noinst_LIBRARIES += lib/libutil.a
lib_libutil_a_SOURCES = \
	lib/atomic-file.c lib/atomic-file.h \
	lib/diag.c lib/diag.h \
	lib/exec.c lib/exec.h \
	lib/log.c lib/log.h \
	lib/util.c lib/util.h
