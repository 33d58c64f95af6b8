/* atomic-file.h -- replace a file so that a crash at any instant leaves
 * either the old contents or the new, whole.
 *
 * The new contents go to a temporary file in the same directory, which is
 * fsynced, renamed over the target and then the directory is fsynced so
 * that the rename itself is durable. */
#ifndef ATOMIC_FILE_H
#define ATOMIC_FILE_H 1

#include <stddef.h>
#include <sys/types.h>

/* Atomically replaces 'path' with the 'len' bytes at 'data', giving the
 * new file permissions 'mode'.  Returns 0 or a negative errno value; on
 * failure 'path' is untouched and no temporary file is left behind. */
int atomic_file_write(const char *path, const void *data, size_t len,
                      mode_t mode);

/* The pieces, for callers that manage their own temporary files: writes
 * all 'len' bytes to 'fd' (retrying short writes and EINTR), and fsyncs
 * directory 'dir' so that a rename in it is durable.  Each returns 0 or a
 * negative errno value. */
int write_fully(int fd, const void *data, size_t len);
int fsync_directory(const char *dir);

#endif /* atomic-file.h */
