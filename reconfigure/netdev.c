/* netdev.c -- links, addresses and routes for interface-reconfigure (see
 * netdev.h).
 *
 * Three parts.  The front (the exported functions at the end) checks and
 * parses arguments, builds the text that names each operation, dispatches
 * through struct netdev_ops and turns a failure into one diag message.
 * Behind it are two implementations of the vtable: the real one, which
 * speaks rtnetlink through libnl-route-3 and is the only place that
 * translates libnl's NLE_* codes (nle_to_errno()) and reads the kernel's
 * extended ACKs (kern_error_cb()); and the recorder, which keeps a table of
 * fake links and appends the name of each operation to a log.  The
 * interface-reconfigure backends sit above this file and decide what to do;
 * this file only does it. */
#include <config.h>

#include "netdev.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "diag.h"
#include "log.h"
#include "util.h"

LOG_DEFINE_THIS_MODULE(netdev);

#ifndef IFF_UP
#define IFF_UP 0x1
#endif

/* Kernel limit on interface names, including the terminating NUL. */
#define NAME_SIZE 16

/* A change to one link; fields left at their "keep" value are not sent. */
struct link_change {
    int up;                     /* 1 up, 0 down, -1 keep. */
    int mtu;                    /* > 0 to set, 0 keep. */
    const char *master;         /* Enslave to this, or NULL. */
    bool nomaster;              /* Release from the current master. */
};

/* An IPv4 route in the main table, out of one device. */
struct route_spec {
    struct in_addr dst;         /* Network address, no host bits. */
    int plen;                   /* 0 to 32. */
    bool has_gw;
    struct in_addr gw;          /* Valid if 'has_gw'. */
    const char *dev;
    bool replace;               /* Replace a matching route, or fail. */
};

/* A virtual link to create. */
struct link_spec {
    const char *name;
    const char *kind;           /* "bridge", "vlan" or "bond". */
    const char *parent;         /* vlan: the lower device. */
    int vlan_id;                /* vlan: 0 to 4094. */
    int bond_mode;              /* bond: 0 to 6, or -1 for the default. */
};

/* An instance. */
struct netdev {
    const struct netdev_ops *ops;
    int can_bond;               /* -1 until probed, then 0 or 1. */
    int can_vlan;               /* Likewise. */

    /* Set by an implementation when an operation fails, consumed by
     * netdev_finish(): a reason that says more than strerror(), and the
     * kernel's extended-ACK message. */
    char *why;
    char *extack;
};

/* The vtable.  Operations return 0 or a negative errno value, and may set
 * 'why' and 'extack' in the netdev to explain a failure; they never add to
 * a diag themselves.  'op' is the operation's text (the recorder's log
 * line).  Names and arguments have already been checked. */
struct netdev_ops {
    const char *type;
    void (*destroy)(struct netdev *);
    bool (*exists)(struct netdev *, const char *dev);
    int (*get_mac)(struct netdev *, const char *dev, char mac[18]);
    int (*link_change)(struct netdev *, const char *dev,
                       const struct link_change *, const char *op);
    int (*addr_flush)(struct netdev *, const char *dev, const char *op);
    int (*addr_add)(struct netdev *, const char *dev, struct in_addr ip,
                    int plen, const char *op);
    int (*route_add)(struct netdev *, const struct route_spec *,
                     const char *op);
    int (*route_flush)(struct netdev *, const char *dev, const char *op);
    int (*link_add)(struct netdev *, const struct link_spec *,
                    const char *op);
    int (*link_del)(struct netdev *, const char *dev, const char *kind,
                    const char *op);
    /* True if links of 'kind' ("bond" or "vlan") can be created. */
    bool (*probe)(struct netdev *, const char *kind);
};

static void
netdev_init(struct netdev *nd, const struct netdev_ops *ops)
{
    nd->ops = ops;
    nd->can_bond = -1;
    nd->can_vlan = -1;
    nd->why = NULL;
    nd->extack = NULL;
}

static void
netdev_clear_error(struct netdev *nd)
{
    g_free(nd->why);
    nd->why = NULL;
    g_free(nd->extack);
    nd->extack = NULL;
}

static void PRINTF_FORMAT(2, 3)
netdev_set_why(struct netdev *nd, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    g_free(nd->why);
    nd->why = g_strdup_vprintf(fmt, args);
    va_end(args);
}

/* Part 1: the real implementation, rtnetlink through libnl. */

struct netdev_netlink {
    struct netdev up;
    struct nl_sock *sk;
    struct nl_cb *cb;           /* The socket's callbacks (error handler). */
    int kernel_error;           /* From the last NLMSG_ERROR: -errno, or 0. */
};

static const struct netdev_ops netlink_ops;

static struct netdev_netlink *
netdev_netlink_cast(struct netdev *nd)
{
    g_assert(nd->ops == &netlink_ops);
    return (struct netdev_netlink *) nd;
}

/* The one translation of libnl's error space into errno.  'nle' is an
 * NLE_* code, either sign.  libnl folds several errno values into one code
 * (ENOENT and ESRCH are both NLE_OBJ_NOTFOUND), which is why an error that
 * came from the kernel is reported with the kernel's own errno instead (see
 * kern_failed()); this table serves libnl's own failures. */
static int
nle_to_errno(int nle)
{
    switch (abs(nle)) {
    case NLE_SUCCESS:           return 0;
    case NLE_INTR:              return EINTR;
    case NLE_BAD_SOCK:          return EBADF;
    case NLE_AGAIN:             return EAGAIN;
    case NLE_NOMEM:             return ENOMEM;
    case NLE_EXIST:             return EEXIST;
    case NLE_INVAL:             return EINVAL;
    case NLE_RANGE:             return ERANGE;
    case NLE_MSGSIZE:           return EMSGSIZE;
    case NLE_OPNOTSUPP:         return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:      return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND:      return ENOENT;
    case NLE_NOATTR:            return ENODATA;
    case NLE_MISSING_ATTR:      return EINVAL;
    case NLE_AF_MISMATCH:       return EAFNOSUPPORT;
    case NLE_SEQ_MISMATCH:      return EPROTO;
    case NLE_MSG_OVERFLOW:      return EOVERFLOW;
    case NLE_MSG_TRUNC:         return EMSGSIZE;
    case NLE_NOADDR:            return EADDRNOTAVAIL;
    case NLE_SRCRT_NOSUPPORT:   return EOPNOTSUPP;
    case NLE_MSG_TOOSHORT:      return EBADMSG;
    case NLE_MSGTYPE_NOSUPPORT: return EOPNOTSUPP;
    case NLE_OBJ_MISMATCH:      return EINVAL;
    case NLE_NOCACHE:           return ENOENT;
    case NLE_BUSY:              return EBUSY;
    case NLE_PROTO_MISMATCH:    return EPROTONOSUPPORT;
    case NLE_NOACCESS:          return EACCES;
    case NLE_PERM:              return EPERM;
    case NLE_PKTLOC_FILE:       return ENOENT;
    case NLE_PARSE_ERR:         return EBADMSG;
    case NLE_NODEV:             return ENODEV;
    case NLE_IMMUTABLE:         return EPERM;
    case NLE_DUMP_INTR:         return EINTR;
    case NLE_ATTRSIZE:          return EINVAL;
    case NLE_FAILURE:
    default:                    return EIO;
    }
}

