/* test-exec.c -- running programs without a shell (lib/exec.c).
 *
 * Checks that the prefixed program runs while argv[0] stays unprefixed,
 * exit statuses (127 for a missing program, 128+N for a signal), output
 * capture, environment additions, the timeout's SIGTERM and SIGKILL, the
 * child's clean slate (descriptors, signal dispositions), and the two log
 * lines.  Run as "test-exec echo-argv0 ARG..." this program prints its
 * argv, which is how the tests see what argv[0] a child gets: a script
 * cannot, since the kernel gives the interpreter the executed path. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "exec.h"
#include "log.h"
#include "tap.h"

static char *tmpdir;

/* The helper mode: prints argv joined by spaces. */
static int
echo_argv(int argc, char *argv[])
{
    for (int i = 0; i < argc; i++) {
        printf("%s%s", i ? " " : "", argv[i]);
    }
    printf("\n");
    return 0;
}

/* Runs 'argv' with 'o' (output captured into a fresh string); returns the
 * status and the output in '*outp' (g_free). */
static int
run_capture(const char *const *argv, struct exec_options *o, char **outp,
            struct diag *d)
{
    GString *out = g_string_new(NULL);
    int status;

    o->output = out;
    status = exec_run(argv, o, d);
    o->output = NULL;
    *outp = g_string_free(out, FALSE);
    return status;
}

static void
test_argv_to_string(void)
{
    char *s;

    s = exec_argv_to_string((const char *const[]) { "a", "b c", "d", NULL });
    is_str(s, "a b c d", "exec_argv_to_string joins with single spaces");
    g_free(s);
    s = exec_argv_to_string((const char *const[]) { "x", NULL });
    is_str(s, "x", "exec_argv_to_string of one element");
    g_free(s);
}

static void
test_root_prefix(const char *self)
{
    char *bin = g_build_filename(tmpdir, "sbin", NULL);
    char *link = g_build_filename(bin, "show", NULL);
    struct exec_options o = { .root_prefix = tmpdir };
    struct diag *d = diag_new();
    char *out;
    int status;

    g_mkdir(bin, 0755);
    if (symlink(self, link) < 0) {
        diag_msg("symlink %s: %s", link, g_strerror(errno));
    }

    status = run_capture((const char *const[]) { "/sbin/show", "echo-argv0",
                                                 "a", "b c", NULL },
                         &o, &out, d);
    is_int(status, 0, "prefixed program: exit status 0");
    is_str(out, "/sbin/show echo-argv0 a b c\n",
           "ROOT/sbin/show ran, with argv[0] \"/sbin/show\"");
    is_int(diag_count(d), 0, "no diagnostics");
    g_free(out);

    o.root_prefix = "";
    status = run_capture((const char *const[]) { link, "echo-argv0", NULL },
                         &o, &out, d);
    is_int(status, 0, "empty root prefix: exit status 0");
    ok(g_str_has_suffix(out, "/sbin/show echo-argv0\n")
       && g_str_has_prefix(out, tmpdir),
       "empty root prefix: the path as given");
    g_free(out);

    /* A missing program under the prefix: 127, and the prefixed path in
     * the reason. */
    o.root_prefix = tmpdir;
    status = exec_run((const char *const[]) { "/sbin/missing", NULL }, &o, d);
    is_int(status, 127, "missing prefixed program: 127");
    out = g_strdup_printf("cannot execute %s/sbin/missing: No such file",
                          tmpdir);
    ok(diag_contains(d, out), "missing prefixed program: reason names %s",
       out);
    g_free(out);

    diag_free(d);
    g_free(link);
    g_free(bin);
}

static void
test_statuses(void)
{
    struct diag *d = diag_new();
    int status;

    status = exec_run((const char *const[]) { "/bin/sh", "-c", "exit 3",
                                              NULL }, NULL, d);
    is_int(status, 3, "exit status 3");
    status = exec_run((const char *const[]) { "/bin/true", NULL }, NULL, d);
    is_int(status, 0, "exit status 0");
    is_int(diag_count(d), 0, "no diagnostics for exits");

    status = exec_run((const char *const[]) { "/nonexistent/program", "x",
                                              NULL }, NULL, d);
    is_int(status, 127, "missing program: 127");
    ok(diag_contains(d, "cannot execute /nonexistent/program: No such file "
                     "or directory"), "missing program: reason in diag");

    status = exec_run((const char *const[]) { "sh", "-c", "exit 5", NULL },
                      NULL, NULL);
    is_int(status, 5, "a name without '/' is searched in $PATH");

    status = exec_run((const char *const[]) { "/bin/sh", "-c", "kill -9 $$",
                                              NULL }, NULL, NULL);
    is_int(status, 128 + SIGKILL, "killed by SIGKILL: 128 + 9");

    status = exec_run((const char *const[]) { NULL }, NULL, d);
    is_int(status, -EINVAL, "empty argv: -EINVAL");
    diag_free(d);
}

