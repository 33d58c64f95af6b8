/* vlan.h -- a port's VLAN configuration and the decisions it implies.
 *
 * The model is Open vSwitch's Port table: "tag", "trunks" and
 * "vlan_mode".  An access port carries one VLAN, untagged; a trunk carries
 * the VLANs in its trunks set (an empty set: all of them) tagged, and
 * untagged frames as VLAN 0; a native-tagged or native-untagged port is a
 * trunk whose untagged frames belong to its native VLAN ("tag"), which it
 * always carries and sends tagged or untagged respectively.
 *
 * Everything here is a pure function of a small struct and a VLAN number:
 * the NORMAL action of the switching daemon asks which VLAN an arriving
 * frame is in (vlan_port_input()) and, for each candidate output port,
 * whether and how the frame may leave there (vlan_port_output()). */
#ifndef DATAPATH_VLAN_H
#define DATAPATH_VLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;

#define VLAN_N_VIDS 4096

enum vlan_mode {
    VLAN_MODE_ACCESS,
    VLAN_MODE_TRUNK,
    VLAN_MODE_NATIVE_TAGGED,
    VLAN_MODE_NATIVE_UNTAGGED,
};

struct vlan_port {
    enum vlan_mode mode;
    uint16_t vlan;              /* access or native VLAN; 0 for a trunk */
    bool all_trunks;            /* trunks every VLAN ('trunks' unused) */
    uint64_t trunks[VLAN_N_VIDS / 64]; /* bitmap of trunked VLANs */
};

/* Parses an OVSDB vlan_mode value ("access", "trunk", "native-tagged",
 * "native-untagged").  Returns 0, or -EINVAL for anything else
 * ("dot1q-tunnel" included: not implemented). */
int vlan_mode_from_string(const char *s, enum vlan_mode *mode);

/* The OVSDB spelling of 'mode'. */
const char *vlan_mode_to_string(enum vlan_mode mode);

/* Builds '*port' from a Port row's columns: 'mode' (NULL or "" when the
 * column is empty), 'tag' (-1 when empty) and the 'n_trunks' values of
 * 'trunks'.  As in Open vSwitch:
 *   - with no vlan_mode, the port is an access port if it has a tag (its
 *     trunks are then ignored) and a trunk otherwise;
 *   - a trunk ignores its tag;
 *   - an access or native port without a tag uses VLAN 0;
 *   - a native port always trunks its native VLAN and, unless that VLAN is
 *     0, never VLAN 0 (untagged frames are in the native VLAN).
 * Returns 0, or -EINVAL with a message in '*errp' (free with g_free()) for
 * an unknown mode, or a tag or trunk outside 0..4095; '*port' is written
 * only on success. */
int vlan_port_init(struct vlan_port *port, const char *mode, int64_t tag,
                   const int64_t *trunks, size_t n_trunks, char **errp);

/* True if 'port' carries 'vlan' tagged as a trunk (never for an access
 * port). */
bool vlan_port_trunks(const struct vlan_port *port, uint16_t vlan);

/* True if a frame in 'vlan' may leave by 'port'. */
bool vlan_port_includes(const struct vlan_port *port, uint16_t vlan);

/* The VLAN of a frame arriving on 'port' whose tag has VID 'vid' (0 for an
 * untagged or priority-tagged frame).  Returns 0 and stores the VLAN in
 * '*vlan', or -EPERM if the port does not admit the frame (a VLAN-tagged
 * frame on an access port, a VLAN the port does not trunk), leaving
 * '*vlan' alone. */
int vlan_port_input(const struct vlan_port *port, uint16_t vid,
                    uint16_t *vlan);

/* vlan_port_input() for the tag recorded in 'key'. */
int vlan_port_input_flow(const struct vlan_port *port, const struct flow *key,
                         uint16_t *vlan);

/* How a frame in 'vlan' leaves by 'port'.  Returns 0 and stores in '*vid'
 * the VID to tag it with, or 0 to send it untagged; or returns -EPERM if
 * the port does not carry 'vlan', leaving '*vid' alone. */
int vlan_port_output(const struct vlan_port *port, uint16_t vlan,
                     uint16_t *vid);

#endif /* datapath/vlan.h */
