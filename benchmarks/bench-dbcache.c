/* bench-dbcache.c -- times the cache reader and the queries on one file.
 *
 * Usage: bench-dbcache FILE [REPEATS]
 *
 * 1. Peak memory: a fresh process (this program, run again) parses FILE
 *    once and reports its peak resident set size (getrusage's ru_maxrss)
 *    before and after the parse.
 * 2. Parse time: dbcache_read_file() (reader.h) on FILE, REPEATS times
 *    (default 10); the median and the minimum wall-clock time.  Freeing
 *    the model is not timed.
 * 3. Query time: QUERIES each of dbc_pif_by_uuid() on the uuids of random
 *    PIFs, dbc_pif_by_bridge() on the bridges of random PIFs, and
 *    dbc_pif_datapath() on random PIFs (query.h); microseconds per call.
 *
 * Output is one "key: value" pair per line, for benchmarks/dbcache-bench.sh
 * to tabulate. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "model.h"
#include "query.h"
#include "reader.h"

#define QUERIES 10000

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long
max_rss_kib(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Reads 'path' or exits with its diagnostics. */
static struct dbcache *
read_or_die(const char *path)
{
    struct diag *diag = diag_new();
    struct dbcache *db = NULL;

    if (dbcache_read_file(path, &db, diag)) {
        diag_print(diag, stderr, "bench-dbcache");
        exit(EXIT_FAILURE);
    }
    diag_free(diag);
    return db;
}

/* Step 1, in a fresh process: parses 'path' once and prints the peak RSS
 * before and after. */
static int
rss_child(const char *path)
{
    long before = max_rss_kib();
    struct dbcache *db = read_or_die(path);

    printf("rss_base_kib: %ld\n", before);
    printf("rss_peak_kib: %ld\n", max_rss_kib());
    printf("pifs: %zu\n", dbcache_count(db, DBC_PIF));
    printf("bonds: %zu\n", dbcache_count(db, DBC_BOND));
    printf("vlans: %zu\n", dbcache_count(db, DBC_VLAN));
    printf("networks: %zu\n", dbcache_count(db, DBC_NETWORK));
    dbcache_free(db);
    return EXIT_SUCCESS;
}

/* Step 1: runs this program again as "--rss-child FILE", so that the peak
 * RSS is that of a process that has done nothing but one parse.  (A plain
 * fork() would count only the pages the child touched; exec gives the
 * whole process, as /usr/bin/time would.) */
static void
measure_peak_rss(const char *argv0, const char *path)
{
    pid_t pid;
    int status;

    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "bench-dbcache: fork: %s\n", g_strerror(errno));
        exit(EXIT_FAILURE);
    } else if (pid == 0) {
        char *args[] = { (char *) argv0, "--rss-child", (char *) path, NULL };

        execv("/proc/self/exe", args);
        execv(argv0, args);
        fprintf(stderr, "bench-dbcache: exec %s: %s\n", argv0,
                g_strerror(errno));
        _exit(EXIT_FAILURE);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)
        || WEXITSTATUS(status)) {
        fprintf(stderr, "bench-dbcache: peak-memory child failed\n");
        exit(EXIT_FAILURE);
    }
}

static int
compare_doubles(const void *a_, const void *b_)
{
    double a = *(const double *) a_;
    double b = *(const double *) b_;

    return a < b ? -1 : a > b;
}

/* Step 2. */
static void
measure_parse(const char *path, int repeats)
{
    double *ms = g_new(double, repeats);
    double median;

    for (int i = 0; i < repeats; i++) {
        double start = now_ms();
        struct dbcache *db = read_or_die(path);

        ms[i] = now_ms() - start;
        dbcache_free(db);
    }
    qsort(ms, repeats, sizeof *ms, compare_doubles);
    median = (repeats % 2
              ? ms[repeats / 2]
              : (ms[repeats / 2 - 1] + ms[repeats / 2]) / 2);
    printf("parse_repeats: %d\n", repeats);
    printf("parse_ms_median: %.3f\n", median);
    printf("parse_ms_min: %.3f\n", ms[0]);
    g_free(ms);
}

