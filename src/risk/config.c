/*
 * config.c - the risk configuration and the incident rules, read from YAML.
 *
 * A configuration starts as the built-in defaults (defaults.c, the texts of the files in
 * data/risk/) and a user file replaces the sections it names, so that a file holding only
 * `factors:` keeps the default base scores. Each section is parsed into local lists first and
 * assigned only when the whole file parsed, so a file with an error leaves the configuration as it
 * was. Every problem is a diagnostic with the file, line and column of the node at fault. The YAML
 * trees are allocated in the configuration's arena, so their strings are used in place.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "risk.h"

typedef struct pctx {
    vg_risk_config *c;
    const char *file;
    vg_diags *diags;
    int failed;
} pctx;

static void perr(pctx *p, const vg__ynode *at, int code, const char *fmt, ...) VG_PRINTF(4, 5);

static void perr(pctx *p, const vg__ynode *at, int code, const char *fmt, ...)
{
    char msg[VG_DIAG_MAX_MESSAGE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->failed) /* without a node (an empty file), the start of the file */
        vg__diag_add(p->diags, code, VG_SEV_ERROR, p->file, at ? at->line : 1, at ? at->col : 1,
                     at ? at->offset : 0, NULL, "%s", msg);
    p->failed = code;
}

const char *vg_risk_object_type_name(vg_risk_object_type t)
{
    return t == VG_RISK_SYSTEM ? "system" : t == VG_RISK_USER ? "user" : "other";
}

static int parse_object_type(const char *s)
{
    if (strcasecmp(s, "system") == 0)
        return VG_RISK_SYSTEM;
    if (strcasecmp(s, "user") == 0)
        return VG_RISK_USER;
    if (strcasecmp(s, "other") == 0)
        return VG_RISK_OTHER;
    if (strcasecmp(s, "any") == 0 || !*s)
        return -1;
    return -2;
}

/* "7d", "24h", "90m", "30s", "2w"; M = 30 days, y = 365 days, as Sigma's timespans. */
int vg__risk_parse_span(const char *s, int64_t *ms)
{
    size_t n = strlen(s);
    if (n < 2)
        return VG_ERR_SYNTAX;
    int64_t v = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > 1000000000)
            return VG_ERR_SYNTAX;
        v = v * 10 + (s[i] - '0');
    }
    static const char units[] = "smhdwMy";
    static const int64_t mult[] = {1000,      60000,      3600000,    86400000,
                                   604800000, 2592000000, 31536000000};
    const char *u = strchr(units, s[n - 1]);
    if (!u || !s[n - 1])
        return VG_ERR_SYNTAX;
    /* at most VG_RISK_MAX_SPAN_MS (in milliseconds it fits with room to add and subtract) */
    if (v > VG_RISK_MAX_SPAN_MS / mult[u - units])
        return VG_ERR_RANGE;
    *ms = v * mult[u - units];
    return 0;
}

/* A number from -VG_RISK_MAX_SCORE to VG_RISK_MAX_SCORE (scores, factors, thresholds). */
static int get_number(pctx *p, const vg__ynode *n, double *out)
{
    if (!n || n->type != VG_Y_SCALAR || !vg__yaml_is_number(n)) {
        perr(p, n, VG_ERR_TYPE, "a number is needed here");
        return -1;
    }
    double v = strtod(n->str, NULL);
    if (!(v >= -VG_RISK_MAX_SCORE && v <= VG_RISK_MAX_SCORE)) {
        perr(p, n, VG_ERR_RANGE, "a number from %d to %d is needed here", -VG_RISK_MAX_SCORE,
             VG_RISK_MAX_SCORE);
        return -1;
    }
    *out = v;
    return 0;
}

static const char *get_scalar(pctx *p, const vg__ynode *m, const char *key, int required)
{
    const vg__ynode *n = vg__yaml_get(m, key);
    if (!n || vg__yaml_is_null(n)) {
        if (required)
            perr(p, m, VG_ERR_SYNTAX, "'%s' is required here", key);
        return NULL;
    }
    if (n->type != VG_Y_SCALAR) {
        perr(p, n, VG_ERR_TYPE, "'%s' must be a single value", key);
        return NULL;
    }
    return n->str;
}