/* Forgets the outcome of the previous request. */
static void
kern_reset(struct netdev_netlink *nl)
{
    nl->kernel_error = 0;
    netdev_clear_error(&nl->up);
}

/* Converts 'nle', a negative NLE_* code returned by libnl, into a negative
 * errno value: the kernel's own errno if the failure was the kernel's
 * answer, otherwise by nle_to_errno(), keeping libnl's text as the
 * reason. */
static int
kern_failed(struct netdev_netlink *nl, int nle)
{
    if (nl->kernel_error < 0) {
        return nl->kernel_error;
    }
    netdev_set_why(&nl->up, "%s", nl_geterror(nle));
    return -nle_to_errno(nle);
}

/* Returns a copy of the extended-ACK message that follows 'e' in its
 * NLMSG_ERROR message, or NULL if there is none. */
static char *
extack_message(const struct nlmsgerr *e)
{
    const struct nlmsghdr *h
        = (const struct nlmsghdr *) ((const char *) e - NLMSG_HDRLEN);
    struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
    size_t payload, off;

    if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)
        || h->nlmsg_len < NLMSG_HDRLEN + sizeof *e) {
        return NULL;
    }
    payload = h->nlmsg_len - NLMSG_HDRLEN;
    off = sizeof *e;
    if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
        /* The request is echoed after the header: skip its payload. */
        if (e->msg.nlmsg_len < NLMSG_HDRLEN) {
            return NULL;
        }
        off += e->msg.nlmsg_len - NLMSG_HDRLEN;
    }
    off = NLMSG_ALIGN(off);
    if (off >= payload
        || nla_parse(tb, NLMSGERR_ATTR_MAX,
                     (struct nlattr *) ((char *) e + off),
                     payload - off, NULL) < 0
        || !tb[NLMSGERR_ATTR_MSG]
        || nla_len(tb[NLMSGERR_ATTR_MSG]) <= 0) {
        return NULL;
    }
    return g_strndup(nla_data(tb[NLMSGERR_ATTR_MSG]),
                     nla_len(tb[NLMSGERR_ATTR_MSG]));
}

/* libnl calls this for every NLMSG_ERROR that reports a failure: keep the
 * errno and the kernel's message, and stop (libnl then returns the
 * equivalent NLE_* code). */
static int
kern_error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *nl_)
{
    struct netdev_netlink *nl = nl_;
    char *msg = extack_message(e);

    (void) who;
    nl->kernel_error = e->error < 0 ? e->error : -e->error;
    if (msg) {
        g_free(nl->up.extack);
        nl->up.extack = msg;
    }
    return NL_STOP;
}

/* What one request brought back. */
struct kern_reply {
    bool acked;
    struct rtnl_link *link;     /* An RTM_NEWLINK answer, if wanted. */
};

static int
kern_ack_cb(struct nl_msg *msg, void *reply_)
{
    struct kern_reply *reply = reply_;

    (void) msg;
    reply->acked = true;
    return NL_STOP;
}

static void
kern_parsed_cb(struct nl_object *obj, void *reply_)
{
    struct kern_reply *reply = reply_;

    if (!reply->link && !strcmp(nl_object_get_type(obj), "route/link")) {
        nl_object_get(obj);
        reply->link = (struct rtnl_link *) obj;
    }
}

static int
kern_valid_cb(struct nl_msg *msg, void *reply_)
{
    nl_msg_parse(msg, kern_parsed_cb, reply_);
    return NL_OK;
}

/* Sends 'msg' (still owned by the caller) with an ACK requested and waits
 * for the kernel's ACK or error.  If 'linkp' is nonnull, the request is a
 * GETLINK and on success '*linkp' receives the link (caller puts it).
 * Returns 0 or a negative errno value. */
static int
kern_transact(struct netdev_netlink *nl, struct nl_msg *msg,
            struct rtnl_link **linkp)
{
    struct kern_reply reply = { .acked = false, .link = NULL };
    struct nl_cb *cb;
    int err;

    kern_reset(nl);
    err = nl_send_auto(nl->sk, msg);
    if (err < 0) {
        return kern_failed(nl, err);
    }

    cb = nl_cb_clone(nl->cb);
    if (!cb) {
        g_error("out of memory");
    }
    nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, kern_ack_cb, &reply);
    if (linkp) {
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, kern_valid_cb, &reply);
    }
    do {
        err = nl_recvmsgs(nl->sk, cb);
    } while (err >= 0 && !reply.acked);
    nl_cb_put(cb);

    if (err < 0) {
        if (reply.link) {
            rtnl_link_put(reply.link);
        }
        return kern_failed(nl, err);
    }
    if (linkp) {
        if (!reply.link) {
            netdev_set_why(&nl->up, "the kernel sent no link");
            return -EPROTO;
        }
        *linkp = reply.link;
    }
    return 0;
}

/* Asks the kernel for link 'dev'.  On success stores it in '*linkp' (the
 * caller puts it) and returns 0; a missing device gives -ENODEV. */
static int
kern_get_link(struct netdev_netlink *nl, const char *dev,
            struct rtnl_link **linkp)
{
    struct nl_msg *msg;
    int err;

    kern_reset(nl);
    err = rtnl_link_build_get_request(0, dev, &msg);
    if (err < 0) {
        return kern_failed(nl, err);
    }
    err = kern_transact(nl, msg, linkp);
    nlmsg_free(msg);
    return err;
}

static int
kern_get_ifindex(struct netdev_netlink *nl, const char *dev, int *ifindexp)
{
    struct rtnl_link *link;
    int err = kern_get_link(nl, dev, &link);

    if (!err) {
        *ifindexp = rtnl_link_get_ifindex(link);
        rtnl_link_put(link);
    }
    return err;
}

