/*
 * inventory.h - filling a data inventory from counts kept elsewhere.
 *
 * vg_inventory_add() counts events as they are read; a scan stored with `vigil scan --db`
 * keeps only the counts (src/store/store.c, tables inventory and inventory_fields). These add
 * such counts back, so coverage can take a stored inventory as observed data.
 */
#ifndef VG_INVENTORY_H
#define VG_INVENTORY_H

#include "../base/base.h"

/* events of (channel, event_id) seen on host, with their time range (ISO text, "" if none). */
int vg__inventory_add_host(vg_inventory *inv, const char *channel, const char *event_id,
                           const char *host, uint64_t events, const char *first, const char *last);
/* events of (channel, event_id) that carried field with a value. */
int vg__inventory_add_field(vg_inventory *inv, const char *channel, const char *event_id,
                            const char *field, uint64_t events);

#endif