/* A list of scalars (or one scalar) into a vector of const char *. */
static void str_list(pctx *p, const vg__ynode *n, vg__vec *out)
{
    if (!n || vg__yaml_is_null(n))
        return;
    size_t count = n->type == VG_Y_SEQ ? n->n : 1;
    for (size_t i = 0; i < count; i++) {
        const vg__ynode *it = n->type == VG_Y_SEQ ? n->items[i] : n;
        if (it->type != VG_Y_SCALAR) {
            perr(p, it, VG_ERR_TYPE, "a list of names is needed here");
            return;
        }
        const char **slot = vg__vec_push(out, sizeof *slot);
        if (!slot) {
            p->failed = VG_ERR_NOMEM;
            return;
        }
        *slot = it->str;
    }
}

static void parse_base(pctx *p, const vg__ynode *m, double base[6])
{
    static const char *const names[] = {"", "informational", "low", "medium", "high", "critical"};
    if (m->type != VG_Y_MAP) {
        perr(p, m, VG_ERR_TYPE, "'base_scores' maps levels to scores");
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        size_t l = 1;
        while (l < 6 && strcmp(names[l], m->keys[i]->str) != 0)
            l++;
        if (l == 6) {
            perr(p, m->keys[i], VG_ERR_RANGE,
                 "unknown level '%s' (informational, low, medium, high, critical)",
                 m->keys[i]->str);
            return;
        }
        if (get_number(p, m->items[i], &base[l]))
            return;
    }
}

static void parse_overrides(pctx *p, const vg__ynode *s, vg__vec *out)
{
    for (size_t i = 0; s->type == VG_Y_SEQ && i < s->n && !p->failed; i++) {
        vg__risk_override *o = vg__vec_push(out, sizeof *o);
        if (!o)
            return;
        o->match = get_scalar(p, s->items[i], "match", 1);
        const vg__ynode *sc = vg__yaml_get(s->items[i], "score");
        if (!p->failed && !sc)
            perr(p, s->items[i], VG_ERR_SYNTAX, "'score' is required here");
        else if (!p->failed)
            get_number(p, sc, &o->score);
    }
    if (s->type != VG_Y_SEQ && !vg__yaml_is_null(s))
        perr(p, s, VG_ERR_TYPE, "'score_overrides' is a list of {match, score}");
}

static void parse_factor(pctx *p, const vg__ynode *m, vg__risk_factor *f)
{
    if (m->type != VG_Y_MAP) {
        perr(p, m, VG_ERR_TYPE, "a factor is a map (name, object_type, conditions, multiply/add)");
        return;
    }
    f->name = get_scalar(p, m, "name", 1);
    const char *ot = get_scalar(p, m, "object_type", 0);
    f->object_type = ot ? parse_object_type(ot) : -1;
    if (f->object_type == -2)
        perr(p, vg__yaml_get(m, "object_type"), VG_ERR_RANGE,
             "object_type is system, user, other or any, not '%s'", ot);
    f->priority = get_scalar(p, m, "priority", 0);
    f->category = get_scalar(p, m, "category", 0);
    f->bunit = get_scalar(p, m, "bunit", 0);
    f->pattern = get_scalar(p, m, "pattern", 0);
    f->watchlist = -1;
    const vg__ynode *w = vg__yaml_get(m, "watchlist");
    if (w && !vg__yaml_is_bool(w, &f->watchlist))
        perr(p, w, VG_ERR_TYPE, "watchlist is true or false");
    f->mul = 1;
    const vg__ynode *mu = vg__yaml_get(m, "multiply"), *ad = vg__yaml_get(m, "add");
    if (mu)
        get_number(p, mu, &f->mul);
    if (ad)
        get_number(p, ad, &f->add);
    if (!mu && !ad)
        perr(p, m, VG_ERR_SYNTAX, "factor '%s' has neither 'multiply' nor 'add'",
             f->name ? f->name : "?");
    static const char *const known[] = {"name",    "object_type", "priority", "category", "bunit",
                                        "pattern", "watchlist",   "multiply", "add"};
    for (size_t i = 0; i < m->n; i++) {
        size_t k = 0;
        while (k < VG_ARRAY_LEN(known) && strcmp(known[k], m->keys[i]->str) != 0)
            k++;
        if (k == VG_ARRAY_LEN(known))
            perr(p, m->keys[i], VG_ERR_SYNTAX, "unknown factor key '%s'", m->keys[i]->str);
    }
}