static void
test_output(void)
{
    struct exec_options o = { .timeout_ms = 0 };
    char *out;
    int status;

    status = run_capture((const char *const[]) { "/bin/echo", "hello",
                                                 "world", NULL },
                         &o, &out, NULL);
    is_int(status, 0, "echo: status 0");
    is_str(out, "hello world\n", "echo: output captured");
    g_free(out);

    /* More than a pipe's worth. */
    status = run_capture((const char *const[]) { "/bin/sh", "-c",
                                                 "seq 1 100000", NULL },
                         &o, &out, NULL);
    is_int(status, 0, "seq: status 0");
    is_int(strlen(out), 588895, "seq: all 588895 bytes captured");
    ok(g_str_has_suffix(out, "\n99999\n100000\n"), "seq: the end is there");
    g_free(out);

    /* The same, with a timeout (the polling path). */
    o.timeout_ms = 10000;
    status = run_capture((const char *const[]) { "/bin/sh", "-c",
                                                 "seq 1 100000; exit 2",
                                                 NULL },
                         &o, &out, NULL);
    is_int(status, 2, "seq with timeout: status 2");
    is_int(strlen(out), 588895, "seq with timeout: all bytes captured");
    g_free(out);
    o.timeout_ms = 0;

    /* discard_stderr sends the child's stderr to /dev/null, and only
     * then. */
    {
        static const char *const where[] = {
            "/bin/sh", "-c", "readlink /proc/self/fd/2", NULL
        };

        o.discard_stderr = true;
        status = run_capture(where, &o, &out, NULL);
        is_int(status, 0, "discard_stderr: status 0");
        is_str(out, "/dev/null\n", "discard_stderr: stderr is /dev/null");
        g_free(out);
        o.discard_stderr = false;
        status = run_capture(where, &o, &out, NULL);
        ok(out && strcmp(out, "/dev/null\n"), "without it, stderr is ours");
        g_free(out);
    }

    /* A grandchild that keeps the pipe open does not hold us up. */
    {
        gint64 start = g_get_monotonic_time();

        status = run_capture((const char *const[]) {
                                 "/bin/sh", "-c",
                                 "exec 2>/dev/null; sleep 2 & echo started",
                                 NULL },
                             &o, &out, NULL);
        is_int(status, 0, "background grandchild: status 0");
        is_str(out, "started\n", "background grandchild: output");
        ok(g_get_monotonic_time() - start < 1500000,
           "background grandchild: returned without waiting for it");
        g_free(out);
    }
}

static void
test_environment(void)
{
    struct exec_options o = {
        .env = (const char *const[]) { "DHCLIENTARGS= -T 240 ",
                                       "IFR_TEST_VAR=new", NULL },
    };
    char *out;
    int status;

    g_setenv("IFR_TEST_VAR", "old", TRUE);
    g_setenv("IFR_TEST_KEEP", "kept", TRUE);
    status = run_capture((const char *const[]) {
                             "/bin/sh", "-c",
                             "printf '[%s][%s][%s]' \"$DHCLIENTARGS\" "
                             "\"$IFR_TEST_VAR\" \"$IFR_TEST_KEEP\"", NULL },
                         &o, &out, NULL);
    is_int(status, 0, "environment: status 0");
    is_str(out, "[ -T 240 ][new][kept]",
           "environment: added, replaced, inherited");
    is_str(g_getenv("IFR_TEST_VAR"), "old", "our own environment unchanged");
    ok(!g_getenv("DHCLIENTARGS"), "DHCLIENTARGS not set in ours");
    g_free(out);
}

