# vswitch/tools.mk -- see vswitch/automake.mk.
#
# What the daemons share and the tools that talk to them: the control
# socket in ovs-appctl's protocol (unixctl: server, command registry and
# client) and the daemon helpers (--detach with a ready pipe, locked pid
# files, exit on signals), in the library; `vsappctl` (ovs-appctl's
# command line) and `vsofctl` (the flow commands of ovs-ofctl, over
# vswitchd's control socket).
vswitch_libovsdb_a_SOURCES += \
	vswitch/daemon.c vswitch/daemon.h \
	vswitch/unixctl.c vswitch/unixctl.h

bin_PROGRAMS += vswitch/vsappctl vswitch/vsofctl
vswitch_vsappctl_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS)
vswitch_vsappctl_SOURCES = vswitch/vsappctl.c
vswitch_vsappctl_LDADD = $(OVSDB_LIBS)
vswitch_vsofctl_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS)
vswitch_vsofctl_SOURCES = vswitch/vsofctl.c
vswitch_vsofctl_LDADD = $(OVSDB_LIBS)

# The registry, argument checks, built-in commands, replies and the
# client's failures, with a server in a child process.  Run with --serve,
# it is also the fake vswitchd of tests/vsofctl.sh and the daemon of
# tests/daemon.sh.
check_PROGRAMS += tests/test-unixctl
tests_test_unixctl_CPPFLAGS = $(OVSDB_TEST_CPPFLAGS)
tests_test_unixctl_SOURCES = tests/test-unixctl.c
tests_test_unixctl_LDADD = $(OVSDB_LIBS)
TESTS += tests/test-unixctl

# vsappctl against vsdb-server (by path and by name), its output compared
# with stock ovs-appctl's; vsofctl's commands and replies against the fake
# vswitchd; --detach, the ready pipe and pid files.
TESTS += tests/vsappctl.sh tests/vsofctl.sh tests/daemon.sh
EXTRA_DIST += tests/vsappctl.sh tests/vsofctl.sh tests/daemon.sh