/* Builds an RTM_NEWLINK that creates link 'name' of 'kind' on top of
 * 'parent' (an ifindex, or 0 for none), with one attribute 'data_type'
 * (unless 0) of 'size' bytes in IFLA_INFO_DATA.  libnl-route 3.7 cannot
 * express a bonding mode, so links are created from raw attributes. */
static int
kern_newlink_msg(const char *name, const char *kind, int parent,
               int data_type, const void *data, size_t size,
               struct nl_msg **msgp)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct nlattr *info, *info_data;
    struct nl_msg *msg;

    msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    if (!msg) {
        g_error("out of memory");
    }
    if (nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0
        || nla_put_string(msg, IFLA_IFNAME, name) < 0
        || (parent && nla_put_u32(msg, IFLA_LINK, parent) < 0)
        || !(info = nla_nest_start(msg, IFLA_LINKINFO))
        || nla_put_string(msg, IFLA_INFO_KIND, kind) < 0) {
        goto overflow;
    }
    if (data_type) {
        if (!(info_data = nla_nest_start(msg, IFLA_INFO_DATA))
            || nla_put(msg, data_type, size, data) < 0) {
            goto overflow;
        }
        nla_nest_end(msg, info_data);
    }
    nla_nest_end(msg, info);
    *msgp = msg;
    return 0;

overflow:
    nlmsg_free(msg);
    return -NLE_MSGSIZE;
}

static int
kern_delete_link_by_name(struct netdev_netlink *nl, const char *name)
{
    struct rtnl_link *link = rtnl_link_alloc();
    struct nl_msg *msg;
    int err;

    rtnl_link_set_name(link, name);
    err = rtnl_link_build_delete_request(link, &msg);
    rtnl_link_put(link);
    if (err < 0) {
        kern_reset(nl);
        return kern_failed(nl, err);
    }
    err = kern_transact(nl, msg, NULL);
    nlmsg_free(msg);
    return err;
}

static void
kern_destroy(struct netdev *nd)
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);

    nl_socket_free(nl->sk);
    nl_cb_put(nl->cb);
    g_free(nl);
}

static bool
kern_exists(struct netdev *nd, const char *dev)
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    struct rtnl_link *link;

    if (kern_get_link(nl, dev, &link)) {
        return false;
    }
    rtnl_link_put(link);
    return true;
}

static int
kern_get_mac(struct netdev *nd, const char *dev, char mac[18])
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    struct rtnl_link *link;
    struct nl_addr *addr;
    int err;

    err = kern_get_link(nl, dev, &link);
    if (err) {
        return err;
    }
    addr = rtnl_link_get_addr(link);
    if (!addr || nl_addr_get_len(addr) != 6) {
        err = -ENODATA;
    } else {
        const unsigned char *b = nl_addr_get_binary_addr(addr);

        g_snprintf(mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
                   b[0], b[1], b[2], b[3], b[4], b[5]);
    }
    rtnl_link_put(link);
    return err;
}

static int
kern_link_change(struct netdev *nd, const char *dev,
               const struct link_change *c, const char *op)
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    struct rtnl_link *orig = NULL, *changes = NULL;
    struct nl_msg *msg = NULL;
    int master = 0;
    int err;

    (void) op;
    err = kern_get_link(nl, dev, &orig);
    if (err) {
        goto out;
    }
    if (c->master) {
        err = kern_get_ifindex(nl, c->master, &master);
        if (err) {
            goto out;
        }
    }

    changes = rtnl_link_alloc();
    if (c->up > 0) {
        rtnl_link_set_flags(changes, IFF_UP);
    } else if (c->up == 0) {
        rtnl_link_unset_flags(changes, IFF_UP);
    }
    if (c->mtu > 0) {
        rtnl_link_set_mtu(changes, c->mtu);
    }
    if (c->master || c->nomaster) {
        rtnl_link_set_master(changes, master);
    }

    err = rtnl_link_build_change_request(orig, changes, 0, &msg);
    if (err < 0) {
        kern_reset(nl);
        err = kern_failed(nl, err);
        goto out;
    }
    err = kern_transact(nl, msg, NULL);

out:
    nlmsg_free(msg);
    if (changes) {
        rtnl_link_put(changes);
    }
    if (orig) {
        rtnl_link_put(orig);
    }
    return err;
}

/* Dumps all addresses (or IPv4 routes, if 'routes') into '*cachep',
 * retrying a dump the kernel reports as interrupted. */
static int
kern_dump(struct netdev_netlink *nl, bool routes, struct nl_cache **cachep)
{
    int err = 0;

    for (int attempt = 0; attempt < 5; attempt++) {
        kern_reset(nl);
        err = (routes
               ? rtnl_route_alloc_cache(nl->sk, AF_INET, 0, cachep)
               : rtnl_addr_alloc_cache(nl->sk, cachep));
        if (err != -NLE_DUMP_INTR) {
            break;
        }
    }
    return err < 0 ? kern_failed(nl, err) : 0;
}

/* How to flush one kind of object: which to delete, how to ask for it,
 * and which error means it went away on its own meanwhile. */
struct kern_flush {
    bool routes;                /* Dump routes (true) or addresses. */
    bool (*matches)(struct nl_object *, int ifindex);
    int (*build)(struct nl_object *, struct nl_msg **);
    int gone;                   /* errno of an object already gone */
};

/* Deletes every object that 'f' matches for device 'dev'. */
static int
kern_flush(struct netdev_netlink *nl, const char *dev,
           const struct kern_flush *f)
{
    struct nl_cache *cache;
    struct nl_object *obj;
    int ifindex;
    int err;

    err = kern_get_ifindex(nl, dev, &ifindex);
    if (err) {
        return err;
    }
    err = kern_dump(nl, f->routes, &cache);
    if (err) {
        return err;
    }
    for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
        struct nl_msg *msg;

        if (!f->matches(obj, ifindex)) {
            continue;
        }
        err = f->build(obj, &msg);
        if (err < 0) {
            kern_reset(nl);
            err = kern_failed(nl, err);
            break;
        }
        err = kern_transact(nl, msg, NULL);
        nlmsg_free(msg);
        if (err == -f->gone) {
            kern_reset(nl);
            err = 0;
        } else if (err) {
            break;
        }
    }
    nl_cache_free(cache);
    return err;
}

