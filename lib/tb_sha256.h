/* tb_sha256.h - SHA-256 (FIPS 180-4). */
#ifndef TB_SHA256_H
#define TB_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct tb_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
};

void tb_sha256_init(struct tb_sha256 *s);
void tb_sha256_update(struct tb_sha256 *s, const void *data, size_t n);
void tb_sha256_final(struct tb_sha256 *s, unsigned char out[32]);
/* Lowercase hex of a buffer / of a file's content (0 or -errno). */
void tb_sha256_hex(const void *data, size_t n, char hex[65]);
int tb_sha256_file(const char *path, char hex[65]);

#endif
