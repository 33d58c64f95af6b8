# vswitch/server.mk -- see vswitch/automake.mk.
#
# The configuration database server, `vsdb-server`: the OVSDB protocol
# (RFC 7047) over punix:/ptcp:/pssl: listeners, on a database kept in an
# ovsdb-log file; and its interoperability test with stock Open vSwitch.
sbin_PROGRAMS += vswitch/vsdb-server
vswitch_vsdb_server_CPPFLAGS = $(vswitch_libovsdb_a_CPPFLAGS)
vswitch_vsdb_server_SOURCES = vswitch/vsdb-server.c
vswitch_vsdb_server_LDADD = $(OVSDB_LIBS)

# Stock ovs-vsctl and ovsdb-client against vsdb-server, compared with a
# stock ovsdb-server; persistence across restarts and SIGKILL.
TESTS += tests/vsdb-server-ovs.sh
EXTRA_DIST += tests/vsdb-server-ovs.sh

# Monitor updates (update, update2, update3; with and without conditions)
# identical to a stock ovsdb-server's over a session of inserts, modifies
# and deletes.
TESTS += tests/vsdb-monitor-ovs.sh
EXTRA_DIST += tests/vsdb-monitor-ovs.sh tests/monitor-csv.sh

# monitor_cond_change (update2/update3 for the new condition, errors),
# beside a stock ovsdb-server.
TESTS += tests/vsdb-cond-change.sh
EXTRA_DIST += tests/vsdb-cond-change.sh

# lock, steal and unlock (and a manager's locks_lost), beside a stock
# ovsdb-server.
TESTS += tests/vsdb-locks.sh
EXTRA_DIST += tests/vsdb-locks.sh

# Active manager connections from the database (Open_vSwitch.manager_options)
# and SSL settings from the SSL table, with a stock passive ovsdb-client.
TESTS += tests/vsdb-server-managers.sh
EXTRA_DIST += tests/vsdb-server-managers.sh

# The Manager rows' is_connected and status, written back every 2.5 s as
# by a stock ovsdb-server, never to the file.
TESTS += tests/vsdb-manager-status.sh
EXTRA_DIST += tests/vsdb-manager-status.sh
TESTS += tests/vsdb-server-kill.sh
EXTRA_DIST += tests/vsdb-server-kill.sh

# Log destinations as Open vSwitch's -v names them (syslog, console,
# file), with syslog caught in a mount namespace (root).
check_PROGRAMS += tests/test-syslog-sink
tests_test_syslog_sink_SOURCES = tests/test-syslog-sink.c
TESTS += tests/log-syslog.sh
EXTRA_DIST += tests/log-syslog.sh
