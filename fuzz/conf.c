/*
 * The YAML config loader (lib/conf*.c): the input is a config file.  One
 * that loads is exported, and the export must load again, without an error,
 * and export to the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"

/* The config exported into stream SLOT. */
static const char *
export(const struct herd_config *cfg, int slot, size_t *len)
{
	if (herd_conf_export(cfg, fuzz_out(slot)) < 0)
		fuzz_fail("a config that loaded does not export");
	return fuzz_out_text(slot, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_config cfg, again;
	struct herd_hostlist inv = { 0 };
	const char *e1, *e2;
	size_t i, len1, len2;

	if (herd_conf_load(&cfg, fuzz_file(0, data, size), 1) < 0 || cfg.errors.n) {
		if (!cfg.errors.n)
			fuzz_fail("the config loader failed without saying why");
		herd_conf_free(&cfg);
		return 0;
	}
	herd_inventory(&cfg, &inv);
	for (i = 0; i < cfg.ngroups; i++)
		if (herd_conf_group(&cfg, cfg.groups[i].name) == NULL)
			fuzz_fail("group %zu is not found by its name", i);
	herd_hostlist_free(&inv);

	e1 = export(&cfg, 0, &len1);
	if (herd_conf_load(&again, fuzz_file(1, e1, len1), 1) < 0 || again.errors.n)
		fuzz_fail("the export does not load again: %s\n--- export:\n%.*s",
		    again.errors.n ? again.errors.v[0] : "(no message)", (int)len1, e1);
	e2 = export(&again, 1, &len2);
	if (len1 != len2 || memcmp(e1, e2, len1))
		fuzz_fail("the export of the export differs:\n--- first:\n%.*s--- second:\n%.*s",
		    (int)len1, e1, (int)len2, e2);
	herd_conf_free(&again);
	herd_conf_free(&cfg);
	return 0;
}
