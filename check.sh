#! /bin/bash
# check.sh -- builds and runs the whole test suite, as CI does:
#   1. the build with warnings as errors, and its `make check`;
#   2. a build with AddressSanitizer and UndefinedBehaviorSanitizer, and its
#      `make check`;
#   3. `make distcheck` (the tarball builds and passes on its own).
# Ends with "N passed, N failed, N skipped" over every suite, and exits
# non-zero if anything failed.  Installs missing Debian packages (as root).
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
. tests/deps.sh
xsv_install_deps || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
results=()

step() {                        # step NAME COMMAND...: a pass/fail result
    local name=$1; shift
    echo "=== $name"
    if "$@"; then results+=("PASS:$name"); else results+=("FAIL:$name"); fi
}

build() {                       # build DIR CONFIGURE-ARGS...
    local dir=$1; shift
    mkdir -p "$dir" && cd "$dir" &&
        "$top/configure" -q "$@" && make -s -j"$jobs"
    local rc=$?
    cd "$top"
    return $rc
}

suite() {                       # suite DIR: make check (each test's
    # results are counted from its .trs file; this step's own result also
    # catches a test program that failed to build)
    (cd "$1" && make -s -j"$jobs" check) && return 0
    cat "$1/test-suite.log" 2>/dev/null
    return 1
}

step bootstrap ./boot.sh >/dev/null 2>&1
step "build (-Werror)" build _build/werror --enable-Werror
step "make check (-Werror)" suite _build/werror
step "build (sanitizers)" build _build/asan --enable-Werror --enable-sanitizers
step "make check (sanitizers)" suite _build/asan
step distcheck bash -c "cd _build/werror && make -s distcheck >distcheck.out 2>&1 || { tail -50 distcheck.out; false; }"

tests/summarize.sh _build/werror _build/asan "${results[@]}"
