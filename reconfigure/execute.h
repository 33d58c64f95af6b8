/* execute.h -- carries out a plan (plan.h): netlink for links, programs run
 * without a shell, the switch transaction through the configured vsctl,
 * escape flows through the configured ofctl.  With dry_run set nothing is
 * changed and the plan is printed instead. */
#ifndef RECONFIGURE_EXECUTE_H
#define RECONFIGURE_EXECUTE_H 1

#include <stdbool.h>
#include <stdio.h>

struct diag;
struct netdev;
struct plan;

struct ifr_exec {
    const char *root_prefix;    /* "" for none */
    const char *vsctl;          /* programs, unprefixed absolute paths */
    const char *ofctl;
    const char *ifup;           /* used when 'use_ifup' */
    const char *ifdown;
    bool use_ifup;              /* ipconfig=ifup: ifdown/ifup own IP devices,
                                 * and initscripts build bridges and VLANs:
                                 * see plan_execute() */
    struct netdev *netdev;
    bool dry_run;
    FILE *dry_run_out;          /* where a dry run prints the plan */
};

/* Executes the steps of 'plan' in order, stopping at the first failure.
 * Returns 0 or a negative errno value, with the reason in 'diag'.
 *
 * With 'use_ifup', the Linux-link steps are carried out as the original
 * did: PLAN_ENSLAVE runs "ifup DEV" (whose ifcfg file names its bridge or
 * bond), PLAN_BRIDGE_ADD and PLAN_VLAN_ADD are left to those ifups, the
 * others go over netlink as without 'use_ifup'.
 *
 * A dry run prints each step instead (a link step even if the device does
 * not exist yet: an earlier step would have created it). */
int plan_execute(const struct plan *, const struct ifr_exec *,
                 struct diag *);

/* Runs one program (dry run: prints it). */
int ifr_run(const struct ifr_exec *, const char *const *argv,
            struct diag *);

/* Takes IP device 'dev' down: in ifup mode as the original's ifdown() did;
 * otherwise stops its DHCP client, removes its addresses and sets the link
 * down.  A device that does not exist is logged and ignored. */
int ifr_ipdev_down(const struct ifr_exec *, const char *dev, struct diag *);

#endif /* reconfigure/execute.h */
