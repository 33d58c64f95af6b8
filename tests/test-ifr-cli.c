/* test-ifr-cli.c -- interface-reconfigure's command line (reconfigure/cli.c).
 *
 * Drives ifr_parse_args() with many argument vectors and checks the result,
 * the parsed fields, and the exact text written to stdout and stderr
 * (captured by pointing file descriptors 1 and 2 at temporary files). */
#include <config.h>

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tap.h"
#include "util.h"

#define PROG "/usr/sbin/interface-reconfigure"
#define HINT "\nFor help use --help.\n"

struct result {
    enum ifr_cli_result r;
    struct ifr_args args;       /* Valid if r == IFR_CLI_OK. */
    char *out;                  /* What was written to stdout. */
    char *err;                  /* What was written to stderr. */
};

/* Points 'fd' at a new temporary file.  Returns the saved old descriptor;
 * '*tmpp' gets the file. */
static int
redirect(int fd, FILE **tmpp)
{
    int saved = dup(fd);

    *tmpp = tmpfile();
    dup2(fileno(*tmpp), fd);
    return saved;
}

/* Undoes redirect() and returns what was written (g_free). */
static char *
restore(int fd, int saved, FILE *tmp)
{
    GString *s = g_string_new(NULL);
    char buf[1024];
    size_t n;

    dup2(saved, fd);
    close(saved);
    rewind(tmp);
    while ((n = fread(buf, 1, sizeof buf, tmp)) > 0) {
        g_string_append_len(s, buf, n);
    }
    fclose(tmp);
    return g_string_free(s, FALSE);
}

/* Runs ifr_parse_args() on the NULL-terminated 'argv' (copied, since it
 * is permuted), capturing stdout and stderr. */
static struct result
run(const char *const *argv)
{
    struct result res = { .r = IFR_CLI_OK };
    char **copy;
    FILE *out, *err;
    int argc = 0;
    int s1, s2;

    while (argv[argc]) {
        argc++;
    }
    copy = g_new0(char *, argc + 1);
    for (int i = 0; i < argc; i++) {
        copy[i] = g_strdup(argv[i]);
    }

    fflush(stdout);
    fflush(stderr);
    s1 = redirect(STDOUT_FILENO, &out);
    s2 = redirect(STDERR_FILENO, &err);
    res.r = ifr_parse_args(argc, copy, &res.args);
    fflush(stdout);
    fflush(stderr);
    res.out = restore(STDOUT_FILENO, s1, out);
    res.err = restore(STDERR_FILENO, s2, err);

    g_strfreev(copy);
    return res;
}

static void
result_free(struct result *res)
{
    if (res->r == IFR_CLI_OK) {
        ifr_args_clear(&res->args);
    }
    g_free(res->out);
    g_free(res->err);
}

#define ARGV(...) ((const char *const[]) { PROG, __VA_ARGS__, NULL })

/* Checks that 'argv' is a usage error with message 'msg'. */
static void
usage_case(const char *const *argv, const char *msg)
{
    struct result res = run(argv);
    char *want = g_strconcat(msg, HINT, NULL);
    char *line = g_strjoinv(" ", (char **) argv + 1);

    is_int(res.r, IFR_CLI_USAGE, "[%s] is a usage error", line);
    is_str(res.err, want, "[%s] says \"%s\"", line, msg);
    is_str(res.out, "", "[%s] writes nothing on stdout", line);
    result_free(&res);
    g_free(line);
    g_free(want);
}

/* Runs 'argv', which must parse; returns the result for more checks. */
static struct result
ok_case(const char *const *argv)
{
    struct result res = run(argv);
    char *line = g_strjoinv(" ", (char **) argv + 1);

    is_int(res.r, IFR_CLI_OK, "[%s] parses", line);
    is_str(res.err, "", "[%s] writes nothing on stderr", line);
    g_free(line);
    return res;
}