static bool
addr_matches(struct nl_object *obj, int ifindex)
{
    struct rtnl_addr *addr = (struct rtnl_addr *) obj;

    return (rtnl_addr_get_ifindex(addr) == ifindex
            && rtnl_addr_get_family(addr) == AF_INET);
}

static int
addr_build_delete(struct nl_object *obj, struct nl_msg **msgp)
{
    return rtnl_addr_build_delete_request((struct rtnl_addr *) obj, 0, msgp);
}

static int
kern_addr_flush(struct netdev *nd, const char *dev, const char *op)
{
    /* EADDRNOTAVAIL: a secondary that went with its primary. */
    static const struct kern_flush f = {
        false, addr_matches, addr_build_delete, EADDRNOTAVAIL
    };

    (void) op;
    return kern_flush(netdev_netlink_cast(nd), dev, &f);
}

static struct nl_addr *
kern_ipv4_addr(struct in_addr in, int plen)
{
    struct nl_addr *a = nl_addr_build(AF_INET, &in, sizeof in);

    if (!a) {
        g_error("out of memory");
    }
    nl_addr_set_prefixlen(a, plen);
    return a;
}

static int
kern_addr_add(struct netdev *nd, const char *dev, struct in_addr ip, int plen,
            const char *op)
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    struct rtnl_addr *addr;
    struct nl_addr *local;
    struct nl_msg *msg;
    int ifindex;
    int err;

    (void) op;
    err = kern_get_ifindex(nl, dev, &ifindex);
    if (err) {
        return err;
    }

    addr = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(addr, ifindex);
    rtnl_addr_set_family(addr, AF_INET);
    local = kern_ipv4_addr(ip, plen);
    err = rtnl_addr_set_local(addr, local);
    nl_addr_put(local);
    rtnl_addr_set_prefixlen(addr, plen);
    if (!err && plen <= 30) {
        uint32_t mask = plen ? ~0u << (32 - plen) : 0;
        struct in_addr b = { .s_addr = ip.s_addr | htonl(~mask) };
        struct nl_addr *brd = kern_ipv4_addr(b, 32);

        err = rtnl_addr_set_broadcast(addr, brd);
        nl_addr_put(brd);
    }
    if (!err) {
        err = rtnl_addr_build_add_request(addr, NLM_F_REPLACE, &msg);
    }
    rtnl_addr_put(addr);
    if (err < 0) {
        kern_reset(nl);
        return kern_failed(nl, err);
    }
    err = kern_transact(nl, msg, NULL);
    nlmsg_free(msg);
    return err;
}

static int
kern_route_add(struct netdev *nd, const struct route_spec *rs, const char *op)
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    struct rtnl_nexthop *nh;
    struct rtnl_route *route;
    struct nl_addr *a;
    struct nl_msg *msg;
    int ifindex;
    int err;

    (void) op;
    err = kern_get_ifindex(nl, rs->dev, &ifindex);
    if (err) {
        return err;
    }

    route = rtnl_route_alloc();
    rtnl_route_set_family(route, AF_INET);
    rtnl_route_set_table(route, RT_TABLE_MAIN);
    rtnl_route_set_protocol(route, RTPROT_BOOT);
    rtnl_route_set_type(route, RTN_UNICAST);
    rtnl_route_set_scope(route,
                         rs->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
    a = kern_ipv4_addr(rs->dst, rs->plen);
    err = rtnl_route_set_dst(route, a);
    nl_addr_put(a);

    nh = rtnl_route_nh_alloc();
    rtnl_route_nh_set_ifindex(nh, ifindex);
    if (rs->has_gw) {
        a = kern_ipv4_addr(rs->gw, 32);
        rtnl_route_nh_set_gateway(nh, a);
        nl_addr_put(a);
    }
    rtnl_route_add_nexthop(route, nh);  /* 'route' owns 'nh' now. */

    if (!err) {
        err = rtnl_route_build_add_request(
            route, rs->replace ? NLM_F_REPLACE : NLM_F_EXCL, &msg);
    }
    rtnl_route_put(route);
    if (err < 0) {
        kern_reset(nl);
        return kern_failed(nl, err);
    }
    err = kern_transact(nl, msg, NULL);
    nlmsg_free(msg);
    return err;
}

static bool
kern_route_uses(struct rtnl_route *route, int ifindex)
{
    int n = rtnl_route_get_nnexthops(route);

    for (int i = 0; i < n; i++) {
        struct rtnl_nexthop *nh = rtnl_route_nexthop_n(route, i);

        if (rtnl_route_nh_get_ifindex(nh) == ifindex) {
            return true;
        }
    }
    return false;
}

static bool
route_matches(struct nl_object *obj, int ifindex)
{
    struct rtnl_route *route = (struct rtnl_route *) obj;

    return (rtnl_route_get_family(route) == AF_INET
            && rtnl_route_get_table(route) == RT_TABLE_MAIN
            && rtnl_route_get_protocol(route) != RTPROT_KERNEL
            && kern_route_uses(route, ifindex));
}

static int
route_build_delete(struct nl_object *obj, struct nl_msg **msgp)
{
    return rtnl_route_build_del_request((struct rtnl_route *) obj, 0, msgp);
}

static int
kern_route_flush(struct netdev *nd, const char *dev, const char *op)
{
    /* ESRCH: a route that is gone already. */
    static const struct kern_flush f = {
        true, route_matches, route_build_delete, ESRCH
    };

    (void) op;
    return kern_flush(netdev_netlink_cast(nd), dev, &f);
}

static int
kern_link_add(struct netdev *nd, const struct link_spec *ls, const char *op)
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    struct nl_msg *msg;
    int parent = 0;
    int err;

    (void) op;
    if (ls->parent) {
        err = kern_get_ifindex(nl, ls->parent, &parent);
        if (err) {
            return err;
        }
    }

    if (!strcmp(ls->kind, "vlan")) {
        uint16_t id = ls->vlan_id;

        err = kern_newlink_msg(ls->name, ls->kind, parent, IFLA_VLAN_ID,
                             &id, sizeof id, &msg);
    } else if (!strcmp(ls->kind, "bond") && ls->bond_mode >= 0) {
        uint8_t mode = ls->bond_mode;

        err = kern_newlink_msg(ls->name, ls->kind, parent, IFLA_BOND_MODE,
                             &mode, sizeof mode, &msg);
    } else {
        err = kern_newlink_msg(ls->name, ls->kind, parent, 0, NULL, 0, &msg);
    }
    if (err < 0) {
        kern_reset(nl);
        return kern_failed(nl, err);
    }
    err = kern_transact(nl, msg, NULL);
    nlmsg_free(msg);
    return err;
}

