/* test-dp-vlan.c -- tests of datapath/vlan.c: port VLAN modes.
 *
 * Port configurations as a Port row would give them (tag, trunks,
 * vlan_mode, including the defaults Open vSwitch documents), then two
 * tables: the VLAN of a frame arriving with a given VID (or refused), and
 * how a frame of a given VLAN leaves (tagged, untagged, or not at all).
 * Then configuration errors. */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "flow.h"
#include "tap.h"
#include "vlan.h"

static const struct config {
    const char *name;
    const char *mode;
    int64_t tag;
    int64_t trunks[4];
    size_t n_trunks;
    enum vlan_mode want_mode;
} configs[] = {
#define ACCESS10 0
    {"tag=10", NULL, 10, {0}, 0, VLAN_MODE_ACCESS},
#define TRUNK_ALL 1
    {"no tag, no trunks", NULL, -1, {0}, 0, VLAN_MODE_TRUNK},
#define TRUNK_10_20 2
    {"trunks=[10,20]", NULL, -1, {10, 20}, 2, VLAN_MODE_TRUNK},
#define ACCESS_IGNORES_TRUNKS 3
    {"tag=10 trunks=[20]", NULL, 10, {20}, 1, VLAN_MODE_ACCESS},
#define NATIVE_UNTAGGED 4
    {"native-untagged tag=10 trunks=[20]", "native-untagged", 10, {20}, 1,
     VLAN_MODE_NATIVE_UNTAGGED},
#define NATIVE_TAGGED 5
    {"native-tagged tag=10 trunks=[20]", "native-tagged", 10, {20}, 1,
     VLAN_MODE_NATIVE_TAGGED},
#define NATIVE_UNTAGGED_ALL 6
    {"native-untagged tag=10", "native-untagged", 10, {0}, 0,
     VLAN_MODE_NATIVE_UNTAGGED},
#define ACCESS_NO_TAG 7
    {"vlan_mode=access, no tag", "access", -1, {0}, 0, VLAN_MODE_ACCESS},
#define TRUNK_IGNORES_TAG 8
    {"vlan_mode=trunk tag=10", "trunk", 10, {0}, 0, VLAN_MODE_TRUNK},
#define TRUNK_0_20 9
    {"trunks=[0,20]", NULL, -1, {0, 20}, 2, VLAN_MODE_TRUNK},
#define NATIVE_TAGGED_NO_TAG 10
    {"native-tagged, no tag", "native-tagged", -1, {0}, 0,
     VLAN_MODE_NATIVE_TAGGED},
#define EMPTY_MODE 11
    {"vlan_mode=\"\" tag=7", "", 7, {0}, 0, VLAN_MODE_ACCESS},
};

static struct vlan_port ports[G_N_ELEMENTS(configs)];

static void
test_configs(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(configs); i++) {
        const struct config *c = &configs[i];
        char *err = NULL;
        int rc = vlan_port_init(&ports[i], c->mode, c->tag, c->trunks,
                                c->n_trunks, &err);

        ok(!rc && !err && ports[i].mode == c->want_mode, "%s: %s", c->name,
           vlan_mode_to_string(c->want_mode));
        g_free(err);
    }
}

#define DROP -1

