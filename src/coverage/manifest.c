/*
 * manifest.c - validation manifests: which files or folders of recorded attacks contain which
 * ATT&CK techniques or tactics (docs/coverage.md, "Validation").
 *
 * A manifest is YAML: an optional 'base' (a folder the paths are relative to, itself relative
 * to the manifest's folder) and 'entries', each with a 'path' and 'techniques' and/or
 * 'tactics' (IDs, names or tactic short names, resolved through the knowledge base; revoked
 * techniques count as their replacement). A base given by the caller wins over the file's. The
 * loader only reads and resolves; scanning is the caller's (it owns the inputs and matchers),
 * and vg_manifest_rule_detects() says whether a rule that fired counts as detecting a label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "../sigma/yaml.h"

#define MAX_MANIFEST_FILE (16u << 20)

struct vg_manifest {
    vg__arena a;
    vg__vec entries; /* vg_manifest_entry */
};

static int bad(vg_diags *d, const char *file, const vg__ynode *n, const char *msg)
{
    vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, file, n ? n->line : 0, n ? n->col : 0,
                 n ? n->offset : 0, NULL, "%s", msg);
    return VG_ERR_TYPE;
}

static const vg_attack_obj *find_label(const vg_attack *kb, const char *text, int tactic)
{
    const vg_attack_obj *o = NULL;
    uint32_t mask = 1u << (tactic ? VG_ATTACK_TACTIC : VG_ATTACK_TECHNIQUE);
    vg_attack_find(kb, text, mask, &o);
    if (!o && tactic) { /* short names: "credential-access" */
        size_t n = vg_attack_count(kb);
        for (size_t i = 0; i < n && !o; i++) {
            const vg_attack_obj *t = vg_attack_at(kb, i);
            if (t->kind == VG_ATTACK_TACTIC && (t->domains & VG_DOMAIN_ENTERPRISE) &&
                !(t->flags & (VG_ATTACK_F_REVOKED | VG_ATTACK_F_DEPRECATED)) &&
                strcmp(t->shortname, text) == 0)
                o = t;
        }
    }
    return o ? vg_attack_resolve(o) : NULL;
}

/* dir + "/" + rel, or rel when it is absolute or dir is empty. */
static char *join(vg__arena *a, const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir)
        return vg__arena_strndup(a, rel, strlen(rel));
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = vg__arena_alloc(a, n);
    if (p)
        snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

static int labels(vg_manifest *m, const vg_attack *kb, const vg__ynode *list, int tactic,
                  vg__vec *out, const char *file, vg_diags *d)
{
    if (!list)
        return 0;
    size_t n = list->type == VG_Y_SEQ ? list->n : 1;
    if (list->type == VG_Y_MAP)
        return bad(d, file, list,
                   tactic ? "'tactics' must be a name or a list of names"
                          : "'techniques' must be a name or a list of names");
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const vg__ynode *it = list->type == VG_Y_SEQ ? list->items[i] : list;
        if (it->type != VG_Y_SCALAR) {
            rc = bad(d, file, it, "a label must be an ATT&CK ID or name");
            continue;
        }
        const vg_attack_obj *o = find_label(kb, it->str, tactic);
        if (!o) {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown %s '%s'", tactic ? "tactic" : "technique", it->str);
            rc = bad(d, file, it, msg);
            continue;
        }
        const vg_attack_obj **slot = vg__vec_push(out, sizeof *slot);
        if (!slot)
            return VG_ERR_NOMEM;
        *slot = o;
    }
    (void)m;
    return rc;
}

