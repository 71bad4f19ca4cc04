/* SPDX-License-Identifier: GPL-2.0-only */
/* The sha256 of a file, read in chunks through nettle's sha256. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include <ktstr/common.h>

#include "core/sha256_file.h"

int kt_sha256_file(const char *path, char hex[KT_SHA256_HEX_LEN])
{
	uint8_t buf[1 << 16], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return kt_err(errno, "sha256 of %s: %s", path, strerror(errno));
	sha256_init(&ctx);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&ctx, (size_t)n, buf);
	if (n < 0) {
		int err = errno;

		close(fd);
		return kt_err(err, "sha256 of %s: read: %s", path,
			      strerror(err));
	}
	close(fd);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}