static const struct in_case {
    int config;
    uint16_t vid;               /* 0: untagged (or priority-tagged) */
    int want;                   /* VLAN, or DROP */
} in_cases[] = {
    {ACCESS10, 0, 10},
    {ACCESS10, 10, DROP},       /* tagged frames never enter an access port */
    {ACCESS10, 20, DROP},
    {TRUNK_ALL, 0, 0},
    {TRUNK_ALL, 20, 20},
    {TRUNK_ALL, 4095, 4095},
    {TRUNK_10_20, 10, 10},
    {TRUNK_10_20, 20, 20},
    {TRUNK_10_20, 30, DROP},
    {TRUNK_10_20, 0, DROP},     /* VLAN 0 is not in the trunks */
    {ACCESS_IGNORES_TRUNKS, 0, 10},
    {ACCESS_IGNORES_TRUNKS, 20, DROP},
    {NATIVE_UNTAGGED, 0, 10},
    {NATIVE_UNTAGGED, 10, 10},  /* the native VLAN, tagged: also taken */
    {NATIVE_UNTAGGED, 20, 20},
    {NATIVE_UNTAGGED, 30, DROP},
    {NATIVE_TAGGED, 0, 10},
    {NATIVE_TAGGED, 20, 20},
    {NATIVE_TAGGED, 30, DROP},
    {NATIVE_UNTAGGED_ALL, 0, 10},
    {NATIVE_UNTAGGED_ALL, 30, 30},
    {ACCESS_NO_TAG, 0, 0},
    {ACCESS_NO_TAG, 5, DROP},
    {TRUNK_IGNORES_TAG, 0, 0},
    {TRUNK_IGNORES_TAG, 10, 10},
    {TRUNK_0_20, 0, 0},
    {TRUNK_0_20, 20, 20},
    {TRUNK_0_20, 10, DROP},
    {NATIVE_TAGGED_NO_TAG, 0, 0},
    {NATIVE_TAGGED_NO_TAG, 7, 7},
    {EMPTY_MODE, 0, 7},
};

static void
test_input(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(in_cases); i++) {
        const struct in_case *c = &in_cases[i];
        uint16_t vlan = 9999;
        int rc = vlan_port_input(&ports[c->config], c->vid, &vlan);

        if (c->want == DROP) {
            ok(rc == -EPERM && vlan == 9999, "%s: VID %u arriving: refused",
               configs[c->config].name, c->vid);
        } else {
            ok(!rc && vlan == c->want, "%s: VID %u arriving: VLAN %d",
               configs[c->config].name, c->vid, c->want);
            if (rc || vlan != c->want) {
                diag_msg("rc %d, VLAN %u", rc, vlan);
            }
        }
    }
}

#define UNTAGGED 0

static const struct out_case {
    int config;
    uint16_t vlan;
    int want;                   /* VID to tag with, UNTAGGED, or DROP */
} out_cases[] = {
    {ACCESS10, 10, UNTAGGED},
    {ACCESS10, 20, DROP},
    {ACCESS10, 0, DROP},
    {TRUNK_ALL, 0, UNTAGGED},
    {TRUNK_ALL, 20, 20},
    {TRUNK_10_20, 10, 10},
    {TRUNK_10_20, 30, DROP},
    {TRUNK_10_20, 0, DROP},
    {ACCESS_IGNORES_TRUNKS, 20, DROP},
    {ACCESS_IGNORES_TRUNKS, 10, UNTAGGED},
    {NATIVE_UNTAGGED, 10, UNTAGGED},
    {NATIVE_UNTAGGED, 20, 20},
    {NATIVE_UNTAGGED, 30, DROP},
    {NATIVE_UNTAGGED, 0, DROP},
    {NATIVE_TAGGED, 10, 10},    /* native VLAN leaves tagged */
    {NATIVE_TAGGED, 20, 20},
    {NATIVE_TAGGED, 0, DROP},
    {NATIVE_UNTAGGED_ALL, 10, UNTAGGED},
    {NATIVE_UNTAGGED_ALL, 4000, 4000},
    {NATIVE_UNTAGGED_ALL, 0, DROP}, /* untagged frames are VLAN 10 here */
    {ACCESS_NO_TAG, 0, UNTAGGED},
    {ACCESS_NO_TAG, 10, DROP},
    {TRUNK_IGNORES_TAG, 10, 10},
    {TRUNK_0_20, 0, UNTAGGED},
    {NATIVE_TAGGED_NO_TAG, 0, UNTAGGED},
    {NATIVE_TAGGED_NO_TAG, 9, 9},
};