static int
kern_link_del(struct netdev *nd, const char *dev, const char *kind,
            const char *op)
{
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    struct rtnl_link *link;
    struct nl_msg *msg;
    const char *type;
    int err;

    (void) op;
    err = kern_get_link(nl, dev, &link);
    if (err) {
        return err;
    }
    type = rtnl_link_get_type(link);
    if (kind && (!type || strcmp(type, kind))) {
        netdev_set_why(nd, "%s is not a %s", dev, kind);
        rtnl_link_put(link);
        return -EINVAL;
    }
    err = rtnl_link_build_delete_request(link, &msg);
    rtnl_link_put(link);
    if (err < 0) {
        kern_reset(nl);
        return kern_failed(nl, err);
    }
    err = kern_transact(nl, msg, NULL);
    nlmsg_free(msg);
    return err;
}

/* Asks the kernel to create a throwaway link of 'kind' with a name of its
 * own.  A VLAN is asked for without a parent: a kernel with 802.1Q support
 * recognises the kind and then refuses the request (EINVAL), one without
 * says "Unknown device type" (EOPNOTSUPP) at once.  A link that does get
 * created is deleted again. */
static bool
kern_probe(struct netdev *nd, const char *kind)
{
    static unsigned int serial;
    struct netdev_netlink *nl = netdev_netlink_cast(nd);
    bool vlan = !strcmp(kind, "vlan");
    uint16_t id = 1;
    int err = -EEXIST;

    for (int attempt = 0; attempt < 4 && err == -EEXIST; attempt++) {
        char name[NAME_SIZE];
        struct nl_msg *msg;

        g_snprintf(name, sizeof name, "xsvp%x-%x",
                   (unsigned int) getpid() & 0xffffff, serial++ & 0xff);
        if (kern_newlink_msg(name, kind, 0, vlan ? IFLA_VLAN_ID : 0,
                           &id, sizeof id, &msg) < 0) {
            return false;
        }
        err = kern_transact(nl, msg, NULL);
        nlmsg_free(msg);
        if (!err) {
            kern_delete_link_by_name(nl, name);
        }
        LOG_DBG("probe for %s links (%s): %s", kind, name,
                err ? g_strerror(-err) : "created");
    }
    return !err || err == -EINVAL;
}

static const struct netdev_ops netlink_ops = {
    .type = "netlink",
    .destroy = kern_destroy,
    .exists = kern_exists,
    .get_mac = kern_get_mac,
    .link_change = kern_link_change,
    .addr_flush = kern_addr_flush,
    .addr_add = kern_addr_add,
    .route_add = kern_route_add,
    .route_flush = kern_route_flush,
    .link_add = kern_link_add,
    .link_del = kern_link_del,
    .probe = kern_probe,
};

int
netdev_open_netlink(struct netdev **ndp, struct diag *diag)
{
    struct netdev_netlink *nl;
    int one = 1;
    int err;

    nl = g_new0(struct netdev_netlink, 1);
    netdev_init(&nl->up, &netlink_ops);
    nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!nl->cb) {
        g_error("out of memory");
    }
    nl_cb_err(nl->cb, NL_CB_CUSTOM, kern_error_cb, nl);
    nl->sk = nl_socket_alloc_cb(nl->cb);
    if (!nl->sk) {
        g_error("out of memory");
    }

    err = nl_connect(nl->sk, NETLINK_ROUTE);
    if (err < 0) {
        err = -nle_to_errno(err);
        diag_add(diag, "cannot open a rtnetlink socket: %s",
                 g_strerror(-err));
        kern_destroy(&nl->up);
        return err;
    }

    /* Ask for the kernel's reasons with its errors (Linux 4.12 and later),
     * and for bare error headers without the echoed request (4.3). */
    if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
                   &one, sizeof one) < 0) {
        LOG_DBG("NETLINK_EXT_ACK: %s", g_strerror(errno));
    }
    if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
                   &one, sizeof one) < 0) {
        LOG_DBG("NETLINK_CAP_ACK: %s", g_strerror(errno));
    }
    nl_socket_enable_msg_peek(nl->sk);

    *ndp = &nl->up;
    return 0;
}

/* Part 2: the recorder. */

struct fake_link {
    char *kind;                 /* "ether", "bridge", "vlan", "bond". */
    char *mac;                  /* Lower case, or NULL. */
};

struct netdev_recorder {
    struct netdev up;
    GString *log;               /* Not owned. */
    GHashTable *links;          /* Name to struct fake_link. */
    bool can_bond;
    bool can_vlan;
};

static const struct netdev_ops recorder_ops;

static struct netdev_recorder *
netdev_recorder_cast(struct netdev *nd)
{
    g_assert(nd->ops == &recorder_ops);
    return (struct netdev_recorder *) nd;
}

static void
fake_link_free(void *fl_)
{
    struct fake_link *fl = fl_;

    g_free(fl->kind);
    g_free(fl->mac);
    g_free(fl);
}

static void
rec_add(struct netdev_recorder *rec, const char *name, const char *kind,
        const char *mac)
{
    struct fake_link *fl = g_new(struct fake_link, 1);

    fl->kind = g_strdup(kind);
    fl->mac = mac ? g_ascii_strdown(mac, -1) : NULL;
    g_hash_table_replace(rec->links, g_strdup(name), fl);
}

static struct fake_link *
rec_find(struct netdev_recorder *rec, const char *name)
{
    return g_hash_table_lookup(rec->links, name);
}

/* Appends 'op' to the log; every successful operation ends here. */
static int
rec_log(struct netdev_recorder *rec, const char *op)
{
    g_string_append(rec->log, op);
    g_string_append_c(rec->log, '\n');
    return 0;
}

static void
rec_destroy(struct netdev *nd)
{
    struct netdev_recorder *rec = netdev_recorder_cast(nd);

    g_hash_table_destroy(rec->links);
    g_free(rec);
}

static bool
rec_exists(struct netdev *nd, const char *dev)
{
    return rec_find(netdev_recorder_cast(nd), dev) != NULL;
}

static int
rec_get_mac(struct netdev *nd, const char *dev, char mac[18])
{
    struct fake_link *fl = rec_find(netdev_recorder_cast(nd), dev);

    if (!fl) {
        return -ENODEV;
    }
    if (!fl->mac) {
        return -ENODATA;
    }
    g_strlcpy(mac, fl->mac, 18);
    return 0;
}

