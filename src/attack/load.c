/*
 * load.c - reads STIX 2.x bundles into the knowledge base.
 *
 * The bundle is parsed once into a JSON tape (base/json.c); then each element of "objects" is
 * checked and, if its type is one vigil models, copied into a vg__aobj (strings into the KB
 * arena; descriptions and external references other than ATT&CK's own are dropped).
 * Relationships are kept as raw (type, source, target) triples and resolved by finalize.
 * An object with a missing or mistyped field is skipped with a diagnostic naming its STIX id
 * and byte offset; the rest of the bundle still loads. A document that is not a bundle fails
 * the whole load and leaves the knowledge base unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/json.h"
#include "attack.h"

typedef struct loadctx {
    vg_attack *kb;
    vg__json *j;
    const char *name;
    vg_diags *diags;
    uint32_t bundle_domain;
    const char *cur_id; /* STIX id of the object being read, for diagnostics */
    uint32_t cur_tok;
    int bad; /* the current object had an error */
} loadctx;

static const struct {
    const char *stix;
    vg_attack_kind kind;
    uint32_t flags;
} kinds[] = {
    {"x-mitre-matrix", VG_ATTACK_MATRIX, 0},
    {"x-mitre-tactic", VG_ATTACK_TACTIC, 0},
    {"attack-pattern", VG_ATTACK_TECHNIQUE, 0},
    {"intrusion-set", VG_ATTACK_GROUP, 0},
    {"malware", VG_ATTACK_SOFTWARE, 0},
    {"tool", VG_ATTACK_SOFTWARE, VG_ATTACK_F_TOOL},
    {"campaign", VG_ATTACK_CAMPAIGN, 0},
    {"course-of-action", VG_ATTACK_MITIGATION, 0},
    {"x-mitre-data-source", VG_ATTACK_DATA_SOURCE, 0},
    {"x-mitre-data-component", VG_ATTACK_DATA_COMPONENT, 0},
    {"x-mitre-detection-strategy", VG_ATTACK_DETECTION_STRATEGY, 0},
    {"x-mitre-analytic", VG_ATTACK_ANALYTIC, 0},
};

static const char *const rel_names[] = {"uses",       "mitigates",    "detects", "subtechnique-of",
                                        "revoked-by", "attributed-to"};

int vg__domain_slot(uint32_t domain)
{
    return domain == VG_DOMAIN_MOBILE ? 1 : domain == VG_DOMAIN_ICS ? 2 : 0;
}

uint32_t vg__domain_from_name(vg__str s)
{
    if (vg__str_ieq_c(s, "enterprise-attack") || vg__str_ieq_c(s, "mitre-attack") ||
        vg__str_ieq_c(s, "enterprise"))
        return VG_DOMAIN_ENTERPRISE;
    if (vg__str_ieq_c(s, "mobile-attack") || vg__str_ieq_c(s, "mitre-mobile-attack") ||
        vg__str_ieq_c(s, "mobile"))
        return VG_DOMAIN_MOBILE;
    if (vg__str_ieq_c(s, "ics-attack") || vg__str_ieq_c(s, "mitre-ics-attack") ||
        vg__str_ieq_c(s, "ics"))
        return VG_DOMAIN_ICS;
    return 0;
}

static void diag(loadctx *c, int code, vg_severity sev, uint32_t tok, const char *msg)
{
    uint32_t line, col;
    size_t off = c->j->tok[tok].off;
    if (c->j->tok[tok].type == VG_J_STR && off > 0)
        off--; /* point at the opening quote */
    vg__line_col(c->j->src, c->j->src_len, off, &line, &col);
    vg__diag_add(c->diags, code, sev, c->name, line, col, off, c->cur_id, "%s", msg);
    if (sev == VG_SEV_ERROR)
        c->bad = 1;
}

static const char *type_name(uint8_t t)
{
    static const char *const n[] = {"null", "false", "true", "number", "string", "array", "object"};
    return t < VG_ARRAY_LEN(n) ? n[t] : "?";
}

