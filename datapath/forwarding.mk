# datapath/forwarding.mk -- flow keys, MAC learning, VLANs, flow table, bonds.
#
# The forwarding logic of the userspace datapath: pure code over flow keys
# (no sockets, no threads), driven by the switching daemon with its own
# clock.  Each part has a TAP unit test.
datapath_libdatapath_a_SOURCES += \
	datapath/flow.c datapath/flow.h \
	datapath/mac-learning.c datapath/mac-learning.h \
	datapath/vlan.c datapath/vlan.h \
	datapath/flow-table.c datapath/flow-table.h \
	datapath/bond.c datapath/bond.h

check_PROGRAMS += tests/test-dp-flow tests/test-dp-mac-learning \
	tests/test-dp-vlan tests/test-dp-flow-table tests/test-dp-bond
TESTS += tests/test-dp-flow tests/test-dp-mac-learning \
	tests/test-dp-vlan tests/test-dp-flow-table tests/test-dp-bond

tests_test_dp_flow_SOURCES = tests/test-dp-flow.c
tests_test_dp_flow_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_flow_LDADD = $(DATAPATH_LIBS)

tests_test_dp_mac_learning_SOURCES = tests/test-dp-mac-learning.c
tests_test_dp_mac_learning_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_mac_learning_LDADD = $(DATAPATH_LIBS)

tests_test_dp_vlan_SOURCES = tests/test-dp-vlan.c
tests_test_dp_vlan_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_vlan_LDADD = $(DATAPATH_LIBS)

tests_test_dp_flow_table_SOURCES = tests/test-dp-flow-table.c
tests_test_dp_flow_table_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_flow_table_LDADD = $(DATAPATH_LIBS)

tests_test_dp_bond_SOURCES = tests/test-dp-bond.c
tests_test_dp_bond_CPPFLAGS = $(DATAPATH_TEST_CPPFLAGS)
tests_test_dp_bond_LDADD = $(DATAPATH_LIBS)
