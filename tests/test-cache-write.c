/* test-cache-write.c -- a helper for tests/cache-crash.sh: rewrites one
 * cache file over and over, alternating between two different models, so
 * that the test can kill it at arbitrary instants and check that the file
 * is always one of the two documents, whole.
 *
 * usage: test-cache-write FILE N_NETWORKS
 * Writes FILE.a and FILE.b (the two expected documents), prints "ready",
 * then loops writing FILE until killed. */
#include <config.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "writer.h"

static struct dbcache *
make_model(int n, const char *variant)
{
    struct dbcache *db = dbcache_new();
    const struct dbc_field *uuid = dbc_find_field(DBC_NETWORK, "uuid");
    const struct dbc_field *bridge = dbc_find_field(DBC_NETWORK, "bridge");
    const struct dbc_field *mtu = dbc_find_field(DBC_NETWORK, "MTU");

    for (int i = 0; i < n; i++) {
        char *ref = g_strdup_printf("OpaqueRef:%s-%08d", variant, i);
        char *id = g_strdup_printf("%s-%08d", variant, i);
        char *name = g_strdup_printf("xenbr%d", i);
        struct dbc_record *r = dbcache_add(db, DBC_NETWORK, ref);

        dbc_set_str(r, uuid, id);
        dbc_set_str(r, bridge, name);
        dbc_set_str(r, mtu, "1500");
        g_free(ref);
        g_free(id);
        g_free(name);
    }
    return db;
}

static void
write_reference(const struct dbcache *db, const char *path)
{
    size_t len;
    char *xml = dbcache_to_xml(db, &len);

    if (!g_file_set_contents(path, xml, len, NULL)) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    g_free(xml);
}

int
main(int argc, char *argv[])
{
    struct dbcache *a, *b;
    char *path_a, *path_b;
    int n;

    if (argc != 3) {
        fprintf(stderr, "usage: %s FILE N_NETWORKS\n", argv[0]);
        return 2;
    }
    n = atoi(argv[2]);
    a = make_model(n, "aaaa");
    b = make_model(n, "bbbb");
    path_a = g_strdup_printf("%s.a", argv[1]);
    path_b = g_strdup_printf("%s.b", argv[1]);
    write_reference(a, path_a);
    write_reference(b, path_b);
    if (dbcache_write_file(a, argv[1])) {
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        if (dbcache_write_file(b, argv[1]) || dbcache_write_file(a, argv[1])) {
            return 1;
        }
    }
}
