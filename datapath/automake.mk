# datapath/ -- the forwarding plane behind one interface: packets, ports on
# real devices (AF_PACKET, TAP), and the forwarding logic (flow keys, MAC
# learning, VLANs, the flow table, bonds).  The parts build into one
# library, datapath/libdatapath.a; each part lists its sources and tests in
# its own fragment below.
noinst_LIBRARIES += datapath/libdatapath.a
datapath_libdatapath_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/datapath \
	$(LIBNL_CFLAGS) $(LIBNL_ROUTE_CFLAGS)
datapath_libdatapath_a_SOURCES = datapath/dp-packet.h \
	datapath/dpif.c datapath/dpif.h
DATAPATH_LIBS = datapath/libdatapath.a lib/libutil.a $(LIBNL_ROUTE_LIBS) $(LIBNL_LIBS) \
	$(GLIB_LIBS)
DATAPATH_TEST_CPPFLAGS = $(datapath_libdatapath_a_CPPFLAGS) \
	-I$(top_srcdir)/tests

include datapath/io.mk
include datapath/forwarding.mk
