/* log.c -- see log.h.  Single-threaded programs only: daemons in this
 * project run one event loop; the datapath threads do not log through here. */
#include <config.h>

#include "log.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static unsigned int destinations = LOG_TO_CONSOLE;
static FILE *log_file;

/* The levels, per destination (LOG_TO_* bit order; LL_*, or -1 for off):
 * those of every module that no spec has named, and those of the named
 * ones, by name (int[LOG_N_DESTS] each, made from the defaults when first
 * named).  A spec for all modules sets both, so that it overrides an
 * earlier one for a single module, as in Open vSwitch. */
static int default_levels[LOG_N_DESTS] = { LL_INFO, LL_INFO, LL_INFO };
static GHashTable *module_levels;

/* The modules registered with log_register_module(), the ones a level spec
 * may name. */
static struct log_module *modules;

/* Bumped by every change to the levels or the destinations, to invalidate
 * the modules' caches (struct log_module); never 0. */
static unsigned int level_gen = 1;

/* The destinations by name, as in a level spec, in LOG_TO_* bit order. */
enum { DEST_CONSOLE, DEST_SYSLOG, DEST_FILE };
static const char *const dest_names[LOG_N_DESTS] = {
    "console", "syslog", "file"
};

static int syslog_facility = LOG_USER;
static bool syslog_open;

static const char *const level_names[] = { "err", "warn", "info", "dbg" };

/* A new generation of the levels, e.g. after a destination is turned on or
 * off, since a module's 'max_level' covers only those that are on. */
static void
levels_changed(void)
{
    if (!++level_gen) {
        level_gen = 1;
    }
}

void
log_set_destinations(unsigned int dests)
{
    destinations = dests;
    levels_changed();
}

void
log_use_daemon_facility(void)
{
    if (syslog_open) {
        closelog();
        syslog_open = false;
    }
    syslog_facility = LOG_DAEMON;
}

unsigned int
log_get_destinations(void)
{
    return destinations;
}

int
log_set_file(const char *path)
{
    FILE *f = fopen(path, "a");

    if (!f) {
        return -errno;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    destinations |= LOG_TO_FILE;
    levels_changed();
    return 0;
}

void
log_register_module(struct log_module *m)
{
    for (const struct log_module *p = modules; p; p = p->next) {
        if (p == m) {
            return;
        }
    }
    m->next = modules;
    modules = m;
}

/* The registered module named 's' (in any case), or NULL. */
static const struct log_module *
find_module(const char *s)
{
    for (const struct log_module *p = modules; p; p = p->next) {
        if (!g_ascii_strcasecmp(s, p->name)) {
            return p;
        }
    }
    return NULL;
}

/* True if destination 'dest' (a LOG_TO_* bit index) is on.  The file
 * counts only once there is one to write to. */
static bool
dest_is_on(int dest)
{
    return (destinations & (1u << dest)) && (dest != DEST_FILE || log_file);
}

/* The LL_* level named 's', -1 for "off", or -2 if 's' names none. */
static int
parse_level(const char *s)
{
    if (!g_ascii_strcasecmp(s, "off")) {
        return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (!g_ascii_strcasecmp(s, level_names[i])) {
            return i;
        }
    }
    return -2;
}

/* The LOG_TO_* bit index of destination 's', or -1. */
static int
parse_dest(const char *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(dest_names); i++) {
        if (!g_ascii_strcasecmp(s, dest_names[i])) {
            return i;
        }
    }
    return -1;
}

/* One item of a level spec, parsed. */
struct level_item {
    int dest;                   /* LOG_TO_* bit index, or -1 for all. */
    int level;                  /* LL_*, or -1 for off. */
    char *module;               /* As registered, or NULL for all. */
};

/* Parses 'item' ("[MODULE][:DEST][:LEVEL]", words in any order) into
 * '*out'.  Returns 0, or -EINVAL (then '*out' holds nothing to free). */
static int
parse_item(const char *item, struct level_item *out)
{
    gchar **words = g_strsplit(item, ":", -1);
    bool have_level = false;
    int error = *item ? 0 : -EINVAL;

    out->dest = -1;
    out->level = LL_DBG;
    out->module = NULL;
    for (gchar **w = words; *w && !error; w++) {
        int dest = parse_dest(*w);
        int level = parse_level(*w);
        const struct log_module *m;

        if (!**w) {
            error = -EINVAL;
        } else if (!g_ascii_strcasecmp(*w, "any")) {
            /* All destinations or all modules: the default either way. */
        } else if (dest >= 0) {
            error = out->dest >= 0 ? -EINVAL : 0;
            out->dest = dest;
        } else if (level >= -1) {
            error = have_level ? -EINVAL : 0;
            out->level = level;
            have_level = true;
        } else if (out->module || !(m = find_module(*w))) {
            /* A second module, or one this program does not have. */
            error = -EINVAL;
        } else {
            out->module = g_strdup(m->name);
        }
    }
    g_strfreev(words);
    if (error) {
        g_free(out->module);
        out->module = NULL;
    }
    return error;
}

