#! /bin/sh
# ifr-bundled.sh -- tests/ifr-ovs.sh on the bundled switch (vsdb-server,
# vswitchd, the userspace datapath) instead of stock Open vSwitch:
# interface-reconfigure runs vsctl and vsofctl, and the checks -- made
# with stock ovs-vsctl against vsdb-server -- expect the same database,
# flows and traffic as with stock Open vSwitch.
XSV_SWITCH=bundled
export XSV_SWITCH
. "${top_srcdir:-.}/tests/ifr-ovs.sh"