static int
rec_link_change(struct netdev *nd, const char *dev,
                const struct link_change *c, const char *op)
{
    struct netdev_recorder *rec = netdev_recorder_cast(nd);

    if (!rec_find(rec, dev) || (c->master && !rec_find(rec, c->master))) {
        return -ENODEV;
    }
    return rec_log(rec, op);
}

static int
rec_addr_flush(struct netdev *nd, const char *dev, const char *op)
{
    struct netdev_recorder *rec = netdev_recorder_cast(nd);

    return rec_find(rec, dev) ? rec_log(rec, op) : -ENODEV;
}

static int
rec_addr_add(struct netdev *nd, const char *dev, struct in_addr ip, int plen,
             const char *op)
{
    (void) ip;
    (void) plen;
    return rec_addr_flush(nd, dev, op);
}

static int
rec_route_add(struct netdev *nd, const struct route_spec *rs,
              const char *op)
{
    return rec_addr_flush(nd, rs->dev, op);
}

static int
rec_route_flush(struct netdev *nd, const char *dev, const char *op)
{
    return rec_addr_flush(nd, dev, op);
}

static int
rec_link_add(struct netdev *nd, const struct link_spec *ls, const char *op)
{
    struct netdev_recorder *rec = netdev_recorder_cast(nd);

    if ((!strcmp(ls->kind, "vlan") && !rec->can_vlan)
        || (!strcmp(ls->kind, "bond") && !rec->can_bond)) {
        return -EOPNOTSUPP;
    }
    if (ls->parent && !rec_find(rec, ls->parent)) {
        return -ENODEV;
    }
    if (rec_find(rec, ls->name)) {
        return -EEXIST;
    }
    rec_add(rec, ls->name, ls->kind, NULL);
    return rec_log(rec, op);
}

static int
rec_link_del(struct netdev *nd, const char *dev, const char *kind,
             const char *op)
{
    struct netdev_recorder *rec = netdev_recorder_cast(nd);
    struct fake_link *fl = rec_find(rec, dev);

    if (!fl) {
        return -ENODEV;
    }
    if (kind && strcmp(fl->kind, kind)) {
        netdev_set_why(nd, "%s is not a %s", dev, kind);
        return -EINVAL;
    }
    g_hash_table_remove(rec->links, dev);
    return rec_log(rec, op);
}

static bool
rec_probe(struct netdev *nd, const char *kind)
{
    struct netdev_recorder *rec = netdev_recorder_cast(nd);

    return !strcmp(kind, "bond") ? rec->can_bond : rec->can_vlan;
}

static const struct netdev_ops recorder_ops = {
    .type = "recorder",
    .destroy = rec_destroy,
    .exists = rec_exists,
    .get_mac = rec_get_mac,
    .link_change = rec_link_change,
    .addr_flush = rec_addr_flush,
    .addr_add = rec_addr_add,
    .route_add = rec_route_add,
    .route_flush = rec_route_flush,
    .link_add = rec_link_add,
    .link_del = rec_link_del,
    .probe = rec_probe,
};

struct netdev *
netdev_open_recorder(GString *log)
{
    struct netdev_recorder *rec = g_new0(struct netdev_recorder, 1);

    netdev_init(&rec->up, &recorder_ops);
    rec->log = log;
    rec->links = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       fake_link_free);
    rec->can_bond = true;
    rec->can_vlan = true;
    return &rec->up;
}

void
netdev_fake_add_link(struct netdev *nd, const char *name, const char *mac)
{
    rec_add(netdev_recorder_cast(nd), name, "ether", mac);
}

void
netdev_fake_set_capabilities(struct netdev *nd, bool bond, bool vlan)
{
    struct netdev_recorder *rec = netdev_recorder_cast(nd);

    rec->can_bond = bond;
    rec->can_vlan = vlan;
    nd->can_bond = -1;
    nd->can_vlan = -1;
}

/* Part 3: the front. */

static const char *
str_or_null(const char *s)
{
    return s ? s : "(null)";
}

/* True if the kernel would accept 'name' as an interface name. */
static bool
valid_ifname(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    if (!len || len >= NAME_SIZE || !strcmp(name, ".")
        || !strcmp(name, "..")) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == ':' || isspace((unsigned char) *p)) {
            return false;
        }
    }
    return true;
}

static int
check_ifname(struct netdev *nd, const char *name)
{
    if (!valid_ifname(name)) {
        netdev_set_why(nd, "invalid device name \"%s\"", str_or_null(name));
        return -EINVAL;
    }
    return 0;
}

static int
parse_ipv4(struct netdev *nd, const char *s, struct in_addr *in)
{
    if (!s || inet_pton(AF_INET, s, in) != 1) {
        netdev_set_why(nd, "invalid IPv4 address \"%s\"", str_or_null(s));
        return -EINVAL;
    }
    return 0;
}

/* Parses 'netmask', dotted and contiguous or a prefix length, into
 * '*plenp'. */
static int
parse_netmask(struct netdev *nd, const char *netmask, int *plenp)
{
    struct in_addr in;

    if (netmask && strchr(netmask, '.')) {
        if (inet_pton(AF_INET, netmask, &in) == 1) {
            uint32_t m = ntohl(in.s_addr);
            int plen = __builtin_popcount(m);

            if (m == (plen ? ~0u << (32 - plen) : 0)) {
                *plenp = plen;
                return 0;
            }
        }
    } else if (netmask && netmask[0] && strlen(netmask) <= 2
               && strspn(netmask, "0123456789") == strlen(netmask)
               && atoi(netmask) <= 32) {
        *plenp = atoi(netmask);
        return 0;
    }
    netdev_set_why(nd, "invalid netmask \"%s\"", str_or_null(netmask));
    return -EINVAL;
}