static void
test_timeout(void)
{
    struct exec_options o = { .timeout_ms = 200 };
    struct diag *d = diag_new();
    gint64 start, elapsed;
    int status;

    start = g_get_monotonic_time();
    status = exec_run((const char *const[]) { "/bin/sleep", "10", NULL }, &o,
                      d);
    elapsed = g_get_monotonic_time() - start;
    is_int(status, -ETIMEDOUT, "sleep 10 with 200 ms timeout: -ETIMEDOUT");
    ok(elapsed >= 190000 && elapsed < 2000000,
       "sleep 10 killed after about 200 ms (%lld ms)",
       (long long) elapsed / 1000);
    ok(diag_contains(d, "/bin/sleep: timed out after 200 ms; killed"),
       "timeout reported in diag");

    /* A child that ignores SIGTERM gets SIGKILL a second later. */
    diag_clear(d);
    start = g_get_monotonic_time();
    status = exec_run((const char *const[]) { "/bin/sh", "-c",
                                              "trap '' TERM; exec sleep 10",
                                              NULL }, &o, d);
    elapsed = g_get_monotonic_time() - start;
    is_int(status, -ETIMEDOUT, "SIGTERM ignored: still -ETIMEDOUT");
    ok(elapsed >= 1000000 && elapsed < 4000000,
       "SIGTERM ignored: SIGKILL after the grace second (%lld ms)",
       (long long) elapsed / 1000);

    /* A fast child is not disturbed by a timeout. */
    o.timeout_ms = 5000;
    start = g_get_monotonic_time();
    status = exec_run((const char *const[]) { "/bin/sh", "-c", "exit 7",
                                              NULL }, &o, d);
    elapsed = g_get_monotonic_time() - start;
    is_int(status, 7, "timeout not reached: the exit status");
    ok(elapsed < 1000000, "timeout not reached: returned promptly");
    diag_free(d);
}

static void
test_clean_child(void)
{
    struct exec_options o = { .timeout_ms = 0 };
    char *script, *out;
    int status;
    int fd;

    /* A descriptor without FD_CLOEXEC is still closed in the child. */
    fd = open("/dev/null", O_RDONLY);
    script = g_strdup_printf("if [ -e /proc/self/fd/%d ]; then echo open; "
                             "else echo closed; fi", fd);
    status = run_capture((const char *const[]) { "/bin/sh", "-c", script,
                                                 NULL }, &o, &out, NULL);
    is_int(status, 0, "fd test: status 0");
    is_str(out, "closed\n", "our descriptor %d is closed in the child", fd);
    close(fd);
    g_free(out);
    g_free(script);

    /* An ignored signal is back to its default in the child. */
    signal(SIGTERM, SIG_IGN);
    status = exec_run((const char *const[]) { "/bin/sh", "-c",
                                              "kill -TERM $$; exit 0", NULL },
                      NULL, NULL);
    signal(SIGTERM, SIG_DFL);
    is_int(status, 128 + SIGTERM, "SIGTERM disposition reset in the child");
}

static void
test_logging(void)
{
    char *log = g_build_filename(tmpdir, "exec.log", NULL);
    struct exec_options quiet = { .quiet = true };
    char *text = NULL;
    unsigned int dests = log_get_destinations();

    if (log_set_file(log) < 0) {
        ok(false, "log_set_file(%s)", log);
        g_free(log);
        return;
    }
    log_set_destinations(LOG_TO_FILE);

    exec_run((const char *const[]) { "/bin/sh", "-c", "exit 4", NULL }, NULL,
             NULL);
    exec_run((const char *const[]) { "/bin/true", "ok", NULL }, NULL, NULL);
    exec_run((const char *const[]) { "/bin/sh", "-c", "exit 6", NULL },
             &quiet, NULL);
    log_set_destinations(dests);

    g_file_get_contents(log, &text, NULL, NULL);
    ok(text && strstr(text, "|exec|info|Running command: /bin/sh -c "
                      "exit 4\n"),
       "log: Running command: ARGV");
    ok(text && strstr(text, "|exec|info|Command failed 4: /bin/sh -c "
                      "exit 4\n"),
       "log: Command failed STATUS: ARGV");
    ok(text && strstr(text, "Running command: /bin/true ok\n"),
       "log: a successful command is logged");
    ok(text && !strstr(text, "Command failed 0"),
       "log: no failure line for status 0");
    ok(text && !strstr(text, "exit 6"), "log: quiet logs nothing");
    g_free(text);
    g_free(log);
}

int
main(int argc, char *argv[])
{
    char *self;

    if (argc > 1 && !strcmp(argv[1], "echo-argv0")) {
        return echo_argv(argc, argv);
    }

    self = g_file_read_link("/proc/self/exe", NULL);
    tmpdir = g_dir_make_tmp("test-exec-XXXXXX", NULL);
    if (!self || !tmpdir) {
        skip_all("no /proc/self/exe or no temporary directory");
    }

    test_argv_to_string();
    test_root_prefix(self);
    test_statuses();
    test_output();
    test_environment();
    test_timeout();
    test_clean_child();
    test_logging();

    exec_run((const char *const[]) { "/bin/rm", "-rf", tmpdir, NULL },
             &(struct exec_options) { .quiet = true }, NULL);
    g_free(tmpdir);
    g_free(self);
    return done_testing();
}
