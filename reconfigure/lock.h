/* lock.h -- the lock that serialises runs of interface-reconfigure.
 *
 * xapi, the init scripts, the openvswitch-cfg-update plugin and people at a
 * shell can all run interface-reconfigure at once; the original took no
 * lock, so they raced on the ifcfg files and the cache.  Each run now holds
 * an flock() on ROOT/run/interface-reconfigure.lock for as long as it works
 * on the system. */
#ifndef RECONFIGURE_LOCK_H
#define RECONFIGURE_LOCK_H 1

struct diag;

/* The lock file, relative to the root prefix. */
#define IFR_LOCK_FILE "/run/interface-reconfigure.lock"

/* Takes the exclusive lock on root_prefix + IFR_LOCK_FILE ('root_prefix'
 * may be NULL or "" for none), creating the file if missing, and under a
 * non-empty root prefix also ROOT/run (but not ROOT itself).  Waits up to
 * 'timeout_s' seconds for another holder to let go (0: try once).
 *
 * Returns 0 and stores the descriptor that holds the lock in '*fdp'; the
 * caller owns it and releases the lock with ifr_unlock() (or by exiting).
 * On failure returns a negative errno value and adds a message to 'diag':
 * -ETIMEDOUT (-EWOULDBLOCK if 'timeout_s' is 0) with "another
 * interface-reconfigure holds PATH; gave up after N s" if the lock stayed
 * taken, or the error from creating or opening the file. */
int ifr_lock(const char *root_prefix, int timeout_s, int *fdp,
             struct diag *diag);

/* Releases the lock taken by ifr_lock() and closes 'fd'.  Accepts -1. */
void ifr_unlock(int fd);

#endif /* reconfigure/lock.h */
