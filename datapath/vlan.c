/* vlan.c -- port VLAN modes: which frames a port admits, which VLAN they
 * are in, and how frames of a VLAN leave by it.
 *
 * The semantics are those documented for Open vSwitch's Port table
 * (vswitch.xml, "VLAN Configuration"); see vlan.h.  The switching daemon
 * builds one struct vlan_port per port from the database and consults it
 * for every frame the NORMAL action handles, together with the flow key
 * (flow.h) for the frame's tag and the MAC table (mac-learning.h), which is
 * keyed by the VLAN this file computes. */
#include <config.h>

#include "vlan.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "flow.h"

static const struct {
    enum vlan_mode mode;
    const char *name;
} vlan_modes[] = {
    {VLAN_MODE_ACCESS, "access"},
    {VLAN_MODE_TRUNK, "trunk"},
    {VLAN_MODE_NATIVE_TAGGED, "native-tagged"},
    {VLAN_MODE_NATIVE_UNTAGGED, "native-untagged"},
};

int
vlan_mode_from_string(const char *s, enum vlan_mode *mode)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vlan_modes); i++) {
        if (!strcmp(s, vlan_modes[i].name)) {
            *mode = vlan_modes[i].mode;
            return 0;
        }
    }
    return -EINVAL;
}

const char *
vlan_mode_to_string(enum vlan_mode mode)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vlan_modes); i++) {
        if (vlan_modes[i].mode == mode) {
            return vlan_modes[i].name;
        }
    }
    return "<invalid>";
}

static void
bit_set(uint64_t *map, uint16_t bit, bool value)
{
    if (value) {
        map[bit / 64] |= UINT64_C(1) << (bit % 64);
    } else {
        map[bit / 64] &= ~(UINT64_C(1) << (bit % 64));
    }
}

static bool
bit_get(const uint64_t *map, uint16_t bit)
{
    return (map[bit / 64] >> (bit % 64)) & 1;
}

int
vlan_port_init(struct vlan_port *port, const char *mode, int64_t tag,
               const int64_t *trunks, size_t n_trunks, char **errp)
{
    struct vlan_port p;

    memset(&p, 0, sizeof p);
    if (tag < -1 || tag >= VLAN_N_VIDS) {
        *errp = g_strdup_printf("tag: %" PRId64 ": not a VLAN (0 to 4095)",
                                tag);
        return -EINVAL;
    }
    for (size_t i = 0; i < n_trunks; i++) {
        if (trunks[i] < 0 || trunks[i] >= VLAN_N_VIDS) {
            *errp = g_strdup_printf("trunks: %" PRId64
                                    ": not a VLAN (0 to 4095)",
                                    trunks[i]);
            return -EINVAL;
        }
    }
    if (mode && *mode) {
        if (vlan_mode_from_string(mode, &p.mode)) {
            *errp = g_strdup_printf("vlan_mode: %s: unknown or unsupported "
                                    "mode (access, trunk, native-tagged, "
                                    "native-untagged)",
                                    mode);
            return -EINVAL;
        }
    } else {
        p.mode = tag >= 0 ? VLAN_MODE_ACCESS : VLAN_MODE_TRUNK;
    }

    p.vlan = p.mode == VLAN_MODE_TRUNK || tag < 0 ? 0 : (uint16_t) tag;
    if (p.mode == VLAN_MODE_ACCESS) {
        p.all_trunks = false;
    } else if (!n_trunks && (p.mode == VLAN_MODE_TRUNK || !p.vlan)) {
        p.all_trunks = true;
    } else {
        if (n_trunks) {
            for (size_t i = 0; i < n_trunks; i++) {
                bit_set(p.trunks, (uint16_t) trunks[i], true);
            }
        } else {
            memset(p.trunks, 0xff, sizeof p.trunks);
        }
        if (p.mode != VLAN_MODE_TRUNK && p.vlan) {
            /* A native port carries its native VLAN; its untagged frames
             * are in that VLAN, so VLAN 0 cannot be trunked as well. */
            bit_set(p.trunks, p.vlan, true);
            bit_set(p.trunks, 0, false);
        }
    }
    *port = p;
    return 0;
}

bool
vlan_port_trunks(const struct vlan_port *port, uint16_t vlan)
{
    if (port->mode == VLAN_MODE_ACCESS || vlan >= VLAN_N_VIDS) {
        return false;
    }
    return port->all_trunks || bit_get(port->trunks, vlan);
}

bool
vlan_port_includes(const struct vlan_port *port, uint16_t vlan)
{
    if (port->mode != VLAN_MODE_TRUNK && vlan == port->vlan) {
        return true;
    }
    return vlan_port_trunks(port, vlan);
}

int
vlan_port_input(const struct vlan_port *port, uint16_t vid, uint16_t *vlan)
{
    vid &= 0x0fff;
    switch (port->mode) {
    case VLAN_MODE_ACCESS:
        if (vid) {
            return -EPERM;
        }
        *vlan = port->vlan;
        return 0;
    case VLAN_MODE_NATIVE_TAGGED:
    case VLAN_MODE_NATIVE_UNTAGGED:
        if (!vid) {
            *vlan = port->vlan;
            return 0;
        }
        /* A tagged frame on a native port: as on a trunk. */
        /* fall through */
    case VLAN_MODE_TRUNK:
        if (!vlan_port_trunks(port, vid)) {
            return -EPERM;
        }
        *vlan = vid;
        return 0;
    }
    return -EPERM;
}

int
vlan_port_input_flow(const struct vlan_port *port, const struct flow *key,
                     uint16_t *vlan)
{
    return vlan_port_input(port, key->vlan_present ? key->vlan_vid : 0,
                           vlan);
}

int
vlan_port_output(const struct vlan_port *port, uint16_t vlan, uint16_t *vid)
{
    if (!vlan_port_includes(port, vlan)) {
        return -EPERM;
    }
    switch (port->mode) {
    case VLAN_MODE_ACCESS:
        *vid = 0;
        break;
    case VLAN_MODE_TRUNK:
    case VLAN_MODE_NATIVE_TAGGED:
        *vid = vlan;
        break;
    case VLAN_MODE_NATIVE_UNTAGGED:
        *vid = vlan == port->vlan ? 0 : vlan;
        break;
    }
    return 0;
}
