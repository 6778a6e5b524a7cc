/* tb_util.h - clocks, deterministic data and durable files. */
#ifndef TB_UTIL_H
#define TB_UTIL_H

#include <stddef.h>
#include <stdint.h>

uint64_t tb_now_ns(void);		/* CLOCK_MONOTONIC */
uint64_t tb_wall_ns(void);		/* CLOCK_REALTIME */

/* splitmix64-seeded xoshiro256** */
struct tb_rng { uint64_t s[4]; };
void tb_rng_seed(struct tb_rng *r, uint64_t seed);
uint64_t tb_rng_next(struct tb_rng *r);
uint64_t tb_hash_str(const char *s);	/* FNV-1a 64, for deriving seeds */

/* Write data to dir/name atomically: tmp file, fsync, rename, fsync dir.
 * 0 or -errno. */
int tb_write_file_atomic(const char *dir, const char *name,
			 const void *data, size_t n);
/* write() all n bytes, retrying on EINTR and short writes. 0 or -errno. */
int tb_write_all(int fd, const void *data, size_t n);
/* Append one line and fsync. 0 or -errno. */
int tb_append_fsync(int fd, const void *data, size_t n);
int tb_fsync_dir(const char *dir);
/* Read a whole file (NUL-terminated); *out malloc'ed. 0 or -errno. */
int tb_read_file(const char *path, char **out, size_t *len);
/* 1 when dir is on tmpfs or ramfs (its data is the page cache), 0 when
 * not, -errno when it cannot be told. */
int tb_dir_in_ram(const char *dir);
/* mkdir -p; 0 or -errno */
int tb_mkdir_p(const char *path, unsigned mode);
/* asprintf that returns NULL on failure */
char *tb_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
