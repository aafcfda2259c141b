/*
 * declared.c - declared data inventories: what a site says its logs contain.
 *
 * When logs cannot be sampled (procurement, a new site, a SIEM that only holds parsed data),
 * the data is declared in YAML instead, per (channel, event IDs) with optionally the fields the
 * events carry, at top level or per host group:
 *
 *   sources:
 *     - channel: Microsoft-Windows-Sysmon/Operational
 *       event_ids: [1, 3, 11]
 *       fields: [Image, CommandLine, ParentImage]   # omitted: every field is present
 *   groups:
 *     domain-controllers:
 *       sources:
 *         - {channel: Security, event_ids: [4624, 4688]}
 *
 * A source without event_ids covers every event of its channel. Problems are diagnostics with
 * the file, line and column; a bad entry is skipped, the others still count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "../sigma/yaml.h"
#include "coverage.h"

#define MAX_DECLARED_FILE (16u << 20)

static int bad(vg_diags *d, const char *file, const vg__ynode *n, const char *msg)
{
    vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, file, n ? n->line : 0, n ? n->col : 0,
                 n ? n->offset : 0, NULL, "%s", msg);
    return VG_ERR_TYPE;
}

static int one_source(vg_coverage *c, const vg__ynode *s, const char *file, vg_diags *d)
{
    const vg__ynode *ch = vg__yaml_get(s, "channel"), *ids = vg__yaml_get(s, "event_ids");
    const vg__ynode *fields = vg__yaml_get(s, "fields");
    if (!ch || ch->type != VG_Y_SCALAR)
        return bad(d, file, s, "a declared source needs 'channel'");
    if (ids && ids->type == VG_Y_MAP)
        return bad(d, file, ids, "'event_ids' must be a number or a list of numbers");
    if (fields && fields->type != VG_Y_SEQ)
        return bad(d, file, fields, "'fields' must be a list of field names");
    const char *names[256];
    size_t nf = 0;
    for (size_t i = 0; fields && i < fields->n && nf < VG_ARRAY_LEN(names); i++)
        if (fields->items[i]->type == VG_Y_SCALAR)
            names[nf++] = fields->items[i]->str;
    const char *const *fl = fields ? names : NULL;
    if (!ids)
        return vg_coverage_declare(c, ch->str, "", fl, nf);
    size_t n = ids->type == VG_Y_SEQ ? ids->n : 1;
    for (size_t i = 0; i < n; i++) {
        const vg__ynode *id = ids->type == VG_Y_SEQ ? ids->items[i] : ids;
        if (id->type != VG_Y_SCALAR)
            return bad(d, file, id, "event IDs must be numbers");
        int rc = vg_coverage_declare(c, ch->str, id->str, fl, nf);
        if (rc)
            return rc;
    }
    return 0;
}

static int sources(vg_coverage *c, const vg__ynode *list, const char *file, vg_diags *d)
{
    if (!list)
        return 0;
    if (list->type != VG_Y_SEQ)
        return bad(d, file, list, "'sources' must be a list");
    for (size_t i = 0; i < list->n; i++) {
        int rc = one_source(c, list->items[i], file, d);
        if (rc == VG_ERR_NOMEM)
            return rc;
    }
    return 0;
}

int vg_coverage_load_inventory(vg_coverage *c, const char *path, const char *group, vg_diags *diags)
{
    char *buf;
    size_t len;
    int rc = vg__read_file(path, MAX_DECLARED_FILE, &buf, &len);
    if (rc) {
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                     vg_strerror(rc));
        return rc;
    }
    vg__arena a;
    vg__arena_init(&a);
    vg__ydocs docs;
    rc = vg__yaml_load(buf, len, path, &a, &docs, diags);
    const vg__ynode *root = !rc && docs.n ? docs.docs[0] : NULL;
    if (!rc && (!root || root->type != VG_Y_MAP))
        rc = bad(diags, path, root, "a declared inventory is a map with 'sources' or 'groups'");
    if (!rc && c->mode == VG_COV_DATA_ASSUMED)
        c->mode = VG_COV_DATA_DECLARED;
    if (!rc && !group)
        rc = sources(c, vg__yaml_get(root, "sources"), path, diags);
    const vg__ynode *groups = rc ? NULL : vg__yaml_get(root, "groups");
    if (groups && groups->type != VG_Y_MAP)
        rc = bad(diags, path, groups, "'groups' must map group names to {sources: [...]}");
    int found = 0;
    for (size_t i = 0; !rc && groups && i < groups->n; i++) {
        if (group && strcmp(groups->keys[i]->str, group) != 0)
            continue;
        found = 1;
        rc = sources(c, vg__yaml_get(groups->items[i], "sources"), path, diags);
    }
    if (!rc && group && !found) {
        vg__diag_add(diags, VG_ERR_NOENT, VG_SEV_ERROR, path, 0, 0, 0, NULL,
                     "no host group '%s' in the inventory", group);
        rc = VG_ERR_NOENT;
    }
    if (!rc && vg_diags_count_at(diags, VG_SEV_ERROR))
        rc = VG_ERR_TYPE;
    vg__arena_free(&a);
    free(buf);
    return rc;
}