/* Step 3.  The arguments are chosen before the clock starts. */
static void
measure_queries(const char *path)
{
    struct dbcache *db = read_or_die(path);
    size_t n_pifs = dbcache_count(db, DBC_PIF);
    const struct dbc_pif **pifs = g_new(const struct dbc_pif *, QUERIES);
    const char **bridges = g_new(const char *, QUERIES);
    GRand *rand = g_rand_new_with_seed(42);
    double t_uuid, t_bridge, t_dp, start;
    size_t found = 0;

    if (!n_pifs) {
        printf("query_us_uuid: 0\nquery_us_bridge: 0\n"
               "query_us_datapath: 0\nquery_us_mix: 0\n");
        goto out;
    }
    for (int i = 0; i < QUERIES; i++) {
        const struct dbc_pif *pif = DBC_PIF_AT(db,
                                               g_rand_int_range(rand, 0,
                                                                n_pifs));
        const struct dbc_network *nw = dbc_pif_network(db, pif);

        pifs[i] = pif;
        bridges[i] = nw ? nw->bridge : "";
    }

    start = now_ms();
    for (int i = 0; i < QUERIES; i++) {
        const struct dbc_pif *pif;

        found += !dbc_pif_by_uuid(db, pifs[i]->uuid, &pif, NULL);
    }
    t_uuid = now_ms() - start;

    start = now_ms();
    for (int i = 0; i < QUERIES; i++) {
        const struct dbc_pif *pif;

        found += !dbc_pif_by_bridge(db, bridges[i], &pif, NULL);
    }
    t_bridge = now_ms() - start;

    start = now_ms();
    for (int i = 0; i < QUERIES; i++) {
        const struct dbc_pif *dp;

        found += !dbc_pif_datapath(db, pifs[i], &dp, NULL);
    }
    t_dp = now_ms() - start;

    printf("queries: %d x 3\n", QUERIES);
    printf("queries_answered: %zu\n", found);
    printf("query_us_uuid: %.3f\n", t_uuid * 1e3 / QUERIES);
    printf("query_us_bridge: %.3f\n", t_bridge * 1e3 / QUERIES);
    printf("query_us_datapath: %.3f\n", t_dp * 1e3 / QUERIES);
    printf("query_us_mix: %.3f\n",
           (t_uuid + t_bridge + t_dp) * 1e3 / (3 * QUERIES));

out:
    g_rand_free(rand);
    g_free(bridges);
    g_free(pifs);
    dbcache_free(db);
}

int
main(int argc, char *argv[])
{
    const char *path;
    int repeats = 10;
    struct stat st;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench-dbcache FILE [REPEATS]\n"
                "Times parsing FILE (REPEATS times, default 10) and "
                "queries on it, and\nmeasures the peak memory of one "
                "parse.\n");
        return EXIT_FAILURE;
    }
    path = argv[1];
    if (argc == 3 && !strcmp(argv[1], "--rss-child")) {
        return rss_child(argv[2]);
    }
    if (argc == 3) {
        char *end;

        repeats = strtol(argv[2], &end, 10);
        if (*end || end == argv[2] || repeats < 1 || repeats > 100000) {
            fprintf(stderr, "bench-dbcache: %s: bad repeat count\n",
                    argv[2]);
            return EXIT_FAILURE;
        }
    }
    if (stat(path, &st)) {
        fprintf(stderr, "bench-dbcache: %s: %s\n", path, g_strerror(errno));
        return EXIT_FAILURE;
    }

    printf("file: %s\n", path);
    printf("bytes: %lld\n", (long long) st.st_size);
    measure_peak_rss(argv[0], path);
    measure_parse(path, repeats);
    measure_queries(path);
    return EXIT_SUCCESS;
}
