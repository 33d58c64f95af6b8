/* stream-ssl-load.c -- SSL as the programs see it: the stream_ssl_*
 * functions of stream.h, and stream_ssl_check_config() for stream.c.
 *
 * The SSL implementation, stream-ssl.c, is not in libovsdb.a: it is the
 * module stream-ssl.so, which links OpenSSL.  This file loads it with
 * dlopen() the first time SSL is really needed -- its configuration is
 * set, or an ssl: or pssl: name is opened -- so that a program that never
 * uses SSL never maps OpenSSL (which would cost every process start-up
 * time and resident memory).  Once loaded, the module stays.  A failed
 * load is not remembered: the next use tries again.
 *
 * The module is looked for in one directory:
 *   - $XSV_MODULEDIR, if set and not empty, and then only there (a test or
 *     an administrator chooses the module, or none);
 *   - else the directory of the running program, if stream-ssl.so is there
 *     (so programs run from the build tree find the module built beside
 *     them in vswitch/);
 *   - else PKGLIBDIR, where `make install` puts it.
 * A module built from another version of the package is refused. */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "log.h"
#include "stream-provider.h"
#include "stream.h"
#include "util.h"

LOG_DEFINE_THIS_MODULE(stream_ssl);

/* The loaded module, or NULL. */
static const struct stream_ssl_module *module;

/* Logs a message of the module's, as the module's own logger would. */
static void
log_from_module(const char *message)
{
    LOG_INFO("%s", message);
}

/* Returns the file name of the module to load, owned by the caller (see
 * the search order at the top).  secure_getenv(): a set-user-ID program
 * must not load a module its caller names. */
static char *
module_path(void)
{
    const char *dir = secure_getenv("XSV_MODULEDIR");
    char *exe;

    if (!str_empty(dir)) {
        return g_build_filename(dir, STREAM_SSL_MODULE_FILE, NULL);
    }
    exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe) {
        char *exe_dir = g_path_get_dirname(exe);
        char *path = g_build_filename(exe_dir, STREAM_SSL_MODULE_FILE, NULL);

        g_free(exe_dir);
        g_free(exe);
        if (access(path, F_OK) == 0) {
            return path;
        }
        g_free(path);
    }
    return g_build_filename(PKGLIBDIR, STREAM_SSL_MODULE_FILE, NULL);
}

/* Loads the module unless it is loaded.  Returns 0, or -ENOPROTOOPT with
 * "SSL support is unavailable: " and the reason, naming the file, in
 * 'diag'. */
static int
load_module(struct diag *diag)
{
    const struct stream_ssl_module *m;
    int error = -ENOPROTOOPT;
    void *handle;
    char *path;

    if (module) {
        return 0;
    }
    path = module_path();
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        diag_add(diag, "SSL support is unavailable: cannot load %s (%s)",
                 path, dlerror());
        goto out;
    }
    m = dlsym(handle, STREAM_SSL_MODULE_SYMBOL);
    if (!m) {
        diag_add(diag, "SSL support is unavailable: %s is not an SSL module "
                 "(%s)", path, dlerror());
        dlclose(handle);
        goto out;
    }
    if (!m->version || strcmp(m->version, PACKAGE_VERSION)) {
        diag_add(diag, "SSL support is unavailable: %s is from version %s, "
                 "not %s", path, m->version ? m->version : "(none)",
                 PACKAGE_VERSION);
        dlclose(handle);
        goto out;
    }
    m->init(log_from_module);
    module = m;
    error = 0;
out:
    g_free(path);
    return error;
}

int
stream_ssl_check_config(bool server, const struct stream_class **classp,
                        struct diag *diag)
{
    int error = load_module(diag);

    if (!error) {
        error = module->check_config(server, diag);
    }
    if (!error) {
        *classp = module->class;
    }
    return error;
}

int
stream_ssl_set_config(const char *private_key, const char *certificate,
                      const char *ca_cert, bool bootstrap_ca_cert,
                      struct diag *diag)
{
    int error = load_module(diag);

    if (error) {
        return error;
    }
    return module->set_config(private_key, certificate, ca_cert,
                              bootstrap_ca_cert, diag);
}

/* Without the module, nothing can have been configured: no need to load
 * it to say so. */
bool
stream_ssl_is_configured(void)
{
    return module && module->is_configured();
}

/* Likewise, nothing to clear without the module. */
void
stream_ssl_clear_config(void)
{
    if (module) {
        module->clear_config();
    }
}