static void
test_validation_messages(void)
{
    /* Item 2. */
    usage_case((const char *const[]) { PROG, NULL },
               "Required option <action> not present");
    usage_case(ARGV("--force", "xenbr0"),
               "Required option <action> not present");
    /* Item 3. */
    usage_case(ARGV("up", "down"), "Too many arguments");
    usage_case(ARGV("--force", "xenbr0", "up", "extra"),
               "Too many arguments");
    /* Item 4. */
    usage_case(ARGV("sideways"), "Unknown action \"sideways\"");
    usage_case(ARGV("UP"), "Unknown action \"UP\"");
    /* Item 5. */
    usage_case(ARGV("--session", "s", "--pif", "p", "--pif-uuid", "u", "up"),
               "--session/--pif and --pif-uuid are mutually exclusive.");
    usage_case(ARGV("--pif", "p", "--pif-uuid", "u", "up"),
               "--session/--pif and --pif-uuid are mutually exclusive.");
    usage_case(ARGV("--session", "s", "--pif-uuid", "u", "up"),
               "--session/--pif and --pif-uuid are mutually exclusive.");
    /* Item 6. */
    usage_case(ARGV("--session", "s", "up"),
               "--session and --pif must be used together.");
    usage_case(ARGV("--pif", "p", "down"),
               "--session and --pif must be used together.");
    /* Item 7. */
    usage_case(ARGV("--force", "xenbr0", "--session", "s", "--pif", "p",
                    "up"),
               "--force is mutually exclusive with --session, --pif and "
               "--pif-uuid");
    usage_case(ARGV("--force", "xenbr0", "--pif-uuid", "u", "down"),
               "--force is mutually exclusive with --session, --pif and "
               "--pif-uuid");
    /* Item 8. */
    usage_case(ARGV("--session", "s", "--pif", "p", "--mac", "m", "up"),
               "\"--force rewrite\" needed for --device, --mode, --ip, "
               "--netmask, and --gateway");
    usage_case(ARGV("--force", "xenbr0", "--mode", "dhcp", "up"),
               "\"--force rewrite\" needed for --device, --mode, --ip, "
               "--netmask, and --gateway");
    usage_case(ARGV("--device", "eth0", "rewrite"),
               "\"--force rewrite\" needed for --device, --mode, --ip, "
               "--netmask, and --gateway");
    usage_case(ARGV("--gateway", "", "rewrite"),
               "\"--force rewrite\" needed for --device, --mode, --ip, "
               "--netmask, and --gateway");
    /* Item 9. */
    usage_case(ARGV("--session", "s", "--pif", "p", "rewrite"),
               "rewrite action does not take --pif or --pif-uuid");
    usage_case(ARGV("--pif-uuid", "u", "rewrite-configuration"),
               "rewrite action does not take --pif or --pif-uuid");
    /* Item 11. */
    usage_case(ARGV("--force", "xenbr0", "rewrite"),
               "Please supply --mode, --mac and --device");
    usage_case(ARGV("--force", "xenbr0", "rewrite", "--mode", "dhcp",
                    "--mac", "00:11:22:33:44:55"),
               "Please supply --mode, --mac and --device");
    usage_case(ARGV("--force", "xenbr0", "rewrite", "--mode", "static",
                    "--mac", "m", "--device", "eth0", "--ip", "10.0.0.2"),
               "Please supply --netmask and --ip");
    usage_case(ARGV("--force", "xenbr0", "rewrite", "--mode", "static",
                    "--mac", "m", "--device", "eth0", "--netmask", "/24"),
               "Please supply --netmask and --ip");
    usage_case(ARGV("--force", "xenbr0", "rewrite", "--mode", "bootp",
                    "--mac", "m", "--device", "eth0"),
               "--mode must be either static or dhcp");
    usage_case(ARGV("--force", "xenbr0", "rewrite", "--mode", "",
                    "--mac", "m", "--device", "eth0"),
               "--mode must be either static or dhcp");
}

static void
test_validation_order(void)
{
    /* The first failing check is the one reported. */
    usage_case(ARGV("--session", "s", "--pif-uuid", "u", "--mac", "m"),
               "Required option <action> not present");
    usage_case(ARGV("--session", "s", "--pif-uuid", "u", "sideways"),
               "Unknown action \"sideways\"");
    usage_case(ARGV("--session", "s", "--pif-uuid", "u", "--force", "b",
                    "up"),
               "--session/--pif and --pif-uuid are mutually exclusive.");
    usage_case(ARGV("--session", "s", "--force", "b", "up"),
               "--session and --pif must be used together.");
    usage_case(ARGV("--force", "b", "--pif-uuid", "u", "--mac", "m",
                    "rewrite"),
               "--force is mutually exclusive with --session, --pif and "
               "--pif-uuid");
    usage_case(ARGV("--pif-uuid", "u", "--mac", "m", "rewrite"),
               "\"--force rewrite\" needed for --device, --mode, --ip, "
               "--netmask, and --gateway");
    usage_case(ARGV("--force", "b", "rewrite", "--mode", "bad", "--mac",
                    "m", "--device", "d", "--ip", "1.2.3.4"),
               "--mode must be either static or dhcp");
}