static void parse_objects(pctx *p, const vg__ynode *m, vg__vec *sys, vg__vec *usr, vg__vec *ign,
                          vg__vec *oth)
{
    if (m->type != VG_Y_MAP) {
        perr(p, m, VG_ERR_TYPE, "'objects' maps system, user, other and ignore_users to fields");
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const char *k = m->keys[i]->str;
        vg__vec *v = strcmp(k, "system") == 0         ? sys
                     : strcmp(k, "user") == 0         ? usr
                     : strcmp(k, "ignore_users") == 0 ? ign
                     : strcmp(k, "other") == 0        ? oth
                                                      : NULL;
        if (!v) {
            perr(p, m->keys[i], VG_ERR_SYNTAX,
                 "unknown key '%s' in objects (system, user, other, ignore_users)", k);
            return;
        }
        str_list(p, m->items[i], v);
    }
}

static void parse_threats(pctx *p, const vg__ynode *m, vg__vec *out)
{
    if (m->type != VG_Y_MAP) {
        perr(p, m, VG_ERR_TYPE, "'threat_objects' maps kinds to lists of fields");
        return;
    }
    for (size_t i = 0; i < m->n && !p->failed; i++) {
        vg__vec fields = {0};
        str_list(p, m->items[i], &fields);
        for (size_t k = 0; k < fields.len; k++) {
            vg__risk_threat *t = vg__vec_push(out, sizeof *t);
            if (!t)
                break;
            t->kind = m->keys[i]->str;
            t->field = ((const char **)fields.ptr)[k];
        }
        vg__vec_free(&fields);
    }
}

/* normalize: {users: strip-domain | case-fold | none, systems: short-name | case-fold | none} */
static void parse_normalize(pctx *p, const vg__ynode *m, int *users, int *systems)
{
    if (m->type != VG_Y_MAP) {
        perr(p, m, VG_ERR_TYPE, "'normalize' maps users and systems to a rule");
        return;
    }
    for (size_t i = 0; i < m->n && !p->failed; i++) {
        const char *k = m->keys[i]->str;
        const vg__ynode *v = m->items[i];
        int is_users = strcmp(k, "users") == 0;
        if (!is_users && strcmp(k, "systems") != 0) {
            perr(p, m->keys[i], VG_ERR_SYNTAX, "unknown key '%s' in normalize (users, systems)", k);
            return;
        }
        const char *strip = is_users ? "strip-domain" : "short-name";
        if (v->type != VG_Y_SCALAR) {
            perr(p, v, VG_ERR_TYPE, "'%s' is %s, case-fold or none", k, strip);
            return;
        }
        int mode = strcmp(v->str, strip) == 0         ? VG__NORM_SHORT
                   : strcmp(v->str, "case-fold") == 0 ? VG__NORM_FOLD
                   : strcmp(v->str, "none") == 0      ? VG__NORM_NONE
                                                      : -1;
        if (mode < 0)
            perr(p, v, VG_ERR_RANGE, "'%s' is %s, case-fold or none, not '%s'", k, strip, v->str);
        else
            *(is_users ? users : systems) = mode;
    }
}

/* The YAML of a file (text NULL) or of text held in memory. */
static vg__ydocs load_yaml(pctx *p, const char *path, const char *text, size_t len)
{
    vg__ydocs docs = {0};
    char *buf = NULL;
    if (!text) {
        int rc = vg__read_file(path, VG_SIGMA_MAX_FILE, &buf, &len);
        if (rc) {
            vg__diag_add(p->diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                         vg_strerror(rc));
            p->failed = VG_ERR_IO;
            return docs;
        }
        text = buf;
    }
    p->file = vg__arena_strndup(&p->c->arena, path, strlen(path));
    if (vg__yaml_load(text, len, p->file, &p->c->arena, &docs, p->diags))
        p->failed = VG_ERR_SYNTAX;
    free(buf);
    if (!p->failed && (docs.n != 1 || !docs.docs[0] || docs.docs[0]->type != VG_Y_MAP))
        perr(p, docs.n ? docs.docs[0] : NULL, VG_ERR_TYPE, "the file must hold one YAML map");
    return docs;
}

