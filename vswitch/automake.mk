# vswitch/ -- the bundled switch: the OVSDB protocol (RFC 7047) and its
# configuration database, the control CLI, the switching daemon.  Each
# part's sources and tests are listed in its own fragment below; they build
# into one library, vswitch/libovsdb.a.
noinst_LIBRARIES += vswitch/libovsdb.a
vswitch_libovsdb_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/vswitch \
	$(JANSSON_CFLAGS) \
	-DPKGDATADIR=\"$(pkgdatadir)\" -DLOCALSTATEDIR=\"$(localstatedir)\" \
	-DRUNSTATEDIR=\"/run/xsvswitch\" -DPKGLIBDIR=\"$(pkglibdir)\"
vswitch_libovsdb_a_SOURCES =
# No OpenSSL here: SSL is the module vswitch/stream-ssl.so (jsonrpc.mk).
OVSDB_LIBS = vswitch/libovsdb.a lib/libutil.a $(JANSSON_LIBS) $(GLIB_LIBS)
OVSDB_TEST_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS) -I$(top_srcdir)/tests

include vswitch/ovsdb.mk
include vswitch/jsonrpc.mk
include vswitch/storage.mk
include vswitch/server.mk
include vswitch/vsctl.mk
include vswitch/switchd.mk
include vswitch/tools.mk
