/*
 * herd-group's views, the program itself (its main, with the fuzz build's
 * -Dmain=herd_prog_main): the first byte picks the view (grouped, --json,
 * --parse NAME with or without --json, --ping, --hosts SELECTOR), the second
 * the modifiers (--no-fold, --lines, --color always, --errors-only, the
 * parser's name); with --hosts the next line is the selector.  The rest is
 * the records herd-group reads on its standard input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const char config[] =
    "parsers:\n"
    "  custom:\n"
    "    extract:\n"
    "      - field: active\n"
    "        pattern: 'Active connections:\\s+(\\d+)'\n"
    "      - field: third\n"
    "        column: 3\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_main_init(argc, argv);
	setenv("HERD_CONFIG", fuzz_file(3, config, sizeof config - 1), 1);
	setenv("NO_COLOR", "", 1);
	unsetenv("TERM");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const parsers[] = { "disk", "free", "uptime", "custom" };
	char *argv[16], *sel = NULL;
	int argc = 0;
	unsigned view, mod;
	FILE *in, *saved = stdin;

	if (size < 2)
		return 0;
	view = data[0] % 6;
	mod = data[1];
	data += 2;
	size -= 2;
	argv[argc++] = "herd-group";
	switch (view) {
	case 1: argv[argc++] = "--json"; break;
	case 2: case 3:
		argv[argc++] = "--parse";
		argv[argc++] = (char *)parsers[mod >> 6];
		if (view == 3)
			argv[argc++] = "--json";
		break;
	case 4: argv[argc++] = "--ping"; break;
	case 5:
		fuzz_split_line(&data, &size, &sel);
		argv[argc++] = "--hosts";
		argv[argc++] = sel;
		break;
	}
	if (mod & 1)
		argv[argc++] = "--no-fold";
	if (mod & 2)
		argv[argc++] = "--lines=3";
	if (mod & 4)
		argv[argc++] = "--color=always";
	if (mod & 8)
		argv[argc++] = "--errors-only";
	argv[argc] = NULL;

	in = fuzz_open(0, data, size);
	stdin = in;
	fuzz_main(argc, argv);
	stdin = saved;
	fclose(in);
	free(sel);
	return 0;
}