static int load_config_doc(pctx *p, const vg__ynode *doc)
{
    vg_risk_config *c = p->c;
    double base[6];
    memcpy(base, c->base, sizeof base);
    vg__vec ov = {0}, fa = {0}, sys = {0}, usr = {0}, ign = {0}, oth = {0}, th = {0};
    int cap_on = c->capping, ret = c->retention_days;
    int nu = c->norm_users, nsys = c->norm_systems;
    double cap = c->cap;
    const vg__ynode *n;
    for (size_t i = 0; i < doc->n && !p->failed; i++) {
        const char *k = doc->keys[i]->str;
        n = doc->items[i];
        if (strcmp(k, "base_scores") == 0) {
            parse_base(p, n, base);
        } else if (strcmp(k, "score_overrides") == 0) {
            parse_overrides(p, n, &ov);
        } else if (strcmp(k, "factors") == 0) {
            for (size_t f = 0; n->type == VG_Y_SEQ && f < n->n && !p->failed; f++) {
                vg__risk_factor *fp = vg__vec_push(&fa, sizeof *fp);
                if (fp)
                    parse_factor(p, n->items[f], fp);
            }
            if (n->type != VG_Y_SEQ && !vg__yaml_is_null(n))
                perr(p, n, VG_ERR_TYPE, "'factors' is a list");
        } else if (strcmp(k, "objects") == 0) {
            parse_objects(p, n, &sys, &usr, &ign, &oth);
        } else if (strcmp(k, "threat_objects") == 0) {
            parse_threats(p, n, &th);
        } else if (strcmp(k, "capping") == 0) {
            const vg__ynode *en = vg__yaml_get(n, "enabled"), *mu = vg__yaml_get(n, "multiplier");
            if (en && !vg__yaml_is_bool(en, &cap_on))
                perr(p, en, VG_ERR_TYPE, "enabled is true or false");
            if (mu && !get_number(p, mu, &cap) && (cap < 1 || cap > VG_RISK_MAX_CAP))
                perr(p, mu, VG_ERR_RANGE, "the capping multiplier is from 1 to %d",
                     VG_RISK_MAX_CAP);
        } else if (strcmp(k, "normalize") == 0) {
            parse_normalize(p, n, &nu, &nsys);
        } else if (strcmp(k, "retention_days") == 0) {
            double d = 0;
            if (!get_number(p, n, &d) && (d < 0 || d > 100000))
                perr(p, n, VG_ERR_RANGE, "retention_days is between 0 and 100000");
            ret = (int)d;
        } else {
            perr(p, doc->keys[i], VG_ERR_SYNTAX,
                 "unknown section '%s' (base_scores, score_overrides, factors, objects, "
                 "threat_objects, capping, normalize, retention_days)",
                 k);
        }
    }
    if (!p->failed) {
        memcpy(c->base, base, sizeof base);
        c->capping = cap_on;
        c->cap = cap;
        c->retention_days = ret;
        c->norm_users = nu;
        c->norm_systems = nsys;
#define SWAP_IF(key, dst, src)                                                                     \
    if (vg__yaml_get(doc, key)) {                                                                  \
        vg__vec_free(&dst);                                                                        \
        dst = src;                                                                                 \
        src = (vg__vec){0};                                                                        \
    }
        SWAP_IF("score_overrides", c->overrides, ov);
        SWAP_IF("factors", c->factors, fa);
        SWAP_IF("threat_objects", c->threats, th);
        n = vg__yaml_get(doc, "objects");
        if (n && vg__yaml_get(n, "system"))
            SWAP_IF("objects", c->system_fields, sys);
        if (n && vg__yaml_get(n, "user"))
            SWAP_IF("objects", c->user_fields, usr);
        if (n && vg__yaml_get(n, "ignore_users"))
            SWAP_IF("objects", c->ignore_users, ign);
        if (n && vg__yaml_get(n, "other"))
            SWAP_IF("objects", c->other_fields, oth);
#undef SWAP_IF
    }
    vg__vec_free(&ov);
    vg__vec_free(&fa);
    vg__vec_free(&sys);
    vg__vec_free(&usr);
    vg__vec_free(&ign);
    vg__vec_free(&oth);
    vg__vec_free(&th);
    return p->failed;
}

