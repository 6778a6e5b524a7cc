/* build_fs.h - directory trees for the build workload: copy one, count the
 * files of one with a given suffix, remove one, unpack one from a tar
 * archive (build_tar.c).  No symbolic links are
 * followed.  All return 0 or -errno; *where (malloc'ed, may be NULL) then
 * names the path that failed.
 */
#ifndef BUILD_FS_H
#define BUILD_FS_H

/* Copy the directory src to dst (created; it must not exist): regular
 * files and directories only, with their permission bits. */
int bfs_copy_tree(const char *src, const char *dst, char **where);
/* Number of regular files under dir whose name ends in suffix. */
int bfs_count(const char *dir, const char *suffix, long *n, char **where);
/* rm -rf path; a missing path is fine. */
int bfs_remove_tree(const char *path, char **where);
/* Unpack the ustar archive read from fd into the directory dir: regular
 * files and directories only, no absolute or ".." names (-EINVAL). */
int bfs_untar(int fd, const char *dir, char **where);

#endif
