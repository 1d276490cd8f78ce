/* snapshot.h — fleet snapshots: the fields of a host, parsed from its outputs. */
#ifndef HERD_SNAPSHOT_H
#define HERD_SNAPSHOT_H

#include "herd.h"

/*
 * A step's output is sections, each after a line "@@herd-snapshot NAME"
 * (herd/snapshot.c writes the commands); what a section's tool printed
 * becomes fields:
 *   os-release  os              kernel  kernel          arch    arch
 *   uptime      uptime (s)      dpkg, rpm  package NAME = version
 *   enabled, running  service NAME = enabled | running | enabled,running
 *   df          disk_used MOUNT = N%, disk_size MOUNT (KiB)
 *   meminfo, free  mem_total, mem_available, swap_total (KiB)
 *   ss, netstat  port ADDR:PORT = tcp
 * A section that is absent (no systemd, no dpkg) gives no field.
 */
#define SNAP_MARK "@@herd-snapshot "
#define SNAP_NAME_MAX 200	/* bytes of a field's name kept */
#define SNAP_VALUE_MAX 400	/* bytes of a value kept */

/* The fields of a host, each name once, in the order first set. */
struct snap_fields {
	struct herd_strv name, value;
	struct herd_map index;	/* name -> its index */
};
void snap_set(struct snap_fields *, const char *name, const char *value);
const char *snap_get(const struct snap_fields *, const char *name);
void snap_fields_free(struct snap_fields *);

/* OUT (LEN bytes, any bytes at all) parsed into F, added to what F has. */
void snap_parse(const char *out, size_t len, struct snap_fields *f);

/* Fields that change by themselves, not compared by diff and drift. */
int snap_volatile(const char *name);

#endif