/* Member `key` of obj as a string. Missing: NULL (error if required). Wrong type: error. */
static const char *get_str(loadctx *c, uint32_t obj, const char *key, int required)
{
    uint32_t v = vg__json_get(c->j, obj, key);
    if (!v) {
        if (required) {
            char m[128];
            snprintf(m, sizeof m, "missing required field \"%s\"", key);
            diag(c, VG_ERR_TYPE, VG_SEV_ERROR, obj, m);
        }
        return NULL;
    }
    if (c->j->tok[v].type != VG_J_STR) {
        char m[128];
        snprintf(m, sizeof m, "field \"%s\" must be a string, not %s", key,
                 type_name(c->j->tok[v].type));
        diag(c, VG_ERR_TYPE, VG_SEV_ERROR, v, m);
        return NULL;
    }
    const char *s = vg__json_str(c->j, v, &c->kb->arena, NULL);
    if (!s)
        c->bad = 1;
    return s;
}

static int get_bool(loadctx *c, uint32_t obj, const char *key)
{
    uint32_t v = vg__json_get(c->j, obj, key);
    if (!v)
        return 0;
    uint8_t t = c->j->tok[v].type;
    if (t != VG_J_TRUE && t != VG_J_FALSE) {
        char m[128];
        snprintf(m, sizeof m, "field \"%s\" must be a boolean, not %s", key, type_name(t));
        diag(c, VG_ERR_TYPE, VG_SEV_ERROR, v, m);
        return 0;
    }
    return t == VG_J_TRUE;
}

/* Member `key` as an array (of want_type items); returns the array token or 0. */
static uint32_t get_arr(loadctx *c, uint32_t obj, const char *key, uint8_t want_type)
{
    uint32_t v = vg__json_get(c->j, obj, key);
    if (!v)
        return 0;
    if (c->j->tok[v].type != VG_J_ARR) {
        char m[128];
        snprintf(m, sizeof m, "field \"%s\" must be an array, not %s", key,
                 type_name(c->j->tok[v].type));
        diag(c, VG_ERR_TYPE, VG_SEV_ERROR, v, m);
        return 0;
    }
    for (uint32_t e = v + 1; e < c->j->tok[v].next; e = c->j->tok[e].next) {
        if (c->j->tok[e].type != want_type) {
            char m[128];
            snprintf(m, sizeof m, "items of \"%s\" must be %ss, not %s", key, type_name(want_type),
                     type_name(c->j->tok[e].type));
            diag(c, VG_ERR_TYPE, VG_SEV_ERROR, e, m);
            return 0;
        }
    }
    return v;
}

static const char **get_str_list(loadctx *c, uint32_t obj, const char *key, size_t *n)
{
    *n = 0;
    uint32_t a = get_arr(c, obj, key, VG_J_STR);
    if (!a || c->j->tok[a].len == 0)
        return NULL;
    const char **out = vg__arena_alloc(&c->kb->arena, c->j->tok[a].len * sizeof *out);
    if (!out) {
        c->bad = 1;
        return NULL;
    }
    for (uint32_t e = a + 1; e < c->j->tok[a].next; e = c->j->tok[e].next) {
        out[*n] = vg__json_str(c->j, e, &c->kb->arena, NULL);
        if (!out[*n]) {
            c->bad = 1;
            return NULL;
        }
        (*n)++;
    }
    return out;
}

static int intern_platform(vg_attack *kb, const char *p)
{
    for (unsigned i = 0; i < kb->n_platforms; i++)
        if (vg__str_ieq_c(vg__str_c(kb->platforms[i]), p))
            return (int)i;
    if (kb->n_platforms >= VG_ATTACK_MAX_PLATFORMS)
        return -1;
    kb->platforms[kb->n_platforms] = p;
    return (int)kb->n_platforms++;
}

static void read_external_id(loadctx *c, uint32_t obj, vg__aobj *o)
{
    o->pub.attack_id = "";
    o->pub.url = "";
    uint32_t a = get_arr(c, obj, "external_references", VG_J_OBJ);
    if (!a)
        return;
    for (uint32_t e = a + 1; e < c->j->tok[a].next; e = c->j->tok[e].next) {
        uint32_t sn = vg__json_get(c->j, e, "source_name");
        if (!sn || c->j->tok[sn].type != VG_J_STR || !vg__domain_from_name(vg__json_raw(c->j, sn)))
            continue;
        const char *id = get_str(c, e, "external_id", 0);
        const char *url = get_str(c, e, "url", 0);
        if (id)
            o->pub.attack_id = id;
        if (url)
            o->pub.url = url;
        return;
    }
}

