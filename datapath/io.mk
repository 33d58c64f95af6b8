# datapath/io.mk -- packets and ports (AF_PACKET, TAP).
#
# dp-packet.c is the packet; netdev.c the port API (netdev.h) over a small
# vtable (netdev-provider.h) with three classes: AF_PACKET for system
# devices, TAP for internal ports, and an in-memory dummy for tests.
# netdev-offload.c does checksums and segmentation in software for ports
# that cannot take a packet's offload metadata.
datapath_libdatapath_a_SOURCES += \
	datapath/dp-packet.c \
	datapath/netdev.c datapath/netdev.h \
	datapath/netdev-provider.h \
	datapath/netdev-afpacket.c \
	datapath/netdev-dummy.c \
	datapath/netdev-linux.c \
	datapath/netdev-offload.c datapath/netdev-offload.h \
	datapath/netdev-tap.c

# A two-port wire over the ports, for the namespace tests.
check_PROGRAMS += tests/dp-wire
tests_dp_wire_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_dp_wire_SOURCES = tests/dp-wire.c
tests_dp_wire_LDADD = $(DATAPATH_LIBS)

# Packets, and checksums and segmentation in software.
check_PROGRAMS += tests/test-dp-packet
tests_test_dp_packet_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_packet_SOURCES = tests/test-dp-packet.c
tests_test_dp_packet_LDADD = $(DATAPATH_LIBS)
TESTS += tests/test-dp-packet

# Ports: the generic layer on dummy ports (no privileges needed).
check_PROGRAMS += tests/test-dp-netdev
tests_test_dp_netdev_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_netdev_SOURCES = tests/test-dp-netdev.c
tests_test_dp_netdev_LDADD = $(DATAPATH_LIBS)
TESTS += tests/test-dp-netdev

# Ports on Linux devices: AF_PACKET on a veth, TAPs (root; in a private
# network namespace).
check_PROGRAMS += tests/test-dp-netdev-linux
tests_test_dp_netdev_linux_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_netdev_linux_SOURCES = tests/test-dp-netdev-linux.c
tests_test_dp_netdev_linux_LDADD = $(DATAPATH_LIBS)
TESTS += tests/test-dp-netdev-linux

# How fast internal ports are created and deleted (not run by make check):
# `_build/benchmarks/bench-tap 1000 --one-by-one` (root).
noinst_PROGRAMS += benchmarks/bench-tap
benchmarks_bench_tap_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
benchmarks_bench_tap_SOURCES = benchmarks/bench-tap.c
benchmarks_bench_tap_LDADD = $(DATAPATH_LIBS)

# Real traffic between namespaces through the wire (root; iperf3, tcpdump).
TESTS += tests/dp-afpacket.sh
EXTRA_DIST += tests/dp-afpacket.sh
