/* test-log-levels.c -- log level specs (lib/log.c), Open vSwitch's -v:
 * "[MODULE][:DEST][:LEVEL]" items, a level per (module, destination).
 *
 * Two modules of the test's own, alpha and beta, log to the console
 * (stderr, redirected to a file) and to a log file; each check sets specs
 * and looks at log_is_enabled() and at what reaches each file.  Syslog is
 * checked through the destination mask and log_is_enabled() only: nothing
 * is sent to the host's syslog. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

/* Written out rather than with LOG_DEFINE_THIS_MODULE, which defines one
 * static 'this_module'; just the name, as that macro leaves the rest.
 * main() registers them, as the macro would. */
static struct log_module alpha = { .name = "alpha" };
static struct log_module beta = { .name = "beta" };

static char *console_path;
static char *file_path;

static const char *const level_names[] = { "err", "warn", "info", "dbg" };

/* The most detailed level that 'dest' alone (a LOG_TO_* bit) takes from
 * 'm', by log_is_enabled() with only that destination on: "off" if none. */
static const char *
dest_level(struct log_module *m, unsigned int dest)
{
    unsigned int saved = log_get_destinations();
    const char *name = "off";

    log_set_destinations(dest);
    for (int level = LL_ERR; level <= LL_DBG; level++) {
        if (log_is_enabled(m, level)) {
            name = level_names[level];
        }
    }
    log_set_destinations(saved);
    return name;
}

/* 'm''s levels as "CONSOLE SYSLOG FILE", e.g. "info info info". */
static char *
levels(struct log_module *m)
{
    return g_strdup_printf("%s %s %s", dest_level(m, LOG_TO_CONSOLE),
                           dest_level(m, LOG_TO_SYSLOG),
                           dest_level(m, LOG_TO_FILE));
}

/* Checks that 'm''s levels are 'want' ("CONSOLE SYSLOG FILE"). */
static bool
is_levels(struct log_module *m, const char *want, const char *what)
{
    char *got = levels(m);
    bool r = is_str(got, want, "%s: %s at %s", what, m->name, want);

    g_free(got);
    return r;
}

static bool
file_has(const char *path, const char *text)
{
    char *contents = NULL;
    bool found;

    if (!g_file_get_contents(path, &contents, NULL, NULL)) {
        return false;
    }
    found = strstr(contents, text) != NULL;
    g_free(contents);
    return found;
}

/* Logs a message of its own from 'm' at 'level' and returns where it
 * went: "console", "file", "console+file" or "none". */
static const char *
reaches(struct log_module *m, enum log_level level)
{
    static int serial;
    char *tag = g_strdup_printf("message[%d]", ++serial);
    bool console, file;

    log_msg(m, level, "%s", tag);
    fflush(stderr);
    console = file_has(console_path, tag);
    file = file_has(file_path, tag);
    g_free(tag);
    return (console && file ? "console+file"
            : console ? "console"
            : file ? "file"
            : "none");
}

static bool
spec_ok(const char *spec)
{
    return is_int(log_set_levels(spec), 0, "log_set_levels(\"%s\")", spec);
}