static void read_phases(loadctx *c, uint32_t obj, vg__aobj *o)
{
    uint32_t a = get_arr(c, obj, "kill_chain_phases", VG_J_OBJ);
    if (!a || !c->j->tok[a].len)
        return;
    o->phases = vg__arena_alloc(&c->kb->arena, c->j->tok[a].len * sizeof *o->phases);
    if (!o->phases) {
        c->bad = 1;
        return;
    }
    for (uint32_t e = a + 1; e < c->j->tok[a].next; e = c->j->tok[e].next) {
        const char *kc = get_str(c, e, "kill_chain_name", 1);
        const char *ph = get_str(c, e, "phase_name", 1);
        if (!kc || !ph)
            return;
        uint32_t d = vg__domain_from_name(vg__str_c(kc));
        if (!d)
            continue; /* another kill chain: not ATT&CK's */
        o->phases[o->n_phases++] = (vg__phase){ph, d};
    }
}

static void read_logsrc(loadctx *c, uint32_t obj, vg__aobj *o, const char *key)
{
    uint32_t a = get_arr(c, obj, key, VG_J_OBJ);
    if (!a || !c->j->tok[a].len)
        return;
    o->rawsrc = vg__arena_alloc(&c->kb->arena, c->j->tok[a].len * sizeof *o->rawsrc);
    if (!o->rawsrc) {
        c->bad = 1;
        return;
    }
    for (uint32_t e = a + 1; e < c->j->tok[a].next; e = c->j->tok[e].next) {
        vg__rawsrc *r = &o->rawsrc[o->n_rawsrc];
        r->component_ref = get_str(c, e, "x_mitre_data_component_ref", 0);
        r->name = get_str(c, e, "name", 1);
        r->channel = get_str(c, e, "channel", 0);
        if (!r->name)
            return;
        if (!r->channel)
            r->channel = "";
        o->n_rawsrc++;
    }
}

static void note_modified(vg_attack *kb, const char *m)
{
    if (m && strlen(m) < sizeof kb->newest && strcmp(m, kb->newest) > 0)
        strcpy(kb->newest, m);
}

static void read_object(loadctx *c, uint32_t obj, vg__aobj *o, vg_attack_kind kind, uint32_t fl)
{
    vg_attack_kind k = kind;
    o->pub.kind = k;
    o->pub.flags = fl;
    o->pub.name = get_str(c, obj, "name", 1);
    read_external_id(c, obj, o);
    if (get_bool(c, obj, "revoked"))
        o->pub.flags |= VG_ATTACK_F_REVOKED;
    if (get_bool(c, obj, "x_mitre_deprecated"))
        o->pub.flags |= VG_ATTACK_F_DEPRECATED;
    if (get_bool(c, obj, "x_mitre_is_subtechnique"))
        o->pub.flags |= VG_ATTACK_F_SUBTECHNIQUE;
    const char *v = get_str(c, obj, "x_mitre_version", 0);
    o->pub.version = v ? v : "";
    v = get_str(c, obj, "modified", 0);
    o->pub.modified = v ? v : "";
    note_modified(c->kb, v);
    v = get_str(c, obj, "x_mitre_shortname", k == VG_ATTACK_TACTIC);
    o->pub.shortname = v ? v : "";

    size_t n;
    const char **doms = get_str_list(c, obj, "x_mitre_domains", &n);
    for (size_t i = 0; i < n; i++)
        o->pub.domains |= vg__domain_from_name(vg__str_c(doms[i]));
    if (!o->pub.domains)
        o->pub.domains = c->bundle_domain;
    const char **plats = get_str_list(c, obj, "x_mitre_platforms", &n);
    for (size_t i = 0; i < n; i++) {
        int bit = intern_platform(c->kb, plats[i]);
        if (bit >= 0)
            o->pub.platforms |= 1ull << bit;
    }
    read_phases(c, obj, o);
    o->aliases = get_str_list(c, obj, k == VG_ATTACK_SOFTWARE ? "x_mitre_aliases" : "aliases",
                              &o->n_aliases);
    if (k == VG_ATTACK_MATRIX)
        o->refs = get_str_list(c, obj, "tactic_refs", &o->n_refs);
    if (k == VG_ATTACK_DETECTION_STRATEGY)
        o->refs = get_str_list(c, obj, "x_mitre_analytic_refs", &o->n_refs);
    if (k == VG_ATTACK_DATA_COMPONENT) {
        o->data_source_ref = get_str(c, obj, "x_mitre_data_source_ref", 0);
        read_logsrc(c, obj, o, "x_mitre_log_sources");
    }
    if (k == VG_ATTACK_ANALYTIC)
        read_logsrc(c, obj, o, "x_mitre_log_source_references");
}