/* The levels of module 'name' for changing: its own, made from the
 * defaults if it has none yet. */
static int *
module_levels_for_update(const char *name)
{
    int *levels;

    if (!module_levels) {
        module_levels = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, g_free);
    }
    levels = g_hash_table_lookup(module_levels, name);
    if (!levels) {
        levels = g_new(int, LOG_N_DESTS);
        memcpy(levels, default_levels, sizeof default_levels);
        g_hash_table_insert(module_levels, g_strdup(name), levels);
    }
    return levels;
}

static void
apply_item(const struct level_item *item)
{
    for (int d = 0; d < LOG_N_DESTS; d++) {
        if (item->dest >= 0 && item->dest != d) {
            continue;
        }
        if (item->module) {
            module_levels_for_update(item->module)[d] = item->level;
        } else {
            default_levels[d] = item->level;
            if (module_levels) {
                GHashTableIter iter;
                gpointer levels;

                g_hash_table_iter_init(&iter, module_levels);
                while (g_hash_table_iter_next(&iter, NULL, &levels)) {
                    ((int *) levels)[d] = item->level;
                }
            }
        }
    }

    /* Syslog, unlike the console and the file, is off until a spec names
     * it: naming it with a level turns it on, and turning it off for every
     * module turns it off.  A spec that names no destination ("dbg") sets
     * its levels but leaves it as it was, or every -vdbg would start
     * writing to syslog. */
    if (item->dest == DEST_SYSLOG) {
        if (item->level >= 0) {
            destinations |= LOG_TO_SYSLOG;
        } else if (!item->module) {
            destinations &= ~LOG_TO_SYSLOG;
        }
    }
}

int
log_set_levels(const char *spec)
{
    /* Every item is parsed before any is applied, so that a bad one
     * anywhere leaves everything as it was. */
    gchar **strings = g_strsplit(spec, ",", -1);
    size_t n = g_strv_length(strings);
    struct level_item *items = g_new0(struct level_item, n ? n : 1);
    int error = n ? 0 : -EINVAL;
    size_t n_parsed = 0;

    while (!error && n_parsed < n) {
        error = parse_item(strings[n_parsed], &items[n_parsed]);
        if (!error) {
            n_parsed++;
        }
    }
    if (!error) {
        for (size_t i = 0; i < n; i++) {
            apply_item(&items[i]);
        }
        levels_changed();
    }
    for (size_t i = 0; i < n_parsed; i++) {
        g_free(items[i].module);
    }
    g_free(items);
    g_strfreev(strings);
    return error;
}

/* Brings 'm''s cached levels up to date. */
static void
refresh_module(struct log_module *m)
{
    const int *levels = default_levels;

    if (m->gen == level_gen) {
        return;
    }
    if (module_levels) {
        const int *own = g_hash_table_lookup(module_levels, m->name);

        if (own) {
            levels = own;
        }
    }
    m->max_level = -1;
    for (int d = 0; d < LOG_N_DESTS; d++) {
        m->levels[d] = levels[d];
        if (dest_is_on(d) && levels[d] > m->max_level) {
            m->max_level = levels[d];
        }
    }
    m->gen = level_gen;
}

bool
log_is_enabled(struct log_module *m, enum log_level level)
{
    refresh_module(m);
    return (int) level <= m->max_level;
}

void
log_msgv(struct log_module *m, enum log_level level, const char *fmt,
         va_list args)
{
    static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
                                       LOG_DEBUG };
    char *msg;

    if (!log_is_enabled(m, level)) {
        return;
    }
    msg = g_strdup_vprintf(fmt, args);
    if (dest_is_on(DEST_CONSOLE) && (int) level <= m->levels[DEST_CONSOLE]) {
        fprintf(stderr, "%s\n", msg);
    }
    if (dest_is_on(DEST_SYSLOG) && (int) level <= m->levels[DEST_SYSLOG]) {
        if (!syslog_open) {
            openlog(program_name(), LOG_PID, syslog_facility);
            syslog_open = true;
        }
        syslog(syslog_prio[level], "%s", msg);
    }
    if (dest_is_on(DEST_FILE) && (int) level <= m->levels[DEST_FILE]) {
        char stamp[32];
        struct timespec ts;
        struct tm tm;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(log_file, "%s.%03ldZ|%s|%s|%s\n", stamp,
                ts.tv_nsec / 1000000, m->name, level_names[level], msg);
    }
    g_free(msg);
}

void
log_msg(struct log_module *m, enum log_level level, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    log_msgv(m, level, fmt, args);
    va_end(args);
}
