/* fuzz-replay.c -- runs a fuzz target over a corpus, without libFuzzer.
 *
 * Usage: fuzz-reader-replay PATH...
 *
 * Linked with a fuzz target (tests/fuzz-reader.c), this calls
 * LLVMFuzzerTestOneInput() on the contents of every file named, and of
 * every file in every directory named (sorted; names starting with "." are
 * skipped), and prints TAP: "ok N - replay FILE".  Each input runs in its
 * own child process, so that a crash, an abort or a sanitizer report is
 * one "not ok" and the rest of the corpus still runs; a child that takes
 * longer than TIMEOUT seconds is killed.
 *
 * A file whose name starts with "bug-" reproduces a bug that is known and
 * not yet fixed: its line carries a TODO directive, so that its failure is
 * expected (XFAIL) and its passing, once the bug is fixed, is reported
 * (XPASS) as a reminder to rename it to a plain regression seed. */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#define TIMEOUT 30

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_tests;
static int n_failed;

/* Runs the target on 'data' in a child.  Returns NULL on success, else a
 * description of the failure (static storage). */
static const char *
run_one(const char *data, size_t size)
{
    static char why[64];
    int status;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        snprintf(why, sizeof why, "fork: %s", g_strerror(errno));
        return why;
    } else if (pid == 0) {
        alarm(TIMEOUT);
        LLVMFuzzerTestOneInput((const uint8_t *) data, size);
        exit(EXIT_SUCCESS);     /* Not _exit(): leak checkers run now. */
    }

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(why, sizeof why, "waitpid: %s", g_strerror(errno));
            return why;
        }
    }
    if (WIFSIGNALED(status)) {
        snprintf(why, sizeof why, "killed by signal %d%s", WTERMSIG(status),
                 WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
        return why;
    } else if (WEXITSTATUS(status)) {
        snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
        return why;
    }
    return NULL;
}

static void
replay_file(const char *path)
{
    char *base = g_path_get_basename(path);
    bool known_bug = g_str_has_prefix(base, "bug-");
    GError *error = NULL;
    const char *why;
    char *data;
    size_t size;

    n_tests++;
    if (!g_file_get_contents(path, &data, &size, &error)) {
        printf("not ok %d - replay %s\n# %s\n", n_tests, path,
               error->message);
        g_error_free(error);
        n_failed++;
        goto out;
    }
    why = run_one(data, size);
    printf("%sok %d - replay %s%s\n", why ? "not " : "", n_tests, path,
           known_bug ? " # TODO known bug, not fixed yet" : "");
    if (why) {
        printf("# %s: %s\n", path, why);
        if (!known_bug) {
            n_failed++;
        }
    }
    fflush(stdout);
    g_free(data);
out:
    g_free(base);
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
replay_dir(const char *dir_name)
{
    GError *error = NULL;
    GDir *dir = g_dir_open(dir_name, 0, &error);
    GPtrArray *paths;
    const char *name;

    if (!dir) {
        n_tests++;
        n_failed++;
        printf("not ok %d - replay %s\n# %s\n", n_tests, dir_name,
               error->message);
        g_error_free(error);
        return;
    }
    paths = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir))) {
        if (name[0] != '.') {
            g_ptr_array_add(paths, g_build_filename(dir_name, name, NULL));
        }
    }
    g_dir_close(dir);
    qsort(paths->pdata, paths->len, sizeof *paths->pdata, compare_strings);
    for (size_t i = 0; i < paths->len; i++) {
        const char *path = g_ptr_array_index(paths, i);

        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            replay_file(path);
        }
    }
    g_ptr_array_free(paths, TRUE);
}

int
main(int argc, char *argv[])
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH...\n"
                "Replays the fuzz corpus files PATH (or the files in "
                "directories PATH)\nthrough the fuzz target; prints TAP.\n",
                argv[0]);
        return EXIT_FAILURE;
    }
    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            replay_dir(argv[i]);
        } else {
            replay_file(argv[i]);
        }
    }
    printf("1..%d\n", n_tests);
    return n_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