/* An object already loaded from another bundle (groups appear in several domains): merge. */
static void merge_object(vg__aobj *into, const vg__aobj *o)
{
    into->pub.domains |= o->pub.domains;
    into->pub.platforms |= o->pub.platforms;
}

static void read_relationship(loadctx *c, uint32_t obj, const char *id)
{
    const char *rt = get_str(c, obj, "relationship_type", 1);
    const char *src = get_str(c, obj, "source_ref", 1);
    const char *dst = get_str(c, obj, "target_ref", 1);
    if (c->bad)
        return;
    size_t it = 0;
    uint32_t dummy;
    if (vg__smap_next(&c->kb->rel_ids, id, strlen(id), &it, &dummy))
        return; /* same relationship in two bundles */
    for (size_t i = 0; i < VG_ARRAY_LEN(rel_names); i++) {
        if (strcmp(rt, rel_names[i]) != 0)
            continue;
        vg__rawrel *r = vg__vec_push(&c->kb->rels, sizeof *r);
        if (!r || vg__smap_add(&c->kb->rel_ids, id, strlen(id), 0)) {
            c->bad = 1;
            return;
        }
        *r = (vg__rawrel){(vg_attack_rel)i, src, dst, id};
        return;
    }
    /* other relationship types carry nothing vigil uses */
}

static int type_slot(vg__str t)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(kinds); i++)
        if (vg__str_eq(t, vg__str_c(kinds[i].stix)))
            return (int)i;
    return -1;
}

static int read_one(loadctx *c, uint32_t obj, size_t index)
{
    c->cur_id = NULL;
    c->bad = 0;
    if (c->j->tok[obj].type != VG_J_OBJ) {
        char m[96];
        snprintf(m, sizeof m, "objects[%zu] must be an object, not %s", index,
                 type_name(c->j->tok[obj].type));
        diag(c, VG_ERR_TYPE, VG_SEV_ERROR, obj, m);
        return 0;
    }
    const char *id = get_str(c, obj, "id", 1);
    if (id && !*id) { /* no identity: could never be referenced or looked up */
        diag(c, VG_ERR_TYPE, VG_SEV_ERROR, vg__json_get(c->j, obj, "id"),
             "field \"id\" must not be empty");
        id = NULL;
    }
    c->cur_id = id;
    uint32_t tt = vg__json_get(c->j, obj, "type");
    if (!tt || c->j->tok[tt].type != VG_J_STR) {
        char m[96] = "missing required field \"type\"";
        if (tt)
            snprintf(m, sizeof m, "field \"type\" must be a string, not %s",
                     type_name(c->j->tok[tt].type));
        diag(c, VG_ERR_TYPE, VG_SEV_ERROR, tt ? tt : obj, m);
        return 0;
    }
    if (!id)
        return 0;
    vg__str type = vg__json_raw(c->j, tt);
    if (vg__str_eq(type, VG_STR("relationship"))) {
        read_relationship(c, obj, id);
        return 0;
    }
    int slot = type_slot(type);
    if (slot < 0)
        return 0; /* identity, marking-definition, x-mitre-asset, ...: not modelled */
    if (c->kb->objs.len >= VG_ATTACK_MAX_OBJECTS) {
        diag(c, VG_ERR_LIMIT, VG_SEV_ERROR, obj, "too many objects");
        return VG_ERR_LIMIT;
    }
    vg__aobj *o = vg__arena_alloc(&c->kb->arena, sizeof *o);
    if (!o)
        return VG_ERR_NOMEM;
    o->pub.stix_id = id;
    read_object(c, obj, o, kinds[slot].kind, kinds[slot].flags);
    if (c->bad)
        return 0; /* skipped; the diagnostic says why */
    size_t it = 0;
    uint32_t prev;
    if (vg__smap_next(&c->kb->by_stix, id, strlen(id), &it, &prev)) {
        merge_object(vg__aobj_at(c->kb, prev), o);
        return 0;
    }
    vg__aobj **slotp = vg__vec_push(&c->kb->objs, sizeof *slotp);
    if (!slotp)
        return VG_ERR_NOMEM;
    *slotp = o;
    return vg__smap_add(&c->kb->by_stix, id, strlen(id), (uint32_t)(c->kb->objs.len - 1));
}

