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
static GHashTable *module_levels;  /* Module name -> level + 1. */
static int default_level = LL_INFO;
static unsigned int level_gen = 1;

/* The destinations by name, as in a level spec, in LOG_TO_* bit order,
 * and the most detailed level each takes (-1: none). */
static const char *const dest_names[] = { "console", "syslog", "file" };
static int dest_levels[] = { LL_DBG, LL_DBG, LL_DBG };
static int syslog_facility = LOG_USER;
static bool syslog_open;

static const char *const level_names[] = { "err", "warn", "info", "dbg" };

void
log_set_destinations(unsigned int dests)
{
    destinations = dests;
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
    return 0;
}

static int
parse_level(const char *s)
{
    if (!strcmp(s, "off")) {
        return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (!strcmp(s, level_names[i])) {
            return i;
        }
    }
    return -2;
}

/* The LOG_TO_* bit index of destination 'name' (its first 'len' bytes),
 * or -1. */
static int
parse_dest(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(dest_names); i++) {
        if (strlen(dest_names[i]) == len && !strncmp(name, dest_names[i], len)) {
            return i;
        }
    }
    return -1;
}

int
log_set_levels(const char *spec)
{
    gchar **items = g_strsplit(spec, ",", -1);
    GHashTable *levels = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free, NULL);
    int new_default = default_level;
    int new_dest_levels[ARRAY_SIZE(dest_levels)];
    int error = 0;

    memcpy(new_dest_levels, dest_levels, sizeof dest_levels);
    for (gchar **p = items; *p; p++) {
        char *colon = strchr(*p, ':');
        int dest = parse_dest(*p, colon ? (size_t) (colon - *p) : strlen(*p));
        int level = (dest >= 0 && !colon ? LL_DBG
                     : parse_level(colon ? colon + 1 : *p));

        if (level < -1 || (colon && colon == *p)) {
            error = -EINVAL;
            break;
        }
        if (dest >= 0) {
            new_dest_levels[dest] = level;
        } else if (colon) {
            g_hash_table_insert(levels, g_strndup(*p, colon - *p),
                                GINT_TO_POINTER(level + 2));
        } else {
            new_default = level;
        }
    }
    g_strfreev(items);

    if (!error) {
        /* Naming syslog with a level turns it on; "syslog:off" off. */
        if (new_dest_levels[1] != dest_levels[1]) {
            if (new_dest_levels[1] >= 0) {
                destinations |= LOG_TO_SYSLOG;
            } else {
                destinations &= ~LOG_TO_SYSLOG;
            }
        }
        memcpy(dest_levels, new_dest_levels, sizeof dest_levels);
        GHashTableIter iter;
        gpointer key, value;

        if (!module_levels) {
            module_levels = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                  g_free, NULL);
        }
        g_hash_table_iter_init(&iter, levels);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            g_hash_table_insert(module_levels, g_strdup(key), value);
        }
        default_level = new_default;
        level_gen++;
    }
    g_hash_table_destroy(levels);
    return error;
}

bool
log_is_enabled(struct log_module *m, enum log_level level)
{
    if (m->gen != level_gen) {
        gpointer v = module_levels
                     ? g_hash_table_lookup(module_levels, m->name) : NULL;

        m->level = v ? GPOINTER_TO_INT(v) - 2 : default_level;
        m->gen = level_gen;
    }
    return (int) level <= m->level;
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
    if ((destinations & LOG_TO_CONSOLE) && (int) level <= dest_levels[0]) {
        fprintf(stderr, "%s\n", msg);
    }
    if ((destinations & LOG_TO_SYSLOG) && (int) level <= dest_levels[1]) {
        if (!syslog_open) {
            openlog(program_name(), LOG_PID, syslog_facility);
            syslog_open = true;
        }
        syslog(syslog_prio[level], "%s", msg);
    }
    if ((destinations & LOG_TO_FILE) && log_file
        && (int) level <= dest_levels[2]) {
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