static int entry(vg_manifest *m, const vg_attack *kb, const vg__ynode *e, const char *base,
                 const char *file, vg_diags *d)
{
    const vg__ynode *path = vg__yaml_get(e, "path");
    if (!path || path->type != VG_Y_SCALAR || !*path->str)
        return bad(d, file, e, "an entry needs 'path' (a file or folder)");
    vg__vec l = {0};
    int rc = labels(m, kb, vg__yaml_get(e, "techniques"), 0, &l, file, d);
    int rc2 = labels(m, kb, vg__yaml_get(e, "tactics"), 1, &l, file, d);
    if (!rc && !rc2 && !l.len)
        rc = bad(d, file, e, "an entry needs 'techniques' or 'tactics'");
    vg_manifest_entry *me = !rc && !rc2 ? vg__vec_push(&m->entries, sizeof *me) : NULL;
    const vg_attack_obj **copy =
        me ? vg__arena_alloc(&m->a, l.len * sizeof *copy + sizeof *copy) : NULL;
    if (me && copy) {
        memcpy(copy, l.ptr, l.len * sizeof *copy);
        me->written = vg__arena_strndup(&m->a, path->str, strlen(path->str));
        me->path = join(&m->a, base, path->str);
        me->labels = copy;
        me->n_labels = l.len;
        me->line = path->line;
        if (!me->written || !me->path)
            rc = VG_ERR_NOMEM;
    } else if (!rc && !rc2) {
        rc = VG_ERR_NOMEM;
    }
    vg__vec_free(&l);
    return rc ? rc : rc2;
}

int vg_manifest_load(const vg_attack *kb, const char *path, const char *base, vg_manifest **out,
                     vg_diags *diags)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = vg__read_file(path, MAX_MANIFEST_FILE, &buf, &len);
    if (rc) {
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                     vg_strerror(rc));
        return rc;
    }
    vg_manifest *m = calloc(1, sizeof *m);
    if (!m) {
        free(buf);
        return VG_ERR_NOMEM;
    }
    vg__arena_init(&m->a);
    vg__arena ya;
    vg__arena_init(&ya);
    vg__ydocs docs;
    rc = vg__yaml_load(buf, len, path, &ya, &docs, diags);
    const vg__ynode *root = !rc && docs.n ? docs.docs[0] : NULL;
    const vg__ynode *list = root ? vg__yaml_get(root, "entries") : NULL;
    if (!rc && (!root || root->type != VG_Y_MAP || !list || list->type != VG_Y_SEQ))
        rc = bad(diags, path, root, "a manifest is a map with 'entries' (a list)");
    /* the folder the paths are relative to */
    const char *slash = strrchr(path, '/');
    const char *dir = slash ? vg__arena_strndup(&m->a, path, (size_t)(slash - path)) : "";
    const vg__ynode *fb = root ? vg__yaml_get(root, "base") : NULL;
    const char *b = base;
    if (!b && fb && fb->type == VG_Y_SCALAR)
        b = join(&m->a, dir, fb->str);
    else if (!b)
        b = dir;
    for (size_t i = 0; !rc && i < list->n; i++) {
        int r = entry(m, kb, list->items[i], b, path, diags);
        if (r == VG_ERR_NOMEM)
            rc = r;
    }
    if (!rc && vg_diags_count_at(diags, VG_SEV_ERROR))
        rc = VG_ERR_TYPE;
    vg__arena_free(&ya);
    free(buf);
    if (rc)
        vg_manifest_free(m);
    else
        *out = m;
    return rc;
}

size_t vg_manifest_entries(const vg_manifest *m, const vg_manifest_entry **out)
{
    *out = m->entries.ptr;
    return m->entries.len;
}

void vg_manifest_free(vg_manifest *m)
{
    if (!m)
        return;
    vg__vec_free(&m->entries);
    vg__arena_free(&m->a);
    free(m);
}

int vg_manifest_rule_detects(const vg_rule *rule, const vg_attack_obj *label)
{
    if (label->kind == VG_ATTACK_TACTIC) {
        for (size_t i = 0; i < rule->n_tactics; i++)
            if (rule->tactics[i] == label)
                return 1;
        return 0;
    }
    for (size_t i = 0; i < rule->n_techniques; i++) {
        const vg_attack_obj *t = vg_attack_resolve(rule->techniques[i]);
        if (t == label || t->parent == label || label->parent == t)
            return 1;
    }
    return 0;
}
