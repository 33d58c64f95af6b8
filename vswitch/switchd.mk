# vswitch/switchd.mk -- see vswitch/automake.mk.
#
# vswitchd, the switching daemon: follows the configuration database and
# realises it on the userspace datapath (datapath/), writing back the
# interfaces' status and cur_cfg.
sbin_PROGRAMS += vswitch/vswitchd
vswitch_vswitchd_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS) \
	-I$(top_srcdir)/datapath
vswitch_vswitchd_SOURCES = vswitch/vswitchd.c
vswitch_vswitchd_LDADD = $(OVSDB_LIBS) $(DATAPATH_LIBS)

# The switch with real packets, in private network namespaces (root):
# learning and flooding, status write-back, TCP with default offloads.
TESTS += tests/switch-learning.sh tests/switch-vlan.sh tests/switch-bond.sh \
	tests/switch-secure.sh
EXTRA_DIST += tests/switch-harness.sh tests/switch-learning.sh \
	tests/switch-vlan.sh tests/switch-bond.sh tests/switch-secure.sh

# interface-reconfigure end to end on the bundled switch: the start of day
# and the four scenarios of tests/ifr-ovs*.sh, run with XSV_SWITCH=bundled
# (vsctl and vsofctl against vsdb-server and vswitchd), expecting what
# stock Open vSwitch gives.
TESTS += tests/ifr-bundled.sh tests/ifr-bundled-scenarios.sh
EXTRA_DIST += tests/ifr-bundled.sh tests/ifr-bundled-scenarios.sh
