/* test-syslog-sink.c -- a syslog daemon's socket, for tests/log-syslog.sh.
 *
 *   test-syslog-sink SOCKET FILE
 *
 * Binds a Unix datagram socket at SOCKET (what syslog(3) writes to at
 * /dev/log) and appends each message it receives to FILE as one line, as
 * it came ("<PRI>TIMESTAMP IDENT[PID]: MESSAGE"), until SIGTERM; then it
 * removes SOCKET.  FILE exists (empty) once SOCKET is bound. */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
    (void) sig;
    stop = 1;
}

int
main(int argc, char *argv[])
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct sigaction sa = { .sa_handler = on_term };
    char buf[8192];
    FILE *out;
    int fd;

    if (argc != 3 || strlen(argv[1]) >= sizeof sun.sun_path) {
        fprintf(stderr, "usage: %s SOCKET FILE\n", argv[0]);
        return 2;
    }
    strcpy(sun.sun_path, argv[1]);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
        return 1;
    }
    out = fopen(argv[2], "a");
    if (!out) {
        fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], strerror(errno));
        unlink(argv[1]);
        return 1;
    }
    sigaction(SIGTERM, &sa, NULL);   /* No SA_RESTART: recv() returns. */
    while (!stop) {
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "%s: recv: %s\n", argv[0], strerror(errno));
            break;
        }
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0')) {
            n--;
        }
        buf[n] = '\0';
        fprintf(out, "%s\n", buf);
        fflush(out);
    }
    fclose(out);
    unlink(argv[1]);
    return 0;
}
