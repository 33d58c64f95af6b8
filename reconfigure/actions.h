/* actions.h -- the actions of interface-reconfigure: up, down, rewrite and
 * force rewrite, from parsed arguments to exit status. */
#ifndef RECONFIGURE_ACTIONS_H
#define RECONFIGURE_ACTIONS_H 1

struct ifr_args;

/* Runs what 'args' asks for.  Returns the exit status: 0 success, 1
 * error (reported through the log, and on stderr too when logging to
 * syslog, so that XAPI can show it), 2 usage error found late ("No PIF
 * given"). */
int ifr_main(const struct ifr_args *);

#endif /* reconfigure/actions.h */
