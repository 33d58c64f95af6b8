/* log.h -- one small logger for every program in the project.
 *
 * Each source file that logs says LOG_DEFINE_THIS_MODULE(name) once and
 * then uses LOG_ERR/LOG_WARN/LOG_INFO/LOG_DBG.  Every module has its own
 * level (default "info"), set with log_set_levels("module:level,...").
 * Messages go to any of three destinations: the console (stderr, the bare
 * message, as interface-reconfigure --no-syslog prints it), syslog (ident
 * = program name), and a file (timestamped).
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

enum log_dest {
    LOG_TO_CONSOLE = 1 << 0,
    LOG_TO_SYSLOG = 1 << 1,
    LOG_TO_FILE = 1 << 2,
};

struct log_module {
    const char *name;
    int level;                  /* Cached level; valid if 'gen' is current. */
    unsigned int gen;
};

#define LOG_DEFINE_THIS_MODULE(NAME) \
    static struct log_module this_module __attribute__((unused)) \
        = { #NAME, LL_INFO, 0 }

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

/* Parses "LEVEL" (all modules), "MODULE:LEVEL" or "DEST[:LEVEL]" items
 * separated by commas.  LEVEL is err, warn, info or dbg (also "off",
 * meaning nothing).  DEST is console, syslog or file, as in Open vSwitch's
 * -v: the most detailed level that destination takes (default dbg: all
 * the modules' levels let through); naming syslog with a level other than
 * off also turns syslog on, and "syslog:off" turns it off.  Returns 0, or
 * -EINVAL for a malformed spec (nothing is changed). */
int log_set_levels(const char *spec);

void log_msg(struct log_module *, enum log_level, const char *fmt, ...)
    PRINTF_FORMAT(3, 4);
void log_msgv(struct log_module *, enum log_level, const char *fmt, va_list);

bool log_is_enabled(struct log_module *, enum log_level);

#endif /* log.h */
