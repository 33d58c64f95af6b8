/* log.c -- see log.h.  Single-threaded programs only: daemons in this
 * project run one event loop; the datapath threads do not log through here. */
#include <config.h>

#include "log.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static unsigned int destinations = LOG_TO_CONSOLE;
static FILE *log_file;
static GHashTable *module_levels;  /* Module name -> level + 1. */
static int default_level = LL_INFO;
static unsigned int level_gen = 1;

static const char *const level_names[] = { "err", "warn", "info", "dbg" };

void
log_set_destinations(unsigned int dests)
{
    if ((dests & LOG_TO_SYSLOG) && !(destinations & LOG_TO_SYSLOG)) {
        openlog(program_name(), LOG_PID, LOG_USER);
    }
    destinations = dests;
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

int
log_set_levels(const char *spec)
{
    gchar **items = g_strsplit(spec, ",", -1);
    GHashTable *levels = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free, NULL);
    int new_default = default_level;
    int error = 0;

    for (gchar **p = items; *p; p++) {
        char *colon = strchr(*p, ':');
        int level = parse_level(colon ? colon + 1 : *p);

        if (level < -1 || (colon && colon == *p)) {
            error = -EINVAL;
            break;
        }
        if (colon) {
            g_hash_table_insert(levels, g_strndup(*p, colon - *p),
                                GINT_TO_POINTER(level + 2));
        } else {
            new_default = level;
        }
    }
    g_strfreev(items);

    if (!error) {
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
    if (destinations & LOG_TO_CONSOLE) {
        fprintf(stderr, "%s\n", msg);
    }
    if (destinations & LOG_TO_SYSLOG) {
        syslog(syslog_prio[level], "%s", msg);
    }
    if ((destinations & LOG_TO_FILE) && log_file) {
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
