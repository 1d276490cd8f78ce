/*
 * The YAML config loader (lib/conf*.c): the input is a config file.  One
 * that loads is exported, and the export must load again, without an error,
 * and export to the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"

static void
export(const struct herd_config *cfg, struct fuzz_out *o)
{
	fuzz_out_open(o);
	if (herd_conf_export(cfg, o->f) < 0)
		fuzz_fail("a config that loaded does not export");
	fuzz_out_close(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct herd_config cfg, again;
	struct herd_hostlist inv = { 0 };
	struct fuzz_out e1, e2;
	size_t i;

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

	export(&cfg, &e1);
	if (herd_conf_load(&again, fuzz_file(1, e1.p, e1.len), 1) < 0 || again.errors.n)
		fuzz_fail("the export does not load again: %s\n--- export:\n%s",
		    again.errors.n ? again.errors.v[0] : "(no message)", e1.p);
	export(&again, &e2);
	if (e1.len != e2.len || memcmp(e1.p, e2.p, e1.len))
		fuzz_fail("the export of the export differs:\n--- first:\n%s--- second:\n%s",
		    e1.p, e2.p);
	free(e1.p);
	free(e2.p);
	herd_conf_free(&again);
	herd_conf_free(&cfg);
	return 0;
}
