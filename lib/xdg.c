#include <stdlib.h>

#include "herd.h"

static char *
xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var), *home = getenv("HOME");

	if (v && *v == '/')
		return xasprintf("%s/herd", v);
	if (!home || !*home)
		return NULL;
	return xasprintf("%s/%s/herd", home, fallback);
}

char *
herd_default_config_path(void)
{
	char *dir = xdg_dir("XDG_CONFIG_HOME", ".config"), *path;

	if (!dir)
		return NULL;
	path = xasprintf("%s/config.yaml", dir);
	free(dir);
	return path;
}

char *
herd_data_dir(void)
{
	return xdg_dir("XDG_DATA_HOME", ".local/share");
}

char *
herd_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}
