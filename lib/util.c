/* util.c -- program name and version reporting shared by every binary. */
#include <config.h>

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *the_program_name = PACKAGE;

void
set_program_name(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

    if (argv0 && *argv0) {
        the_program_name = slash ? slash + 1 : argv0;
    }
}

const char *
program_name(void)
{
    return the_program_name;
}

void
print_version(void)
{
    printf("%s (%s) %s\n", the_program_name, PACKAGE_NAME, PACKAGE_VERSION);
}

void
usage_error(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", the_program_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\nFor help use --help.\n");
    exit(2);
}