static void
test_bad_options(void)
{
    usage_case(ARGV("--bogus", "up"), "option --bogus not recognized");
    usage_case(ARGV("up", "--bogus=1"), "option --bogus not recognized");
    usage_case(ARGV("-x", "up"), "option -x not recognized");
    usage_case(ARGV("-hx"), "option -x not recognized");
    usage_case(ARGV("--fo", "xenbr0", "up"),
               "option '--fo' is ambiguous; possibilities: "
               "'--force-interface' '--force'");
    usage_case(ARGV("--forc=xenbr0", "up"),
               "option '--forc' is ambiguous; possibilities: "
               "'--force-interface' '--force'");
    usage_case(ARGV("--ma", "up"),
               "option '--ma' is ambiguous; possibilities: "
               "'--management' '--mac'");
    usage_case(ARGV("up", "--pif"), "option --pif requires an argument");
    usage_case(ARGV("up", "--force-i"),
               "option --force-interface requires an argument");
    usage_case(ARGV("--management=yes", "up"),
               "option --management must not have an argument");
    usage_case(ARGV("--help=x"), "option --help must not have an argument");
    /* An unknown option anywhere wins over --help, as getopt reads the
     * whole line first. */
    usage_case(ARGV("--help", "--bogus"), "option --bogus not recognized");
    usage_case(ARGV("-h", "--fo", "x"),
               "option '--fo' is ambiguous; possibilities: "
               "'--force-interface' '--force'");
}

static void
test_good_lines(void)
{
    struct result res;

    res = ok_case(ARGV("--session", "OpaqueRef:s", "--pif", "OpaqueRef:p",
                       "up"));
    is_int(res.args.action, IFR_UP, "action up");
    is_str(res.args.session, "OpaqueRef:s", "session");
    is_str(res.args.pif, "OpaqueRef:p", "pif");
    ok(!res.args.pif_uuid && !res.args.force, "no pif-uuid, no force");
    is_str(res.args.root_prefix, "", "default root prefix is \"\"");
    ok(!res.args.management && !res.args.no_syslog && !res.args.dry_run,
       "flags default to false");
    ok(!res.args.fc.device && !res.args.fc.mode, "no force config");
    is_str(res.args.called_as,
           PROG " --session OpaqueRef:s --pif OpaqueRef:p up",
           "called_as joins argv");
    result_free(&res);

    /* Any order; --opt=value; called_as is taken before permutation. */
    res = ok_case(ARGV("down", "--pif=p", "--management", "--session=s",
                       "--no-syslog", "--root-prefix=/tmp/root",
                       "--dry-run"));
    is_int(res.args.action, IFR_DOWN, "action down after options");
    is_str(res.args.pif, "p", "--pif=p");
    is_str(res.args.session, "s", "--session=s");
    ok(res.args.management && res.args.no_syslog && res.args.dry_run,
       "--management, --no-syslog, --dry-run");
    is_str(res.args.root_prefix, "/tmp/root", "--root-prefix=DIR");
    is_str(res.args.called_as,
           PROG " down --pif=p --management --session=s --no-syslog "
           "--root-prefix=/tmp/root --dry-run",
           "called_as is argv in its original order");
    result_free(&res);

    res = ok_case(ARGV("--pif-uuid", "1234-5678", "up"));
    is_str(res.args.pif_uuid, "1234-5678", "--pif-uuid");
    ok(!res.args.pif && !res.args.session, "--pif-uuid alone");
    result_free(&res);

    /* "--pif" is an exact match, not a prefix of --pif-uuid. */
    res = ok_case(ARGV("--pif", "p", "--session", "s", "down"));
    is_str(res.args.pif, "p", "--pif is exact");
    ok(!res.args.pif_uuid, "... and not --pif-uuid");
    result_free(&res);
    res = ok_case(ARGV("--pif-u", "u", "down"));
    is_str(res.args.pif_uuid, "u", "--pif-u is a prefix of --pif-uuid");
    result_free(&res);

    /* XAPI mode without a PIF: left to the caller ("No PIF given"). */
    res = ok_case(ARGV("up"));
    ok(!res.args.pif && !res.args.pif_uuid && !res.args.force,
       "up without a PIF parses (No PIF given is the caller's)");
    result_free(&res);

    res = ok_case(ARGV("rewrite"));
    is_int(res.args.action, IFR_REWRITE, "rewrite");
    result_free(&res);
    res = ok_case(ARGV("rewrite-configuration"));
    is_int(res.args.action, IFR_REWRITE, "rewrite-configuration = rewrite");
    result_free(&res);

    res = ok_case(ARGV("--force", "xenbr0", "up"));
    is_str(res.args.force, "xenbr0", "--force BRIDGE");
    result_free(&res);
    res = ok_case(ARGV("--force-interface", "xenbr1", "down"));
    is_str(res.args.force, "xenbr1", "--force-interface BRIDGE");
    is_int(res.args.action, IFR_DOWN, "... down");
    result_free(&res);
    res = ok_case(ARGV("--force-i", "x", "up"));
    is_str(res.args.force, "x", "--force-i is a prefix of --force-interface");
    result_free(&res);
    res = ok_case(ARGV("--management", "--force", "xenbr0", "up"));
    ok(res.args.management, "--management is accepted with --force");
    result_free(&res);
    res = ok_case(ARGV("--force", "a", "--force-interface", "b", "up"));
    is_str(res.args.force, "b", "the last --force wins");
    result_free(&res);

    /* "--" ends the options. */
    res = ok_case(ARGV("--force", "xenbr0", "--", "up"));
    is_str(res.args.force, "xenbr0", "-- before the action");
    result_free(&res);
    usage_case(ARGV("--", "--force", "xenbr0", "up"), "Too many arguments");
    usage_case(ARGV("up", "--", "--dry-run"), "Too many arguments");

    /* Empty values: --force "" is not force mode, as in the original. */
    res = ok_case(ARGV("--force", "", "up"));
    ok(!res.args.force, "--force \"\" counts as not given");
    result_free(&res);
    res = ok_case(ARGV("--pif-uuid=", "down"));
    ok(!res.args.pif_uuid, "--pif-uuid= counts as not given");
    result_free(&res);
}