/* The domain a bundle describes: its matrix's external id, or enterprise. */
static uint32_t bundle_domain(vg__json *j, uint32_t objects)
{
    for (uint32_t e = objects + 1; e < j->tok[objects].next; e = j->tok[e].next) {
        uint32_t t = vg__json_get(j, e, "type");
        if (!t || j->tok[t].type != VG_J_STR ||
            !vg__str_eq(vg__json_raw(j, t), VG_STR("x-mitre-matrix")))
            continue;
        uint32_t refs = vg__json_get(j, e, "external_references");
        if (!refs || j->tok[refs].type != VG_J_ARR)
            continue;
        for (uint32_t r = refs + 1; r < j->tok[refs].next; r = j->tok[r].next) {
            uint32_t x = vg__json_get(j, r, "external_id");
            if (x && j->tok[x].type == VG_J_STR) {
                uint32_t d = vg__domain_from_name(vg__json_raw(j, x));
                if (d)
                    return d;
            }
        }
    }
    return VG_DOMAIN_ENTERPRISE;
}

int vg_attack_load_buffer(vg_attack *kb, const char *buf, size_t len, const char *name,
                          vg_diags *diags)
{
    if (!kb || (!buf && len))
        return VG_ERR_INVAL;
    vg__json j;
    vg__json_init(&j);
    int rc = vg__json_parse(&j, buf ? buf : "", len);
    if (rc) {
        uint32_t line, col;
        vg__line_col(buf, len, j.err_off, &line, &col);
        const char *hint = "";
        if (rc == VG_ERR_SYNTAX && j.err_off >= len)
            hint = len ? " (is the file truncated?)" : " (the file is empty)";
        vg__diag_add(diags, rc, VG_SEV_ERROR, name, line, col, j.err_off, NULL, "%s%s",
                     rc == VG_ERR_SYNTAX ? j.err : vg_strerror(rc), hint);
        goto done;
    }
    loadctx c = {kb, &j, name, diags, 0, NULL, 0, 0};
    uint32_t type = vg__json_get(&j, 0, "type");
    uint32_t objects = vg__json_get(&j, 0, "objects");
    if (j.tok[0].type != VG_J_OBJ || !type || j.tok[type].type != VG_J_STR ||
        !vg__str_eq(vg__json_raw(&j, type), VG_STR("bundle"))) {
        char m[160];
        if (j.tok[0].type != VG_J_OBJ)
            snprintf(m, sizeof m, "not a STIX bundle: expected an object, found %s",
                     type_name(j.tok[0].type));
        else if (!type)
            snprintf(m, sizeof m, "not a STIX bundle: the object has no \"type\" field");
        else if (j.tok[type].type != VG_J_STR)
            snprintf(m, sizeof m, "not a STIX bundle: \"type\" must be \"bundle\", not %s",
                     type_name(j.tok[type].type));
        else
            snprintf(m, sizeof m, "not a STIX bundle: \"type\" is \"%.*s\", expected \"bundle\"",
                     (int)(j.tok[type].len < 40 ? j.tok[type].len : 40), j.src + j.tok[type].off);
        diag(&c, VG_ERR_TYPE, VG_SEV_ERROR, type ? type : 0, m);
        rc = VG_ERR_TYPE;
        goto done;
    }
    if (!objects || j.tok[objects].type != VG_J_ARR) {
        char m[96] = "not a STIX bundle: no \"objects\" field";
        if (objects)
            snprintf(m, sizeof m, "not a STIX bundle: \"objects\" must be an array, not %s",
                     type_name(j.tok[objects].type));
        diag(&c, VG_ERR_TYPE, VG_SEV_ERROR, objects ? objects : 0, m);
        rc = VG_ERR_TYPE;
        goto done;
    }
    c.bundle_domain = bundle_domain(&j, objects);
    size_t index = 0;
    for (uint32_t e = objects + 1; e < j.tok[objects].next; e = j.tok[e].next, index++) {
        rc = read_one(&c, e, index);
        if (rc)
            goto done;
    }
    kb->bundles++;
    kb->finalized = 0;
done:
    vg__json_free(&j);
    return rc;
}

int vg_attack_load_file(vg_attack *kb, const char *path, vg_diags *diags)
{
    /* mapped, not read: a 45 MB bundle then costs no copy and no fresh memory */
    vg__filemap m;
    int rc = vg__file_map(path, VG_ATTACK_MAX_FILE, &m);
    if (rc) {
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                     vg_strerror(rc));
        return rc;
    }
    rc = vg_attack_load_buffer(kb, m.ptr, m.len, path, diags);
    vg__file_unmap(&m);
    return rc;
}
