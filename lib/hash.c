#include <stdio.h>
#include <string.h>

#include <sha2.h>

#include "herd.h"

/*
 * The identity of a host's result, used to group identical results: SHA-256
 * over "herd-result-1", the status, the exit code and both streams, each
 * length-prefixed so that no two different results hash alike by framing.
 */
void
herd_result_hash(const char *status, long long exit_code, const void *out,
    size_t outlen, const void *err, size_t errlen, char hex[65])
{
	SHA2_CTX ctx;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	char head[128];
	int n;
	size_t i;

	SHA256Init(&ctx);
	/* the status as it came, of any length: only the numbers go through head */
	SHA256Update(&ctx, (const unsigned char *)"herd-result-1", sizeof "herd-result-1");
	SHA256Update(&ctx, (const unsigned char *)status, strlen(status) + 1);
	n = snprintf(head, sizeof head, "%lld%c%zu%c", exit_code, 0, outlen, 0);
	SHA256Update(&ctx, (const unsigned char *)head, (size_t)n);
	SHA256Update(&ctx, out, outlen);
	n = snprintf(head, sizeof head, "%zu%c", errlen, 0);
	SHA256Update(&ctx, (const unsigned char *)head, (size_t)n);
	SHA256Update(&ctx, err, errlen);
	SHA256Final(digest, &ctx);
	for (i = 0; i < sizeof digest; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}
