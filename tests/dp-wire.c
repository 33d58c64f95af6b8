/* dp-wire.c -- a two-port "wire" over the datapath's ports, for the
 * namespace tests (tests/dp-afpacket.sh).
 *
 * Opens two ports (datapath/netdev.h) and forwards every packet received
 * on one out of the other, unchanged, offload metadata included: the
 * smallest switch there is, so that the tests measure the ports alone.
 *
 *   dp-wire [--ready=FILE] [--no-offloads] TYPE:NAME TYPE:NAME
 *
 * TYPE is system, internal or dummy.  Internal ports are brought up.
 * --no-offloads makes both ports take no offloads on transmission, so that
 * checksums and segmentation are done in software (netdev-offload.c).
 * FILE is created once both ports are open.  The wire runs until SIGTERM
 * or SIGINT, then prints each port's counters on stderr and exits 0. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "netdev.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    stop = sig;
}

static struct dp_netdev *
open_port(const char *spec)
{
    const char *colon = strchr(spec, ':');
    struct diag *diag = diag_new();
    struct dp_netdev *netdev;
    char *type;
    int error;

    if (!colon) {
        usage_error("\"%s\": expected TYPE:NAME", spec);
    }
    type = g_strndup(spec, colon - spec);
    error = dp_netdev_open(colon + 1, type, &netdev, diag);
    if (!error && !strcmp(type, "internal")) {
        error = dp_netdev_set_up(netdev, true, diag);
    }
    if (error) {
        diag_print(diag, stderr, program_name());
        exit(1);
    }
    g_free(type);
    diag_free(diag);
    return netdev;
}

/* Moves everything 'from' has received out of 'to'.  Returns 0, or a
 * negative errno if 'from' failed. */
static int
forward(struct dp_netdev *from, struct dp_netdev *to)
{
    for (;;) {
        struct dp_packet_batch batch = { .count = 0 };
        int n = dp_netdev_rx_batch(from, &batch);

        if (n == -EAGAIN) {
            return 0;
        } else if (n < 0) {
            return n;
        }
        dp_netdev_tx_batch(to, &batch);
        for (unsigned int i = 0; i < batch.count; i++) {
            dp_packet_delete(batch.packets[i]);
        }
    }
}

static void
print_stats(struct dp_netdev *netdev)
{
    struct dp_netdev_stats s;

    dp_netdev_get_stats(netdev, &s);
    fprintf(stderr, "%s: rx %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64
            " dropped, tx %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64
            " dropped\n", dp_netdev_get_name(netdev), s.rx_packets,
            s.rx_bytes, s.rx_dropped, s.tx_packets, s.tx_bytes,
            s.tx_dropped);
}

int
main(int argc, char *argv[])
{
    const char *ready = NULL;
    bool offloads = true;
    struct dp_netdev *ports[2];
    struct sigaction sa;
    int i;

    set_program_name(argv[0]);
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strncmp(argv[i], "--ready=", 8)) {
            ready = argv[i] + 8;
        } else if (!strcmp(argv[i], "--no-offloads")) {
            offloads = false;
        } else {
            usage_error("unknown option \"%s\"", argv[i]);
        }
    }
    if (argc - i != 2) {
        usage_error("expected two ports, TYPE:NAME TYPE:NAME");
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    ports[0] = open_port(argv[i]);
    ports[1] = open_port(argv[i + 1]);
    if (!offloads) {
        dp_netdev_set_tx_offloads(ports[0], 0);
        dp_netdev_set_tx_offloads(ports[1], 0);
    }
    if (ready) {
        int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd < 0) {
            fprintf(stderr, "%s: %s: %s\n", program_name(), ready,
                    g_strerror(errno));
            return 1;
        }
        close(fd);
    }

    while (!stop) {
        struct pollfd pfds[2];

        for (int j = 0; j < 2; j++) {
            pfds[j].fd = dp_netdev_get_fd(ports[j]);
            pfds[j].events = POLLIN;
            pfds[j].revents = 0;
        }
        if (poll(pfds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "%s: poll: %s\n", program_name(),
                    g_strerror(errno));
            return 1;
        }
        for (int j = 0; j < 2; j++) {
            if (pfds[j].revents) {
                int error = forward(ports[j], ports[!j]);

                if (error) {
                    fprintf(stderr, "%s: %s: %s\n", program_name(),
                            dp_netdev_get_name(ports[j]),
                            g_strerror(-error));
                    return 1;
                }
            }
        }
    }
    print_stats(ports[0]);
    print_stats(ports[1]);
    dp_netdev_close(ports[0]);
    dp_netdev_close(ports[1]);
    return 0;
}
