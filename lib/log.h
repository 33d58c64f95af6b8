/* log.h -- one small logger for every program in the project.
 *
 * Each source file that logs says LOG_DEFINE_THIS_MODULE(name) once and
 * then uses LOG_ERR/LOG_WARN/LOG_INFO/LOG_DBG.  Messages go to any of three
 * destinations: the console (stderr, the bare message, as
 * interface-reconfigure --no-syslog prints it), syslog (ident = program
 * name), and a file (timestamped).  As in Open vSwitch, every module has a
 * level for each destination (default "info" everywhere), set with
 * log_set_levels() ("-v" and "vlog/set" in the daemons).
 *
 * Library code returns errors and leaves logging to its callers; it logs
 * only what is worth knowing on success (for example "Loading ... cache"). */
#ifndef LOG_H
#define LOG_H 1

#include <stdarg.h>
#include <stdbool.h>

#include "util.h"

enum log_level {
    LL_ERR,
    LL_WARN,
    LL_INFO,
    LL_DBG,
};

/* The destinations, as bits of log_set_destinations()'s mask; bit i is
 * also index i of struct log_module's 'levels'. */
enum log_dest {
    LOG_TO_CONSOLE = 1 << 0,
    LOG_TO_SYSLOG = 1 << 1,
    LOG_TO_FILE = 1 << 2,
};
#define LOG_N_DESTS 3

/* A module: its name, and its levels cached from log.c's settings so that
 * a message that nobody takes costs a comparison.  The cache is valid only
 * while 'gen' is log.c's current generation, which never is 0: a module
 * defined with just its name looks its levels up at its first message. */
struct log_module {
    const char *name;
    struct log_module *next;    /* In log.c's list of registered modules. */
    int levels[LOG_N_DESTS];    /* Per destination: LL_*, or -1 for off. */
    int max_level;              /* Most detailed level of the destinations
                                 * that are on (-1: none takes anything). */
    unsigned int gen;
};

/* Defines 'this_module' for the LOG_* macros below and registers it before
 * main() runs, so that a level spec may name it. */
#define LOG_DEFINE_THIS_MODULE(NAME)                                    \
    static struct log_module this_module;                               \
    static void __attribute__((constructor))                            \
    log_register_this_module(void)                                      \
    {                                                                   \
        log_register_module(&this_module);                              \
    }                                                                   \
    static struct log_module this_module = { .name = #NAME }

/* Makes 'm' known to log_set_levels(), which refuses a module name that no
 * registered module of the program has (as Open vSwitch does).  Registering
 * a module twice is harmless. */
void log_register_module(struct log_module *m);

#define LOG_ERR(...) log_msg(&this_module, LL_ERR, __VA_ARGS__)
#define LOG_WARN(...) log_msg(&this_module, LL_WARN, __VA_ARGS__)
#define LOG_INFO(...) log_msg(&this_module, LL_INFO, __VA_ARGS__)
#define LOG_DBG(...) log_msg(&this_module, LL_DBG, __VA_ARGS__)

/* Chooses the destinations (a bitmask of LOG_TO_*).  The default is the
 * console only.  Syslog is opened at its first message, with the program
 * name as ident. */
void log_set_destinations(unsigned int dests);
unsigned int log_get_destinations(void);

/* Makes syslog's facility "daemon" rather than "user", for the daemons
 * (the LOG_ macros of <syslog.h> clash with ours: log.c names them). */
void log_use_daemon_facility(void);

/* Opens 'path' for appending and adds LOG_TO_FILE.  Returns 0 or a negative
 * errno value. */
int log_set_file(const char *path);

/* Sets levels from 'spec', Open vSwitch's -v syntax: items separated by
 * commas, each "[MODULE][:DEST][:LEVEL]" with its words in any order:
 *
 *   - DEST is console, syslog or file, or "any" (also the default): all
 *     three.
 *
 *   - LEVEL is err, warn, info, dbg (also the default) or off.
 *
 *   - MODULE is any other word: the name of a registered module (see
 *     log_register_module()), or "any" (also the default): all modules.
 *     All modules means the default for modules never named and every
 *     named module alike, so that the last item to cover a (module,
 *     destination) pair decides its level: "vsdb_server:dbg,info" leaves
 *     vsdb_server at info.
 *
 * Keywords are case-insensitive.  Naming syslog with a level other than off
 * also turns the syslog destination on (for every module, at its syslog
 * level: info unless set), and "syslog:off" for all modules turns it off.
 * Returns 0, or -EINVAL if an item is empty, has an empty word, names no
 * registered module or two destinations, levels or modules; then nothing
 * is changed. */
int log_set_levels(const char *spec);

void log_msg(struct log_module *, enum log_level, const char *fmt, ...)
    PRINTF_FORMAT(3, 4);
void log_msgv(struct log_module *, enum log_level, const char *fmt, va_list);

/* True if some destination that is on takes 'level' from the module, that
 * is, if a message at that level would go anywhere. */
bool log_is_enabled(struct log_module *, enum log_level);

#endif /* log.h */
