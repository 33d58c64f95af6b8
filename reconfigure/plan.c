/* plan.c -- the ordered list of steps a run carries out (see plan.h), the
 * switch transaction builder that backends fill, and vsctl's quoting. */
#include <config.h>

#include "plan.h"

#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

void
plan_init(struct plan *p)
{
    p->n = 0;
    p->steps = NULL;
}

static void
step_clear(struct plan_step *s)
{
    g_free(s->text);
    g_free(s->dev);
    g_strfreev(s->argv);
    if (s->cmds) {
        for (char ***c = s->cmds; *c; c++) {
            g_strfreev(*c);
        }
        g_free(s->cmds);
    }
    g_strfreev(s->ports);
    g_strfreev(s->flows);
}

void
plan_clear(struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        step_clear(&p->steps[i]);
    }
    g_free(p->steps);
    plan_init(p);
}

static struct plan_step *
plan_add(struct plan *p, enum plan_op op)
{
    struct plan_step *s;

    p->steps = g_renew(struct plan_step, p->steps, p->n + 1);
    s = &p->steps[p->n++];
    memset(s, 0, sizeof *s);
    s->op = op;
    return s;
}

void
plan_log(struct plan *p, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    plan_add(p, PLAN_LOG)->text = g_strdup_vprintf(fmt, args);
    va_end(args);
}

void
plan_link_down(struct plan *p, const char *dev)
{
    plan_add(p, PLAN_LINK_DOWN)->dev = g_strdup(dev);
}

void
plan_link_up(struct plan *p, const char *dev, int mtu)
{
    struct plan_step *s = plan_add(p, PLAN_LINK_UP);

    s->dev = g_strdup(dev);
    s->mtu = mtu;
}

void
plan_run(struct plan *p, const char *const *argv)
{
    plan_add(p, PLAN_RUN)->argv = g_strdupv((char **) argv);
}

void
plan_ifdown(struct plan *p, const char *dev)
{
    plan_add(p, PLAN_IFDOWN)->dev = g_strdup(dev);
}

void
plan_link_op(struct plan *p, enum plan_op op, const char *dev,
             const char *text, int number)
{
    struct plan_step *s = plan_add(p, op);

    s->dev = g_strdup(dev);
    s->text = g_strdup(text);
    s->mtu = number;
}

void
plan_vsctl(struct plan *p, char ***cmds)
{
    plan_add(p, PLAN_VSCTL)->cmds = cmds;
}

void
plan_flows(struct plan *p, const char *bridge, char **ports, char **flows,
           const char *vlan_port)
{
    struct plan_step *s = plan_add(p, PLAN_FLOWS);

    s->dev = g_strdup(bridge);
    s->text = g_strdup(vlan_port);
    s->ports = ports;
    s->flows = flows;
}

void
plan_move(struct plan *to, struct plan *from)
{
    if (from->n) {
        to->steps = g_renew(struct plan_step, to->steps, to->n + from->n);
        memcpy(&to->steps[to->n], from->steps,
               from->n * sizeof *from->steps);
        to->n += from->n;
    }
    g_free(from->steps);
    plan_init(from);
}

/* Switch transactions. */

struct vsctl_txn {
    GPtrArray *cmds;            /* char ** (GStrv), owned. */
};

struct vsctl_txn *
vsctl_txn_new(void)
{
    struct vsctl_txn *t = g_new(struct vsctl_txn, 1);

    t->cmds = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
    return t;
}

void
vsctl_txn_addv(struct vsctl_txn *t, char **words)
{
    g_ptr_array_add(t->cmds, words);
}

void
vsctl_txn_add(struct vsctl_txn *t, const char *word, ...)
{
    GPtrArray *words = g_ptr_array_new();
    va_list args;

    va_start(args, word);
    for (const char *w = word; w; w = va_arg(args, const char *)) {
        g_ptr_array_add(words, g_strdup(w));
    }
    va_end(args);
    g_ptr_array_add(words, NULL);
    vsctl_txn_addv(t, (char **) g_ptr_array_free(words, FALSE));
}

size_t
vsctl_txn_count(const struct vsctl_txn *t)
{
    return t->cmds->len;
}

void
vsctl_txn_finish(struct vsctl_txn *t, struct plan *p)
{
    if (t->cmds->len) {
        g_ptr_array_set_free_func(t->cmds, NULL);
        g_ptr_array_add(t->cmds, NULL);
        plan_vsctl(p, (char ***) g_ptr_array_free(t->cmds, FALSE));
        g_free(t);
    } else {
        vsctl_txn_free(t);
    }
}

void
vsctl_txn_free(struct vsctl_txn *t)
{
    if (t) {
        g_ptr_array_free(t->cmds, TRUE);
        g_free(t);
    }
}

