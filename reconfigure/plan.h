/* plan.h -- what a run of interface-reconfigure will do, in order.
 *
 * The backends (vswitch.c, bridge.c) decide; they append steps to a plan.
 * The executor (actions.c) carries the steps out, or, with --dry-run,
 * prints them.  Nothing downstream of the plan decides anything.
 *
 * A step is one of a few kinds: a log line (so that logs keep the original
 * program's order), a link brought down or up (netlink), a program run
 * (ethtool, ifup, ...), one switch transaction (all vsctl commands of the
 * run, executed as a single "vsctl --timeout=20 -- cmd -- cmd ..."), and
 * the management escape flows (whose ofports are only known after the
 * transaction). */
#ifndef RECONFIGURE_PLAN_H
#define RECONFIGURE_PLAN_H 1

#include <stddef.h>

enum plan_op {
    PLAN_LOG,           /* text: a message for the log. */
    PLAN_LINK_DOWN,     /* dev; a missing device is logged and ignored. */
    PLAN_LINK_UP,       /* dev, mtu (0: leave); a missing device fails. */
    PLAN_RUN,           /* argv: a program and its arguments. */
    PLAN_VSCTL,         /* cmds: the commands of one transaction. */
    PLAN_FLOWS,         /* dev (bridge), ports (interfaces whose ofports the
                         * flows use), flows (templates: "%s" is expanded
                         * once per port's ofport, "%v" is the ofport of
                         * interface 'text', if set). */
    PLAN_IFDOWN,        /* dev: take an IP device down (its DHCP client,
                         * addresses, link), or run ifdown (ipconfig=ifup) */
    PLAN_BRIDGE_ADD,    /* dev: create a Linux bridge (if missing). */
    PLAN_BRIDGE_DEL,    /* dev: delete a Linux bridge (if present). */
    PLAN_ENSLAVE,       /* dev joins master 'text' (bridge or bond). */
    PLAN_RELEASE,       /* dev leaves its master (if it has one). */
    PLAN_VLAN_ADD,      /* dev: 802.1Q link on parent 'text', tag 'mtu'. */
    PLAN_LINK_DEL,      /* dev: delete a VLAN or bond link (if present). */
    PLAN_BOND_ADD,      /* dev: bonding master, mode 'text' (if missing). */
};

struct plan_step {
    enum plan_op op;
    char *text;                 /* PLAN_LOG */
    char *dev;                  /* PLAN_LINK_*, PLAN_FLOWS (bridge) */
    int mtu;                    /* PLAN_LINK_UP */
    char **argv;                /* PLAN_RUN (NULL-terminated) */
    char ***cmds;               /* PLAN_VSCTL: NULL-terminated list of
                                 * NULL-terminated argument vectors */
    char **ports;               /* PLAN_FLOWS */
    char **flows;               /* PLAN_FLOWS */
};

struct plan {
    size_t n;
    struct plan_step *steps;
};

void plan_init(struct plan *);
void plan_clear(struct plan *);

void plan_log(struct plan *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void plan_link_down(struct plan *, const char *dev);
void plan_link_up(struct plan *, const char *dev, int mtu);
/* 'argv' is NULL-terminated; copied. */
void plan_run(struct plan *, const char *const *argv);
void plan_ifdown(struct plan *, const char *dev);
/* Linux links (the bridge backend): see enum plan_op for the meaning. */
void plan_link_op(struct plan *, enum plan_op, const char *dev,
                  const char *text, int number);
/* Takes ownership of 'cmds' (a GPtrArray of GStrv, see vsctl_txn_*). */
void plan_vsctl(struct plan *, char ***cmds);
/* 'vlan_port' (may be NULL): an interface whose ofport replaces "%v" in the
 * flows. */
void plan_flows(struct plan *, const char *bridge, char **ports,
                char **flows, const char *vlan_port);

/* Appends every step of 'from' to 'to', leaving 'from' empty. */
void plan_move(struct plan *to, struct plan *from);

/* A switch transaction being built: a list of commands, each a list of
 * words.  vsctl_txn_add(t, "--may-exist", "add-br", "xenbr0", NULL). */
struct vsctl_txn;
struct vsctl_txn *vsctl_txn_new(void);
void vsctl_txn_add(struct vsctl_txn *, const char *word, ...)
    __attribute__((sentinel));
void vsctl_txn_addv(struct vsctl_txn *, char **words);  /* Takes words. */
size_t vsctl_txn_count(const struct vsctl_txn *);
/* Hands the commands to plan_vsctl() (if any) and frees 't'. */
void vsctl_txn_finish(struct vsctl_txn *, struct plan *);
void vsctl_txn_free(struct vsctl_txn *);

/* Quotes 'value' for vsctl as the original did: alphanumeric strings as
 * they are, anything else in double quotes with C-like escapes.  Returns a
 * new string, or NULL if 'value' holds a byte vsctl cannot take. */
char *vsctl_escape(const char *value);

/* One line describing a link step (PLAN_BRIDGE_ADD ... PLAN_BOND_ADD), as a
 * dry run prints it.  Returns a new string. */
char *plan_step_describe(const struct plan_step *);

/* Writes the plan for people: one line per step ("link down xenbr0",
 * "run vsctl --timeout=20 -- ...", ...).  Returns a new string. */
char *plan_to_string(const struct plan *, const char *vsctl_prog);

/* A transaction's command line, as run: vsctl --timeout=20 -- c -- c ...
 * Returns a NULL-terminated argv (g_strfreev). */
char **plan_vsctl_argv(const char *vsctl_prog, char ***cmds);

#endif /* reconfigure/plan.h */