static void
test_output(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(out_cases); i++) {
        const struct out_case *c = &out_cases[i];
        const struct vlan_port *p = &ports[c->config];
        uint16_t vid = 9999;
        int rc = vlan_port_output(p, c->vlan, &vid);

        if (c->want == DROP) {
            ok(rc == -EPERM && vid == 9999
                   && !vlan_port_includes(p, c->vlan),
               "%s: VLAN %u does not leave", configs[c->config].name,
               c->vlan);
        } else {
            ok(!rc && vid == c->want && vlan_port_includes(p, c->vlan),
               "%s: VLAN %u leaves %s %d", configs[c->config].name, c->vlan,
               c->want == UNTAGGED ? "untagged" : "tagged", c->want);
        }
    }
    ok(!vlan_port_trunks(&ports[ACCESS10], 10)
           && vlan_port_trunks(&ports[NATIVE_TAGGED], 10)
           && !vlan_port_trunks(&ports[NATIVE_TAGGED], 0)
           && !vlan_port_trunks(&ports[TRUNK_ALL], 4096),
       "vlan_port_trunks(): never for access; native VLAN yes, 0 no; 4096 "
       "never");
}

static void
test_input_flow(void)
{
    struct flow key;
    uint16_t vlan = 0;

    memset(&key, 0, sizeof key);

    ok(!vlan_port_input_flow(&ports[ACCESS10], &key, &vlan) && vlan == 10,
       "untagged key on an access port: its VLAN");
    key.vlan_present = true;
    key.vlan_pcp = 3;
    ok(!vlan_port_input_flow(&ports[ACCESS10], &key, &vlan) && vlan == 10,
       "priority-tagged key (VID 0) on an access port: its VLAN");
    key.vlan_vid = 20;
    ok(vlan_port_input_flow(&ports[ACCESS10], &key, &vlan) == -EPERM,
       "VID 20 key on an access port: refused");
    ok(!vlan_port_input_flow(&ports[TRUNK_10_20], &key, &vlan) && vlan == 20,
       "VID 20 key on a trunk of 10 and 20: VLAN 20");
}

static void
test_errors(void)
{
    static const struct {
        const char *mode;
        int64_t tag;
        int64_t trunk;
        size_t n_trunks;
        const char *want;
    } bad[] = {
        {"dot1q-tunnel", 10, 0, 0,
         "vlan_mode: dot1q-tunnel: unknown or unsupported mode (access, "
         "trunk, native-tagged, native-untagged)"},
        {"Access", 10, 0, 0, NULL},
        {NULL, 4096, 0, 0, "tag: 4096: not a VLAN (0 to 4095)"},
        {NULL, -2, 0, 0, "tag: -2: not a VLAN (0 to 4095)"},
        {"trunk", -1, 5000, 1, "trunks: 5000: not a VLAN (0 to 4095)"},
        {"trunk", -1, -1, 1, "trunks: -1: not a VLAN (0 to 4095)"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        struct vlan_port p;
        char *err = NULL;
        int rc;

        memset(&p, 0x5a, sizeof p);
        rc = vlan_port_init(&p, bad[i].mode, bad[i].tag, &bad[i].trunk,
                            bad[i].n_trunks, &err);
        ok(rc == -EINVAL && err && (!bad[i].want || !strcmp(err, bad[i].want))
               && ((uint8_t *) &p)[0] == 0x5a,
           "refused: mode %s, tag %lld, trunk %lld: %s",
           bad[i].mode ? bad[i].mode : "(none)", (long long) bad[i].tag,
           (long long) bad[i].trunk, err ? err : "(no message)");
        g_free(err);
    }

    for (int m = VLAN_MODE_ACCESS; m <= VLAN_MODE_NATIVE_UNTAGGED; m++) {
        enum vlan_mode back;

        ok(!vlan_mode_from_string(vlan_mode_to_string(m), &back)
               && back == (enum vlan_mode) m,
           "vlan mode \"%s\" round-trips", vlan_mode_to_string(m));
    }
}

int
main(void)
{
    test_configs();
    test_input();
    test_output();
    test_input_flow();
    test_errors();
    return done_testing();
}
