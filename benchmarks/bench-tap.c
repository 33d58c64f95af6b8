/* bench-tap.c -- how fast the datapath creates and deletes internal ports
 * (TAP devices, datapath/netdev-tap.c).
 *
 *   bench-tap [N] [--one-by-one]
 *
 * In a private network namespace of its own (root only), opens N internal
 * ports (default 1000) and brings them up, then closes them all with
 * dp_netdev_close_many(), which deletes the devices in one netlink request
 * -- the case of deleting a bridge with N ports.  With --one-by-one it
 * then does the same again closing each port with dp_netdev_close(), which
 * costs the kernel an RCU grace period per device (that is also what stock
 * Open vSwitch pays, deleting TAPs one netlink request at a time).  Prints
 * one line per phase: phase, ports, seconds, ports per second. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "netdev.h"
#include "util.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report(const char *phase, int n, double secs)
{
    printf("%-22s %6d ports %8.3f s %10.0f ports/s\n", phase, n, secs,
           secs > 0 ? n / secs : 0.0);
    fflush(stdout);
}

static struct dp_netdev **
open_ports(int n)
{
    struct dp_netdev **ports = g_new(struct dp_netdev *, n);
    struct diag *diag = diag_new();
    double t0 = now();

    for (int i = 0; i < n; i++) {
        char name[16];

        snprintf(name, sizeof name, "bt%d", i);
        if (dp_netdev_open(name, "internal", &ports[i], diag)
            || dp_netdev_set_up(ports[i], true, diag)) {
            diag_print(diag, stderr, program_name());
            exit(1);
        }
    }
    report("open + up", n, now() - t0);
    diag_free(diag);
    return ports;
}

int
main(int argc, char *argv[])
{
    bool one_by_one = false;
    struct dp_netdev **ports;
    int n = 1000;
    double t0;

    set_program_name(argv[0]);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--one-by-one")) {
            one_by_one = true;
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: %s [N] [--one-by-one]\n", program_name());
            return 0;
        } else if (atoi(argv[i]) > 0) {
            n = atoi(argv[i]);
        } else {
            usage_error("unknown argument \"%s\"", argv[i]);
        }
    }
    if (unshare(CLONE_NEWNET) < 0) {
        fprintf(stderr, "%s: unshare(CLONE_NEWNET): %s (needs root)\n",
                program_name(), g_strerror(errno));
        return 1;
    }

    ports = open_ports(n);
    t0 = now();
    dp_netdev_close_many(ports, n);
    report("close_many", n, now() - t0);
    g_free(ports);

    if (one_by_one) {
        ports = open_ports(n);
        t0 = now();
        for (int i = 0; i < n; i++) {
            dp_netdev_close(ports[i]);
        }
        report("close one by one", n, now() - t0);
        g_free(ports);
    }
    return 0;
}