char *
vsctl_escape(const char *value)
{
    GString *s;
    bool plain = *value != '\0';

    for (const char *p = value; *p; p++) {
        if (!g_ascii_isalnum(*p)) {
            plain = false;
        }
    }
    if (plain) {
        return g_strdup(value);
    }

    s = g_string_new("\"");
    for (const unsigned char *p = (const unsigned char *) value; *p; p++) {
        switch (*p) {
        case '\\':
            g_string_append(s, "\\\\");
            break;
        case '\n':
            g_string_append(s, "\\n");
            break;
        case '\r':
            g_string_append(s, "\\r");
            break;
        case '\t':
            g_string_append(s, "\\t");
            break;
        case '\b':
            g_string_append(s, "\\b");
            break;
        case '\a':
            g_string_append(s, "\\a");
            break;
        case '"':
            g_string_append(s, "\\x22");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                g_string_append_printf(s, "\\x%02x", *p);
            } else {
                g_string_append_c(s, *p);
            }
            break;
        }
    }
    g_string_append_c(s, '"');
    return g_string_free(s, FALSE);
}

char **
plan_vsctl_argv(const char *vsctl_prog, char ***cmds)
{
    GPtrArray *argv = g_ptr_array_new();

    g_ptr_array_add(argv, g_strdup(vsctl_prog));
    g_ptr_array_add(argv, g_strdup("--timeout=20"));
    for (char ***c = cmds; *c; c++) {
        /* Commands starting with "#" are comments (the original's way of
         * annotating the queue); they are not passed on. */
        if ((*c)[0] && (*c)[0][0] == '#') {
            continue;
        }
        g_ptr_array_add(argv, g_strdup("--"));
        for (char **w = *c; *w; w++) {
            g_ptr_array_add(argv, g_strdup(*w));
        }
    }
    g_ptr_array_add(argv, NULL);
    return (char **) g_ptr_array_free(argv, FALSE);
}

char *
plan_step_describe(const struct plan_step *st)
{
    switch (st->op) {
    case PLAN_BRIDGE_ADD:
        return g_strdup_printf("bridge %s add", st->dev);
    case PLAN_BRIDGE_DEL:
        return g_strdup_printf("bridge %s delete", st->dev);
    case PLAN_ENSLAVE:
        return g_strdup_printf("link %s master %s", st->dev, st->text);
    case PLAN_RELEASE:
        return g_strdup_printf("link %s nomaster", st->dev);
    case PLAN_VLAN_ADD:
        return g_strdup_printf("vlan %s add on %s tag %d", st->dev, st->text,
                               st->mtu);
    case PLAN_LINK_DEL:
        return g_strdup_printf("link %s delete", st->dev);
    case PLAN_BOND_ADD:
        return g_strdup_printf("bond %s add mode %s", st->dev, st->text);
    default:
        return g_strdup_printf("step %d", st->op);
    }
}

char *
plan_to_string(const struct plan *p, const char *vsctl_prog)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < p->n; i++) {
        const struct plan_step *st = &p->steps[i];

        switch (st->op) {
        case PLAN_LOG:
            break;
        case PLAN_LINK_DOWN:
            g_string_append_printf(s, "link %s down\n", st->dev);
            break;
        case PLAN_IFDOWN:
            g_string_append_printf(s, "ifdown %s\n", st->dev);
            break;
        case PLAN_BRIDGE_ADD:
        case PLAN_BRIDGE_DEL:
        case PLAN_ENSLAVE:
        case PLAN_RELEASE:
        case PLAN_VLAN_ADD:
        case PLAN_LINK_DEL:
        case PLAN_BOND_ADD: {
            char *line = plan_step_describe(st);

            g_string_append_printf(s, "%s\n", line);
            g_free(line);
            break;
        }
        case PLAN_LINK_UP:
            g_string_append_printf(s, "link %s up", st->dev);
            if (st->mtu) {
                g_string_append_printf(s, " mtu %d", st->mtu);
            }
            g_string_append_c(s, '\n');
            break;
        case PLAN_RUN: {
            char *line = g_strjoinv(" ", st->argv);

            g_string_append_printf(s, "run %s\n", line);
            g_free(line);
            break;
        }
        case PLAN_VSCTL: {
            char **argv = plan_vsctl_argv(vsctl_prog, st->cmds);
            char *line = g_strjoinv(" ", argv);

            g_string_append_printf(s, "run %s\n", line);
            g_free(line);
            g_strfreev(argv);
            break;
        }
        case PLAN_FLOWS:
            for (char **f = st->flows; *f; f++) {
                char *ports = g_strjoinv(",", st->ports);

                g_string_append_printf(s, "flow %s %s (ports of %s)\n",
                                       st->dev, *f, ports);
                g_free(ports);
            }
            break;
        }
    }
    return g_string_free(s, FALSE);
}
