# vswitch/vsctl.mk -- see vswitch/automake.mk.
#
# vsctl: the control CLI, with ovs-vsctl's syntax (vsctl-data: the string
# syntax of values), and its acceptance test against stock Open vSwitch.
bin_PROGRAMS += vswitch/vsctl
vswitch_vsctl_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS)
vswitch_vsctl_SOURCES = vswitch/vsctl.c vswitch/vsctl-data.c \
	vswitch/vsctl-data.h
vswitch_vsctl_LDADD = $(OVSDB_LIBS)

TESTS += tests/vsctl-ovs.sh
EXTRA_DIST += tests/vsctl-ovs.sh
