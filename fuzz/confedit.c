/*
 * The config editor of herd discover --save (lib/conf_edit.c): the first
 * line is the group's name, the rest a config.  An edit must keep every
 * byte of the input (the output is the input with one run of bytes
 * inserted); when the input loads as a config and the group's name is
 * valid, the output must load too, with the new hosts in the group (only
 * those it does not have yet are added, as discover --save does).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"

static const char *const added[] = { "10.9.8.7", "{host: 10.9.8.6, tags: [fz, lan]}",
	"'fd00::7'" };
static const char *const names[] = { "10.9.8.7", "10.9.8.6", "fd00::7" };

/* OUT is IN with bytes inserted at one place. */
static void
check_kept(const char *in, size_t inlen, const char *out, size_t outlen)
{
	size_t pre = 0, suf = 0;

	if (outlen < inlen)
		fuzz_fail("the edit is shorter than the config");
	while (pre < inlen && in[pre] == out[pre])
		pre++;
	while (suf < inlen - pre && in[inlen - 1 - suf] == out[outlen - 1 - suf])
		suf++;
	if (pre + suf != inlen)
		fuzz_fail("the edit changed the config's bytes (kept %zu + %zu of %zu)", pre,
		    suf, inlen);
}

static int
in_group(const struct herd_group *g, const char *name)
{
	size_t i;

	for (i = 0; g && i < g->hosts.n; i++)
		if (!strcmp(g->hosts.h[i].name, name) ||
		    (g->hosts.h[i].address && !strcmp(g->hosts.h[i].address, name)))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_strv entries = { 0 };
	struct herd_buf out = { 0 };
	struct herd_config cfg, after;
	char *group, *err;
	const char *text;
	size_t i;
	int loads;

	fuzz_split_line(&data, &size, &group);
	text = size ? (const char *)data : "";
	loads = herd_valid_name(group) && herd_conf_load(&cfg, fuzz_file(0, data, size), 1) == 0 &&
	    !cfg.errors.n;
	/* as discover --save: only hosts the group does not have yet */
	for (i = 0; i < sizeof added / sizeof added[0]; i++)
		if (!loads || !in_group(herd_conf_group(&cfg, group), names[i]))
			herd_strv_add(&entries, added[i]);
	if (herd_valid_name(group))
		herd_conf_free(&cfg);
	if (!entries.n)
		goto done;
	if (herd_conf_add_hosts(text, size, group, &entries, &out, &err) < 0) {
		if (!err || !*err)
			fuzz_fail("the editor failed without saying why");
		free(err);
		goto done;
	}
	check_kept(text, size, out.p ? out.p : "", out.len);
	if (loads) {
		if (herd_conf_load(&after, fuzz_file(1, out.p, out.len), 1) != 0 ||
		    after.errors.n)
			fuzz_fail("the edited config does not load: %s\n--- before:\n%.*s--- after:\n%s",
			    after.errors.n ? after.errors.v[0] : "(no message)", (int)size, text,
			    out.p);
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!in_group(herd_conf_group(&after, group), names[i]))
				fuzz_fail("%s is not in group %s after the edit:\n%s", names[i], group,
				    out.p);
		herd_conf_free(&after);
	}
done:
	herd_buf_free(&out);
	herd_strv_free(&entries);
	free(group);
	return 0;
}