static void
test_force_rewrite(void)
{
    struct result res;

    res = ok_case(ARGV("--force", "xenbr0", "rewrite", "--device=eth0",
                       "--mac=00:16:3e:00:00:01", "--mode=dhcp"));
    is_int(res.args.action, IFR_REWRITE, "force rewrite dhcp: action");
    is_str(res.args.force, "xenbr0", "force rewrite dhcp: bridge");
    is_str(res.args.fc.device, "eth0", "force rewrite dhcp: device");
    is_str(res.args.fc.mac, "00:16:3e:00:00:01", "force rewrite dhcp: mac");
    is_str(res.args.fc.mode, "dhcp", "force rewrite dhcp: mode");
    ok(!res.args.fc.ip && !res.args.fc.netmask && !res.args.fc.gateway,
       "force rewrite dhcp: no ip, netmask, gateway");
    result_free(&res);

    res = ok_case(ARGV("--mode", "static", "--ip", "192.168.1.10",
                       "--netmask", "255.255.255.0", "--gateway",
                       "192.168.1.1", "--mac", "m", "--device", "eth1",
                       "rewrite", "--force", "xenbr1"));
    is_str(res.args.fc.mode, "static", "force rewrite static: mode");
    is_str(res.args.fc.ip, "192.168.1.10", "force rewrite static: ip");
    is_str(res.args.fc.netmask, "255.255.255.0",
           "force rewrite static: netmask");
    is_str(res.args.fc.gateway, "192.168.1.1",
           "force rewrite static: gateway");
    result_free(&res);

    res = ok_case(ARGV("--force", "b", "rewrite", "--mode", "static",
                       "--ip", "10.0.0.1", "--netmask", "255.0.0.0",
                       "--mac", "m", "--device", "d"));
    ok(!res.args.fc.gateway, "force rewrite static: --gateway optional");
    result_free(&res);

    /* Prefixes: --mo is --mode, --dev is --device. */
    res = ok_case(ARGV("--force", "b", "rewrite", "--mo", "dhcp", "--mac",
                       "m", "--dev", "d"));
    is_str(res.args.fc.mode, "dhcp", "--mo is --mode");
    is_str(res.args.fc.device, "d", "--dev is --device");
    result_free(&res);

    /* An empty force-rewrite value counts as given. */
    res = ok_case(ARGV("--force", "b", "rewrite", "--mode", "dhcp",
                       "--mac", "", "--device", "d"));
    is_str(res.args.fc.mac, "", "--mac \"\" is given, empty");
    result_free(&res);
}

