# deps.sh -- sourced by check.sh and demo.sh: installs the Debian packages
# the build and the tests need, when any is missing.
#
# Building: compiler, autotools, the libraries of configure.ac.  Testing:
# openssl (test certificates), mandoc (man page lint), iproute2 (namespaces).
XSV_PACKAGES="build-essential autoconf automake libtool pkg-config \
libxml2-dev libnl-3-dev libnl-route-3-dev libssl-dev libglib2.0-dev \
libjansson-dev \
openssl mandoc iproute2 jq \
openvswitch-switch ethtool iputils-ping iperf3 tcpdump"

xsv_install_deps() {
    missing=""
    for pkg in $XSV_PACKAGES; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
                | grep -q "install ok installed"; then
            missing="$missing $pkg"
        fi
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages:$missing" >&2
        echo "run as root, or: sudo apt-get install$missing" >&2
        return 1
    fi
    echo "installing:$missing"
    apt-get update -q >/dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
}