int
main(void)
{
    static const char *const bad_specs[] = {
        "console:file:dbg",     /* Two destinations. */
        "dbg:warn",             /* Two levels. */
        "alpha:beta:dbg",       /* Two modules. */
        "a:b:dbg",              /* Two modules, and neither exists. */
        ":dbg",                 /* An empty word. */
        "alpha:",
        "alpha::dbg",
        "x,,y",                 /* An empty item. */
        "",
        ",",
        "loud",                 /* No such level, nor module. */
        "syslog:loud",
        "gamma:dbg",            /* No such module. */
    };
    char *dir = g_dir_make_tmp("test-log-levels-XXXXXX", NULL);
    int saved_stderr, fd;

    if (!dir) {
        skip_all("no temporary directory");
    }
    log_register_module(&alpha);
    log_register_module(&beta);
    log_register_module(&alpha);
    console_path = g_build_filename(dir, "console", NULL);
    file_path = g_build_filename(dir, "file", NULL);

    /* The console is stderr: into a file, to see what reaches it. */
    fd = open(console_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    saved_stderr = dup(STDERR_FILENO);
    if (fd < 0 || saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
        skip_all("cannot redirect stderr");
    }
    close(fd);

    /* Defaults: info everywhere; the console only, until there is a file
     * (the file destination takes nothing until then); syslog off. */
    is_int(log_get_destinations(), LOG_TO_CONSOLE, "default: console only");
    is_levels(&alpha, "info info off", "default, no file yet");
    ok(!log_is_enabled(&alpha, LL_DBG), "default: dbg is not enabled");
    ok(log_is_enabled(&alpha, LL_INFO), "default: info is enabled");
    is_str(reaches(&alpha, LL_INFO), "console", "default: info to console");
    ok(log_set_file(file_path) == 0, "log_set_file()");
    is_int(log_get_destinations(), LOG_TO_CONSOLE | LOG_TO_FILE,
           "log_set_file() adds the file");
    is_levels(&alpha, "info info info", "default");
    is_levels(&beta, "info info info", "default");
    is_str(reaches(&alpha, LL_INFO), "console+file",
           "default: info to console and file");
    is_str(reaches(&alpha, LL_DBG), "none", "default: dbg nowhere");
    ok(file_has(file_path, "|alpha|info|message["),
       "the file names the module and the level");

    /* "dbg": every module at every destination, syslog still off. */
    spec_ok("dbg");
    is_levels(&alpha, "dbg dbg dbg", "dbg");
    is_levels(&beta, "dbg dbg dbg", "dbg");
    is_str(reaches(&beta, LL_DBG), "console+file", "dbg: dbg everywhere");
    is_int(log_get_destinations() & LOG_TO_SYSLOG, 0,
           "dbg: does not turn syslog on");

    /* "MODULE:LEVEL": that module at every destination. */
    spec_ok("info");
    spec_ok("alpha:dbg");
    is_levels(&alpha, "dbg dbg dbg", "alpha:dbg");
    is_levels(&beta, "info info info", "alpha:dbg");
    ok(log_is_enabled(&alpha, LL_DBG), "alpha:dbg: enabled for alpha");
    ok(!log_is_enabled(&beta, LL_DBG), "alpha:dbg: not for beta");
    is_str(reaches(&alpha, LL_DBG), "console+file",
           "alpha:dbg: alpha's dbg everywhere");
    is_str(reaches(&beta, LL_DBG), "none", "alpha:dbg: beta's nowhere");

    /* A later spec for all modules overrides an earlier one for one
     * module, as in Open vSwitch (not a default beneath it). */
    spec_ok("warn");
    is_levels(&alpha, "warn warn warn", "alpha:dbg then warn");
    is_str(reaches(&alpha, LL_INFO), "none",
           "alpha:dbg then warn: alpha's info nowhere");
    spec_ok("alpha:dbg,info");
    is_levels(&alpha, "info info info", "alpha:dbg,info");

    /* "DEST:LEVEL": every module's level at that destination. */
    spec_ok("alpha:dbg");
    spec_ok("console:warn");
    is_levels(&alpha, "warn dbg dbg", "alpha:dbg then console:warn");
    is_levels(&beta, "warn info info", "console:warn");
    is_str(reaches(&beta, LL_INFO), "file",
           "console:warn: info to the file, not the console");
    is_str(reaches(&beta, LL_WARN), "console+file",
           "console:warn: warn to both");
    is_str(reaches(&alpha, LL_DBG), "file",
           "console:warn: alpha's dbg to the file only");
    spec_ok("console:dbg");
    is_levels(&beta, "dbg info info", "console:dbg");
    is_str(reaches(&beta, LL_DBG), "console",
           "console:dbg: sets, not only caps: beta's dbg to the console");

    /* "MODULE:DEST:LEVEL": just that pair, whatever the words' order. */
    spec_ok("info");
    spec_ok("alpha:file:dbg");
    is_levels(&alpha, "info info dbg", "alpha:file:dbg");
    is_levels(&beta, "info info info", "alpha:file:dbg");
    ok(log_is_enabled(&alpha, LL_DBG), "alpha:file:dbg: enabled for alpha");
    ok(!log_is_enabled(&beta, LL_DBG), "alpha:file:dbg: not for beta");
    is_str(reaches(&alpha, LL_DBG), "file",
           "alpha:file:dbg: alpha's dbg to the file only");
    is_str(reaches(&beta, LL_DBG), "none",
           "alpha:file:dbg: beta's nowhere");
    spec_ok("info");
    spec_ok("file:dbg:beta");
    is_levels(&beta, "info info dbg", "file:dbg:beta");
    is_levels(&alpha, "info info info", "file:dbg:beta");
    spec_ok("info");
    spec_ok("console:beta");
    is_levels(&beta, "dbg info info", "console:beta (level omitted: dbg)");
    spec_ok("info");
    spec_ok("FILE:Beta:DBG");
    is_levels(&beta, "info info dbg", "FILE:Beta:DBG (case)");

    /* log_is_enabled() follows the destinations that are on. */
    log_set_destinations(LOG_TO_CONSOLE);
    ok(!log_is_enabled(&beta, LL_DBG),
       "beta dbg at the file only, file off: not enabled");
    log_set_destinations(LOG_TO_CONSOLE | LOG_TO_FILE);
    ok(log_is_enabled(&beta, LL_DBG), "file on again: enabled");

    spec_ok("info");
    spec_ok("alpha");
    is_levels(&alpha, "dbg dbg dbg", "alpha (level omitted: dbg)");
    is_levels(&beta, "info info info", "alpha");

    /* "any". */
    spec_ok("any:any:warn");
    is_levels(&alpha, "warn warn warn", "any:any:warn");
    is_levels(&beta, "warn warn warn", "any:any:warn");
    ok(!log_is_enabled(&alpha, LL_INFO), "any:any:warn: info not enabled");
    is_str(reaches(&beta, LL_INFO), "none", "any:any:warn: info nowhere");
    is_str(reaches(&beta, LL_WARN), "console+file",
           "any:any:warn: warn everywhere");
    spec_ok("alpha:any:off");
    is_levels(&alpha, "off off off", "alpha:any:off");
    ok(!log_is_enabled(&alpha, LL_ERR), "alpha:any:off: err not enabled");
    is_str(reaches(&alpha, LL_ERR), "none", "alpha:any:off: err nowhere");

    /* Syslog: naming it with a level turns it on, "syslog:off" for all
     * modules off.  (Turned off again before anything is logged.) */
    spec_ok("info");
    spec_ok("syslog:info");
    is_int(log_get_destinations(),
           LOG_TO_CONSOLE | LOG_TO_SYSLOG | LOG_TO_FILE,
           "syslog:info: turns syslog on");
    spec_ok("syslog:off");
    is_int(log_get_destinations(), LOG_TO_CONSOLE | LOG_TO_FILE,
           "syslog:off: turns it off");
    is_levels(&alpha, "info off info", "syslog:off");
    spec_ok("alpha:syslog:warn");
    is_int(log_get_destinations() & LOG_TO_SYSLOG, LOG_TO_SYSLOG,
           "alpha:syslog:warn: turns syslog on");
    is_levels(&alpha, "info warn info", "alpha:syslog:warn");
    is_levels(&beta, "info off info", "alpha:syslog:warn");
    spec_ok("alpha:syslog:off");
    is_int(log_get_destinations() & LOG_TO_SYSLOG, LOG_TO_SYSLOG,
           "alpha:syslog:off: leaves syslog on for the other modules");
    spec_ok("syslog:off");
    is_int(log_get_destinations() & LOG_TO_SYSLOG, 0,
           "syslog:off: off again");

    /* A bad spec changes nothing, not even its good items. */
    spec_ok("info,alpha:console:dbg,beta:file:warn,syslog:off");
    for (size_t i = 0; i < ARRAY_SIZE(bad_specs); i++) {
        char *spec = g_strdup_printf("dbg,%s", bad_specs[i]);

        is_int(log_set_levels(bad_specs[i]), -EINVAL,
               "\"%s\" is refused", bad_specs[i]);
        is_int(log_set_levels(spec), -EINVAL, "\"%s\" is refused", spec);
        is_levels(&alpha, "dbg off info", spec);
        is_levels(&beta, "info off warn", spec);
        is_int(log_get_destinations(), LOG_TO_CONSOLE | LOG_TO_FILE,
               "%s: destinations unchanged", spec);
        g_free(spec);
    }
    is_int(log_set_levels("syslog:loud"), -EINVAL, "syslog:loud is refused");
    is_int(log_get_destinations() & LOG_TO_SYSLOG, 0,
           "syslog:loud: syslog stays off");

    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    g_unlink(console_path);
    g_unlink(file_path);
    g_rmdir(dir);
    g_free(console_path);
    g_free(file_path);
    g_free(dir);
    return done_testing();
}