static void
test_help_and_version(void)
{
    struct result res;
    char *want;

    res = run(ARGV("--help"));
    is_int(res.r, IFR_CLI_EXIT_OK, "--help: exit 0");
    is_str(res.err, "", "--help: nothing on stderr");
    ok(g_str_has_prefix(res.out,
                        "interface-reconfigure <PIF> up\n"
                        "interface-reconfigure <PIF> down\n"
                        "interface-reconfigure rewrite\n"
                        "interface-reconfigure --force <BRIDGE> up\n"
                        "interface-reconfigure --force <BRIDGE> down\n"
                        "interface-reconfigure --force <BRIDGE> rewrite "
                        "--device=<INTERFACE> --mac=<MAC-ADDRESS> "
                        "<CONFIG>\n"
                        "  <PIF>    := --session <SESSION-REF> --pif "
                        "<PIF-REF> | --pif-uuid <PIF-UUID>\n"
                        "  <CONFIG> := --mode=dhcp | --mode=static "
                        "--ip=<IPADDR> --netmask=<NM> [--gateway=<GW>]\n"),
       "--help: the synopsis, with basename(argv[0])");
    ok(strstr(res.out, "\nOptions:\n") != NULL, "--help: an Options list");
    for (const char *const *o = (const char *const[]) {
             "--session", "--pif=", "--pif-uuid", "--force=BRIDGE",
             "--force-interface", "--management", "--device", "--mac",
             "--mode", "--ip", "--netmask", "--gateway", "--root-prefix",
             "--no-syslog", "--dry-run", "-h, --help", "-V, --version",
             NULL }; *o; o++) {
        ok(strstr(res.out, *o) != NULL, "--help mentions %s", *o);
    }
    result_free(&res);

    res = run((const char *const[]) { "ifr", "-h", NULL });
    is_int(res.r, IFR_CLI_EXIT_OK, "-h: exit 0");
    ok(g_str_has_prefix(res.out, "ifr <PIF> up\n"), "-h: named after argv[0]");
    result_free(&res);

    /* --help comes before every semantic check. */
    res = run(ARGV("--pif", "p", "--pif-uuid", "u", "sideways", "more",
                   "--help"));
    is_int(res.r, IFR_CLI_EXIT_OK, "--help before semantic checks");
    is_str(res.err, "", "... with nothing on stderr");
    result_free(&res);

    set_program_name("interface-reconfigure");
    want = g_strdup_printf("interface-reconfigure (%s) %s\n", PACKAGE_NAME,
                           PACKAGE_VERSION);
    res = run(ARGV("--version"));
    is_int(res.r, IFR_CLI_EXIT_OK, "--version: exit 0");
    is_str(res.out, want, "--version prints the version");
    is_str(res.err, "", "--version: nothing on stderr");
    result_free(&res);
    res = run(ARGV("-V", "up", "down"));
    is_int(res.r, IFR_CLI_EXIT_OK, "-V: exit 0, before semantic checks");
    is_str(res.out, want, "-V prints the version");
    result_free(&res);
    res = run(ARGV("--vers"));
    is_str(res.out, want, "--vers is a prefix of --version");
    result_free(&res);

    /* The first of the two wins. */
    res = run(ARGV("-V", "--help"));
    is_str(res.out, want, "-V --help prints the version");
    result_free(&res);
    res = run(ARGV("-hV"));
    ok(g_str_has_prefix(res.out, "interface-reconfigure <PIF> up\n"),
       "-hV prints the help");
    result_free(&res);
    g_free(want);
}

static void
test_usage_error(void)
{
    FILE *err;
    int saved;
    char *text;

    fflush(stderr);
    saved = redirect(STDERR_FILENO, &err);
    ifr_usage_error("No PIF given");
    text = restore(STDERR_FILENO, saved, err);
    is_str(text, "No PIF given" HINT, "ifr_usage_error()");
    g_free(text);
}

int
main(void)
{
    test_validation_messages();
    test_validation_order();
    test_bad_options();
    test_good_lines();
    test_force_rewrite();
    test_help_and_version();
    test_usage_error();
    return done_testing();
}
