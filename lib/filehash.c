#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <sha2.h>

#include "herd.h"

/*
 * The SHA-256 (hex) and the size of what FD holds from its offset on, read
 * to its end: 0, or -1 with errno.  herd push and pull check each copy
 * against it.
 */
int
herd_fd_sha256(int fd, char hex[65], unsigned long long *size)
{
	SHA2_CTX ctx;
	unsigned char digest[SHA256_DIGEST_LENGTH], buf[1 << 16];
	unsigned long long total = 0;
	ssize_t n;
	size_t i;

	SHA256Init(&ctx);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		SHA256Update(&ctx, buf, (size_t)n);
		total += (unsigned long long)n;
	}
	SHA256Final(digest, &ctx);
	for (i = 0; i < sizeof digest; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	if (size)
		*size = total;
	return 0;
}