static void
ipv4_to_string(struct in_addr in, char buf[INET_ADDRSTRLEN])
{
    inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* Ends an operation: a failure 'err' becomes one message in 'diag'.
 * Returns 'err'. */
static int
netdev_finish(struct netdev *nd, const char *op, int err, struct diag *diag)
{
    if (err < 0) {
        char *msg = g_strdup_printf(
            "%s: %s%s%s%s", op, nd->why ? nd->why : g_strerror(-err),
            nd->extack ? " (kernel: " : "", nd->extack ? nd->extack : "",
            nd->extack ? ")" : "");

        LOG_DBG("%s: %s", nd->ops->type, msg);
        diag_add(diag, "%s", msg);
        g_free(msg);
    } else {
        LOG_DBG("%s: %s", nd->ops->type, op);
    }
    netdev_clear_error(nd);
    return err;
}

/* Returns the cached answer in '*cache', probing for 'kind' the first time
 * without disturbing the explanation of a failure in progress. */
static bool
netdev_capable(struct netdev *nd, int *cache, const char *kind)
{
    if (*cache < 0) {
        char *why = nd->why, *extack = nd->extack;

        nd->why = nd->extack = NULL;
        *cache = nd->ops->probe(nd, kind);
        netdev_clear_error(nd);
        nd->why = why;
        nd->extack = extack;
    }
    return *cache;
}

void
netdev_close(struct netdev *nd)
{
    if (nd) {
        netdev_clear_error(nd);
        nd->ops->destroy(nd);
    }
}

bool
netdev_exists(struct netdev *nd, const char *dev)
{
    bool exists = valid_ifname(dev) && nd->ops->exists(nd, dev);

    netdev_clear_error(nd);
    return exists;
}

int
netdev_get_mac(struct netdev *nd, const char *dev, char mac[18])
{
    char buf[18];
    int err;

    err = check_ifname(nd, dev);
    if (!err) {
        err = nd->ops->get_mac(nd, dev, buf);
    }
    netdev_clear_error(nd);
    if (!err) {
        memcpy(mac, buf, sizeof buf);
    }
    return err;
}

static int
netdev_link_change(struct netdev *nd, const char *dev,
                   const struct link_change *c, const char *op,
                   struct diag *diag)
{
    int err = check_ifname(nd, dev);

    if (!err && c->master) {
        err = check_ifname(nd, c->master);
    }
    if (!err && c->mtu < 0) {
        netdev_set_why(nd, "invalid MTU %d", c->mtu);
        err = -EINVAL;
    }
    if (!err) {
        err = nd->ops->link_change(nd, dev, c, op);
    }
    return netdev_finish(nd, op, err, diag);
}

int
netdev_set_up(struct netdev *nd, const char *dev, int mtu, struct diag *diag)
{
    struct link_change c = { .up = 1, .mtu = mtu };
    char *op = (mtu
                ? g_strdup_printf("link %s up mtu %d", str_or_null(dev), mtu)
                : g_strdup_printf("link %s up", str_or_null(dev)));
    int err = netdev_link_change(nd, dev, &c, op, diag);

    g_free(op);
    return err;
}

int
netdev_set_down(struct netdev *nd, const char *dev, struct diag *diag)
{
    struct link_change c = { .up = 0 };
    char *op = g_strdup_printf("link %s down", str_or_null(dev));
    int err = netdev_link_change(nd, dev, &c, op, diag);

    g_free(op);
    return err;
}

int
netdev_set_mtu(struct netdev *nd, const char *dev, int mtu,
               struct diag *diag)
{
    struct link_change c = { .up = -1, .mtu = mtu };
    char *op = g_strdup_printf("link %s mtu %d", str_or_null(dev), mtu);
    int err;

    if (mtu <= 0) {
        netdev_set_why(nd, "invalid MTU %d", mtu);
        err = netdev_finish(nd, op, -EINVAL, diag);
    } else {
        err = netdev_link_change(nd, dev, &c, op, diag);
    }

    g_free(op);
    return err;
}

int
netdev_enslave(struct netdev *nd, const char *dev, const char *master,
               struct diag *diag)
{
    struct link_change c = { .up = -1, .master = master };
    char *op = g_strdup_printf("link %s master %s", str_or_null(dev),
                               str_or_null(master));
    int err;

    if (!master) {
        netdev_set_why(nd, "no master given");
        err = netdev_finish(nd, op, -EINVAL, diag);
    } else {
        err = netdev_link_change(nd, dev, &c, op, diag);
    }
    g_free(op);
    return err;
}

int
netdev_release(struct netdev *nd, const char *dev, struct diag *diag)
{
    struct link_change c = { .up = -1, .nomaster = true };
    char *op = g_strdup_printf("link %s nomaster", str_or_null(dev));
    int err = netdev_link_change(nd, dev, &c, op, diag);

    g_free(op);
    return err;
}

int
netdev_addr_flush(struct netdev *nd, const char *dev, struct diag *diag)
{
    char *op = g_strdup_printf("addr flush dev %s", str_or_null(dev));
    int err = check_ifname(nd, dev);

    if (!err) {
        err = nd->ops->addr_flush(nd, dev, op);
    }
    err = netdev_finish(nd, op, err, diag);
    g_free(op);
    return err;
}

int
netdev_addr_add(struct netdev *nd, const char *dev, const char *ip,
                const char *netmask, struct diag *diag)
{
    char *op = g_strdup_printf("addr add %s/%s dev %s", str_or_null(ip),
                               str_or_null(netmask), str_or_null(dev));
    struct in_addr in;
    int plen = 0;
    int err;

    err = check_ifname(nd, dev);
    if (!err) {
        err = parse_ipv4(nd, ip, &in);
    }
    if (!err) {
        err = parse_netmask(nd, netmask, &plen);
    }
    if (!err) {
        char buf[INET_ADDRSTRLEN];

        /* Name the operation canonically: "addr add 10.0.0.1/8 dev x". */
        g_free(op);
        ipv4_to_string(in, buf);
        op = g_strdup_printf("addr add %s/%d dev %s", buf, plen, dev);
        err = nd->ops->addr_add(nd, dev, in, plen, op);
    }
    err = netdev_finish(nd, op, err, diag);
    g_free(op);
    return err;
}

/* Checks and performs 'rs', whose 'dev' and 'plen' are set; 'gw' is the
 * gateway as given.  'op' names the operation. */
static int
netdev_route(struct netdev *nd, struct route_spec *rs, const char *gw,
             const char *op, struct diag *diag)
{
    int err = check_ifname(nd, rs->dev);

    if (!err && (rs->plen < 0 || rs->plen > 32)) {
        netdev_set_why(nd, "invalid prefix length %d", rs->plen);
        err = -EINVAL;
    }
    if (!err && rs->plen < 32) {
        uint32_t mask = rs->plen ? ~0u << (32 - rs->plen) : 0;

        if (ntohl(rs->dst.s_addr) & ~mask) {
            netdev_set_why(nd, "host bits set in destination");
            err = -EINVAL;
        }
    }
    if (!err && !str_empty(gw)) {
        rs->has_gw = true;
        err = parse_ipv4(nd, gw, &rs->gw);
    }
    if (!err) {
        err = nd->ops->route_add(nd, rs, op);
    }
    return netdev_finish(nd, op, err, diag);
}

int
netdev_route_add(struct netdev *nd, const char *dst, int prefixlen,
                 const char *gw, const char *dev, struct diag *diag)
{
    struct route_spec rs = { .plen = prefixlen, .dev = dev };
    char *op = (str_empty(gw)
                ? g_strdup_printf("route add %s/%d dev %s", str_or_null(dst),
                                  prefixlen, str_or_null(dev))
                : g_strdup_printf("route add %s/%d via %s dev %s",
                                  str_or_null(dst), prefixlen, gw,
                                  str_or_null(dev)));
    int err = parse_ipv4(nd, dst, &rs.dst);

    err = err ? netdev_finish(nd, op, err, diag)
              : netdev_route(nd, &rs, gw, op, diag);
    g_free(op);
    return err;
}

int
netdev_default_route_replace(struct netdev *nd, const char *gw,
                             const char *dev, struct diag *diag)
{
    struct route_spec rs = { .plen = 0, .dev = dev, .replace = true };
    char *op = (str_empty(gw)
                ? g_strdup_printf("route replace default dev %s",
                                  str_or_null(dev))
                : g_strdup_printf("route replace default via %s dev %s", gw,
                                  str_or_null(dev)));
    int err = netdev_route(nd, &rs, gw, op, diag);

    g_free(op);
    return err;
}

int
netdev_route_flush_dev(struct netdev *nd, const char *dev, struct diag *diag)
{
    char *op = g_strdup_printf("route flush dev %s", str_or_null(dev));
    int err = check_ifname(nd, dev);

    if (!err) {
        err = nd->ops->route_flush(nd, dev, op);
    }
    err = netdev_finish(nd, op, err, diag);
    g_free(op);
    return err;
}

/* Creates the link described by 'ls' ('name' and 'parent' still to be
 * checked).  'missing' explains -EOPNOTSUPP when the kernel cannot create
 * links of this kind and 'cache' holds the answer to that question. */
static int
netdev_link_add(struct netdev *nd, const struct link_spec *ls, int *cache,
                const char *missing, const char *op, struct diag *diag)
{
    int err = check_ifname(nd, ls->name);

    if (!err && ls->parent) {
        err = check_ifname(nd, ls->parent);
    }
    if (!err) {
        err = nd->ops->link_add(nd, ls, op);
        if (err == -EOPNOTSUPP && cache
            && !netdev_capable(nd, cache, ls->kind)) {
            netdev_set_why(nd, "%s", missing);
        }
    }
    return netdev_finish(nd, op, err, diag);
}

int
netdev_bridge_add(struct netdev *nd, const char *br, struct diag *diag)
{
    struct link_spec ls = { .name = br, .kind = "bridge" };
    char *op = g_strdup_printf("bridge add %s", str_or_null(br));
    int err = netdev_link_add(nd, &ls, NULL, NULL, op, diag);

    g_free(op);
    return err;
}

int
netdev_bridge_del(struct netdev *nd, const char *br, struct diag *diag)
{
    char *op = g_strdup_printf("bridge del %s", str_or_null(br));
    int err = check_ifname(nd, br);

    if (!err) {
        err = nd->ops->link_del(nd, br, "bridge", op);
    }
    err = netdev_finish(nd, op, err, diag);
    g_free(op);
    return err;
}

int
netdev_link_del(struct netdev *nd, const char *dev, struct diag *diag)
{
    char *op = g_strdup_printf("link del %s", str_or_null(dev));
    int err = check_ifname(nd, dev);

    if (!err) {
        err = nd->ops->link_del(nd, dev, NULL, op);
    }
    err = netdev_finish(nd, op, err, diag);
    g_free(op);
    return err;
}

bool
netdev_can_bond(struct netdev *nd)
{
    return netdev_capable(nd, &nd->can_bond, "bond");
}

bool
netdev_can_vlan(struct netdev *nd)
{
    return netdev_capable(nd, &nd->can_vlan, "vlan");
}

int
netdev_vlan_add(struct netdev *nd, const char *parent, int tag,
                const char *name, struct diag *diag)
{
    struct link_spec ls = {
        .name = name, .kind = "vlan", .parent = parent, .vlan_id = tag,
    };
    char *op = g_strdup_printf("vlan add %s link %s id %d",
                               str_or_null(name), str_or_null(parent), tag);
    int err;

    if (!parent) {
        netdev_set_why(nd, "no parent device given");
        err = netdev_finish(nd, op, -EINVAL, diag);
    } else if (tag < 0 || tag > 4094) {
        netdev_set_why(nd, "invalid VLAN tag %d (must be 0 to 4094)", tag);
        err = netdev_finish(nd, op, -EINVAL, diag);
    } else {
        err = netdev_link_add(nd, &ls, &nd->can_vlan,
                              "this kernel has no 802.1Q support", op, diag);
    }
    g_free(op);
    return err;
}

/* The modes of the Linux bonding driver, by number. */
static const char *const bond_modes[] = {
    "balance-rr", "active-backup", "balance-xor", "broadcast",
    "802.3ad", "balance-tlb", "balance-alb",
};

static int
parse_bond_mode(const char *mode)
{
    for (size_t i = 0; i < ARRAY_SIZE(bond_modes); i++) {
        if (!strcmp(mode, bond_modes[i])) {
            return i;
        }
    }
    if (mode[0] >= '0' && mode[0] < '0' + (int) ARRAY_SIZE(bond_modes)
        && !mode[1]) {
        return mode[0] - '0';
    }
    return -1;
}

int
netdev_bond_add(struct netdev *nd, const char *name, const char *mode,
                struct diag *diag)
{
    struct link_spec ls = { .name = name, .kind = "bond", .bond_mode = -1 };
    char *op = (mode
                ? g_strdup_printf("bond add %s mode %s", str_or_null(name),
                                  mode)
                : g_strdup_printf("bond add %s", str_or_null(name)));
    int err;

    if (mode && (ls.bond_mode = parse_bond_mode(mode)) < 0) {
        netdev_set_why(nd, "\"%s\" is not a mode of the Linux bonding "
                       "driver", mode);
        err = netdev_finish(nd, op, -EINVAL, diag);
    } else {
        err = netdev_link_add(nd, &ls, &nd->can_bond,
                              "this kernel has no bonding support", op, diag);
    }
    g_free(op);
    return err;
}