static void parse_when(pctx *p, const vg__ynode *rule, const vg__ynode *w, vg__risk_irule *r)
{
    static const char *const metrics[] = {"score", "tactics", "techniques", "rules", "events"};
    static const char *const ops[] = {"gt", "gte", "lt", "lte", "eq", "neq"};
    if (!w || w->type != VG_Y_MAP || !w->n) {
        perr(p, w ? w : rule, VG_ERR_SYNTAX,
             "an incident rule needs 'when' with at least one condition");
        return;
    }
    for (size_t i = 0; i < w->n && !p->failed; i++) {
        size_t m = 0;
        while (m < VG__M_COUNT && strcmp(metrics[m], w->keys[i]->str) != 0)
            m++;
        if (m == VG__M_COUNT) {
            perr(p, w->keys[i], VG_ERR_RANGE,
                 "unknown metric '%s' (score, tactics, techniques, rules, events)",
                 w->keys[i]->str);
            return;
        }
        const vg__ynode *c = w->items[i];
        if (c->type != VG_Y_MAP || !c->n) {
            perr(p, c, VG_ERR_TYPE, "a condition is a map like {gte: 3}");
            return;
        }
        for (size_t k = 0; k < c->n && !p->failed; k++) {
            size_t o = 0;
            while (o < VG_ARRAY_LEN(ops) && strcmp(ops[o], c->keys[k]->str) != 0)
                o++;
            if (o == VG_ARRAY_LEN(ops)) {
                perr(p, c->keys[k], VG_ERR_RANGE,
                     "unknown operator '%s' (gt, gte, lt, lte, eq, neq)", c->keys[k]->str);
                return;
            }
            if (r->n_conds == VG_RISK_MAX_CONDS) {
                perr(p, c->keys[k], VG_ERR_LIMIT, "at most %d conditions", VG_RISK_MAX_CONDS);
                return;
            }
            vg__risk_cond *cd = &r->conds[r->n_conds++];
            cd->metric = (int)m;
            cd->op = (int)o;
            get_number(p, c->items[k], &cd->value);
        }
    }
}

static void parse_irule(pctx *p, const vg__ynode *m, vg__risk_irule *r)
{
    if (m->type != VG_Y_MAP) {
        perr(p, m, VG_ERR_TYPE, "an incident rule is a map (id, title, window, when, severity)");
        return;
    }
    r->id = get_scalar(p, m, "id", 1);
    r->title = get_scalar(p, m, "title", 1);
    const char *w = get_scalar(p, m, "window", 1);
    int wrc = w ? vg__risk_parse_span(w, &r->window_ms) : 0;
    if (wrc == VG_ERR_RANGE)
        perr(p, vg__yaml_get(m, "window"), VG_ERR_RANGE, "'window' is longer than 1000 years");
    else if (wrc)
        perr(p, vg__yaml_get(m, "window"), VG_ERR_SYNTAX,
             "'window' is a number and a unit (s, m, h, d, w), e.g. 24h, not '%s'", w);
    const char *ot = get_scalar(p, m, "object_type", 0);
    r->object_type = ot ? parse_object_type(ot) : -1;
    if (r->object_type == -2)
        perr(p, vg__yaml_get(m, "object_type"), VG_ERR_RANGE,
             "object_type is system, user, other or any, not '%s'", ot);
    if (!p->failed)
        parse_when(p, m, vg__yaml_get(m, "when"), r);
    r->monotone = 1;
    for (size_t i = 0; i < r->n_conds; i++)
        r->monotone &= r->conds[i].op == VG__OP_GT || r->conds[i].op == VG__OP_GTE;
    const vg__ynode *sev = vg__yaml_get(m, "severity");
    static const char *const sevs[] = {"low", "medium", "high", "critical"};
    for (int i = 0; i < 4; i++)
        r->bands[i] = -1;
    if (!sev || vg__yaml_is_null(sev)) {
        r->severity = "medium";
    } else if (sev->type == VG_Y_SCALAR) {
        int k = 0;
        while (k < 4 && strcmp(sevs[k], sev->str) != 0)
            k++;
        if (k == 4)
            perr(p, sev, VG_ERR_RANGE, "severity is low, medium, high or critical, not '%s'",
                 sev->str);
        r->severity = k < 4 ? sevs[k] : NULL;
    } else if (sev->type == VG_Y_MAP) {
        for (size_t i = 0; i < sev->n && !p->failed; i++) {
            int k = 0;
            while (k < 4 && strcmp(sevs[k], sev->keys[i]->str) != 0)
                k++;
            if (k == 4)
                perr(p, sev->keys[i], VG_ERR_RANGE,
                     "severity bands are low, medium, high, critical, not '%s'", sev->keys[i]->str);
            else
                get_number(p, sev->items[i], &r->bands[k]);
        }
    } else {
        perr(p, sev, VG_ERR_TYPE, "severity is a name or a map of bands {medium: 100, ...}");
    }
}

static int load_rules_doc(pctx *p, const vg__ynode *doc)
{
    const vg__ynode *s = vg__yaml_get(doc, "incident_rules");
    if (!s || s->type != VG_Y_SEQ) {
        perr(p, s ? s : doc, VG_ERR_TYPE, "'incident_rules' must be a list of rules");
        return p->failed;
    }
    vg__vec rules = {0};
    for (size_t i = 0; i < s->n && !p->failed; i++) {
        vg__risk_irule *r = vg__vec_push(&rules, sizeof *r);
        if (!r)
            p->failed = VG_ERR_NOMEM;
        else
            parse_irule(p, s->items[i], r);
        for (size_t k = 0; r && !p->failed && k + 1 < rules.len; k++)
            if (strcmp(((vg__risk_irule *)rules.ptr)[k].id, r->id) == 0)
                perr(p, s->items[i], VG_ERR_DUP, "incident rule id '%s' is used twice", r->id);
    }
    if (!p->failed) {
        vg__vec_free(&p->c->irules);
        p->c->irules = rules;
    } else {
        vg__vec_free(&rules);
    }
    return p->failed;
}

/* Load the built-in texts by writing nothing to disk: parse from memory. */
static int load_text(vg_risk_config *c, const char *text, int rules)
{
    pctx p = {c, "<built-in>", NULL, 0};
    vg__ydocs docs = {0};
    if (vg__yaml_load(text, strlen(text), p.file, &c->arena, &docs, NULL) || docs.n != 1)
        return VG_ERR_SYNTAX;
    return rules ? load_rules_doc(&p, docs.docs[0]) : load_config_doc(&p, docs.docs[0]);
}

int vg_risk_config_new(vg_risk_config **out)
{
    vg_risk_config *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c)
        return VG_ERR_NOMEM;
    vg__arena_init(&c->arena);
    int rc = load_text(c, vg_risk_default_text(0), 0);
    if (!rc)
        rc = load_text(c, vg_risk_default_text(1), 1);
    if (rc) {
        vg_risk_config_free(c);
        return rc == VG_ERR_NOMEM ? rc : VG_ERR_SYNTAX;
    }
    *out = c;
    return 0;
}

void vg_risk_config_free(vg_risk_config *c)
{
    if (!c)
        return;
    vg__vec *vs[] = {&c->overrides,    &c->factors,       &c->assets,      &c->identities,
                     &c->irules,       &c->system_fields, &c->user_fields, &c->ignore_users,
                     &c->other_fields, &c->threats};
    for (size_t i = 0; i < VG_ARRAY_LEN(vs); i++)
        vg__vec_free(vs[i]);
    vg__arena_free(&c->arena);
    free(c);
}

int vg_risk_config_load(vg_risk_config *c, const char *path, vg_diags *diags)
{
    pctx p = {c, path, diags, 0};
    vg__ydocs docs = load_yaml(&p, path, NULL, 0);
    return p.failed ? p.failed : load_config_doc(&p, docs.docs[0]);
}

int vg_risk_config_load_rules(vg_risk_config *c, const char *path, vg_diags *diags)
{
    pctx p = {c, path, diags, 0};
    vg__ydocs docs = load_yaml(&p, path, NULL, 0);
    return p.failed ? p.failed : load_rules_doc(&p, docs.docs[0]);
}

int vg__risk_config_load_text(vg_risk_config *c, const char *text, size_t len, const char *name,
                              int rules, vg_diags *diags)
{
    pctx p = {c, name, diags, 0};
    vg__ydocs docs = load_yaml(&p, name, text, len);
    if (p.failed)
        return p.failed;
    return rules ? load_rules_doc(&p, docs.docs[0]) : load_config_doc(&p, docs.docs[0]);
}

size_t vg_risk_config_rule_count(const vg_risk_config *c)
{
    return c->irules.len;
}

int vg_risk_config_retention_days(const vg_risk_config *c)
{
    return c->retention_days;
}
