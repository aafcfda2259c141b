/*
 * inventory.c - asset and identity inventories and the risk factors that read them.
 *
 * Inventories are CSV files with a header line (Splunk ES's asset and identity lookups are the
 * model, cut down to what the factors use): name (or asset, identity, pattern), priority,
 * category ("|"-separated), bunit, watchlist. Names compare case-insensitively and may be
 * globs (* and ?); an exact name wins over a pattern, and among patterns the first listed
 * wins. A user object "CORP\alice" or "alice@corp.example" also finds the identity "alice",
 * and a system "HOST.corp.local" the asset "host".
 *
 * vg__risk_normalize() names the risk object behind a user or host name, by the configuration's
 * normalize rules: users lose a domain prefix (CORP\) or suffix (@corp.local) and are
 * case-folded; systems are cut to their short name (up to the first dot; IP addresses stay
 * whole) and case-folded. Folding is ASCII only: other bytes are kept as they are.
 *
 * vg__risk_calculate() applies the factors to a base score: the product of the multipliers
 * that apply, then the sum of the additions, rounded to hundredths of a point, and writes the
 * arithmetic ("73 x 1.5 (admin user) + 5 (contractor) = 114.5") for the analyst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../sigma/sigma.h"
#include "risk.h"

/* One CSV record into fields (quoted fields with "" escapes); returns the field count. */
static size_t csv_split(char *line, char **f, size_t cap)
{
    size_t n = 0;
    char *p = line;
    while (n < cap) {
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
        }
        char sep = *p;
        *out = 0;
        /* trim spaces */
        while (*start == ' ')
            start++;
        for (char *e = start + strlen(start); e > start && (e[-1] == ' ' || e[-1] == '\r');)
            *--e = 0;
        f[n++] = start;
        if (!sep)
            break;
        p++;
    }
    return n;
}

static char *lower_dup(vg__arena *a, const char *s)
{
    return vg__arena_strlower(a, s, strlen(s));
}

/* Parse the inventory text buf (NUL-terminated; modified) into dst. */
static int parse_csv(vg_risk_config *c, char *buf, const char *path, vg__vec *dst, vg_diags *diags)
{
    int rc = 0;
    enum { C_NAME, C_PRIO, C_CAT, C_BUNIT, C_WATCH, C_N };
    int col[C_N] = {-1, -1, -1, -1, -1};
    vg__vec rows = {0};
    uint32_t lineno = 0;
    char *save = buf;
    for (char *line = buf; line && !rc; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = 0;
        lineno++;
        char *f[VG_RISK_MAX_CSV_FIELDS];
        if (!*line || *line == '#' || (*line == '\r' && !line[1]))
            continue;
        size_t nf = csv_split(line, f, VG_RISK_MAX_CSV_FIELDS);
        if (col[C_NAME] < 0) { /* the header */
            static const char *const names[C_N][4] = {{"name", "asset", "identity", "pattern"},
                                                      {"priority"},
                                                      {"category"},
                                                      {"bunit"},
                                                      {"watchlist"}};
            for (size_t i = 0; i < nf; i++)
                for (int k = 0; k < C_N; k++)
                    for (int a = 0; a < 4 && names[k][a]; a++)
                        if (strcasecmp(f[i], names[k][a]) == 0 && col[k] < 0)
                            col[k] = (int)i;
            if (col[C_NAME] < 0) {
                vg__diag_add(diags, VG_ERR_SYNTAX, VG_SEV_ERROR, path, lineno, 1, 0, NULL,
                             "the header must name a 'name' column (also: priority, category, "
                             "bunit, watchlist)");
                rc = VG_ERR_SYNTAX;
            }
            continue;
        }
        vg__risk_entry *e = vg__vec_push(&rows, sizeof *e);
        if (!e) {
            rc = VG_ERR_NOMEM;
            break;
        }
#define COL(k) (col[k] >= 0 && (size_t)col[k] < nf ? f[col[k]] : "")
        e->name = lower_dup(&c->arena, COL(C_NAME));
        e->glob = strpbrk(e->name, "*?") != NULL;
        e->priority = lower_dup(&c->arena, COL(C_PRIO));
        e->category = lower_dup(&c->arena, COL(C_CAT));
        e->bunit = vg__arena_strndup(&c->arena, COL(C_BUNIT), strlen(COL(C_BUNIT)));
        const char *w = COL(C_WATCH);
        e->watchlist =
            strcasecmp(w, "true") == 0 || strcmp(w, "1") == 0 || strcasecmp(w, "yes") == 0;
        static const char *const prios[] = {"", "low", "medium", "high", "critical"};
        int ok = 0;
        for (size_t i = 0; i < VG_ARRAY_LEN(prios); i++)
            ok |= strcmp(e->priority, prios[i]) == 0;
        if (!ok) {
            vg__diag_add(diags, VG_ERR_RANGE, VG_SEV_ERROR, path, lineno, 1, 0, NULL,
                         "priority is low, medium, high or critical, not '%s'", e->priority);
            rc = VG_ERR_RANGE;
        }
        if (!*e->name) {
            vg__diag_add(diags, VG_ERR_SYNTAX, VG_SEV_ERROR, path, lineno, 1, 0, NULL,
                         "a row without a name");
            rc = VG_ERR_SYNTAX;
        }
#undef COL
    }
    if (!rc && col[C_NAME] < 0) {
        vg__diag_add(diags, VG_ERR_SYNTAX, VG_SEV_ERROR, path, 1, 1, 0, NULL,
                     "an empty inventory: a header line is needed");
        rc = VG_ERR_SYNTAX;
    }
    for (size_t i = 0; !rc && i < rows.len; i++) {
        vg__risk_entry *slot = vg__vec_push(dst, sizeof *slot);
        if (!slot) {
            rc = VG_ERR_NOMEM;
            break;
        }
        *slot = ((vg__risk_entry *)rows.ptr)[i];
    }
    vg__vec_free(&rows);
    return rc;
}

static int load_csv(vg_risk_config *c, const char *path, vg__vec *dst, vg_diags *diags)
{
    char *buf;
    size_t len;
    int rc = vg__read_file(path, VG_SIGMA_MAX_FILE, &buf, &len);
    if (rc) {
        vg__diag_add(diags, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s",
                     vg_strerror(rc));
        return rc;
    }
    rc = parse_csv(c, buf, path, dst, diags);
    free(buf);
    return rc;
}

int vg__risk_load_csv_text(vg_risk_config *c, char *text, const char *name, int assets,
                           vg_diags *diags)
{
    return parse_csv(c, text, name, assets ? &c->assets : &c->identities, diags);
}

int vg_risk_config_load_assets(vg_risk_config *c, const char *path, vg_diags *diags)
{
    return load_csv(c, path, &c->assets, diags);
}

int vg_risk_config_load_identities(vg_risk_config *c, const char *path, vg_diags *diags)
{
    return load_csv(c, path, &c->identities, diags);
}

/* An IPv4 address (digits and dots) or an IPv6 one (has a colon): not cut at a dot. */
static int is_address(const char *s)
{
    if (strchr(s, ':'))
        return 1;
    for (; *s; s++)
        if ((*s < '0' || *s > '9') && *s != '.')
            return 0;
    return 1;
}

size_t vg__risk_normalize(const vg_risk_config *c, vg_risk_object_type t, const char *name,
                          char *buf, size_t cap)
{
    int mode = t == VG_RISK_USER ? c->norm_users : t == VG_RISK_SYSTEM ? c->norm_systems : 0;
    const char *p = name;
    size_t n = strlen(name);
    if (mode == VG__NORM_SHORT && t == VG_RISK_USER) {
        const char *bs = strrchr(p, '\\');
        if (bs && bs[1]) { /* CORP\alice */
            n -= (size_t)(bs + 1 - p);
            p = bs + 1;
        }
        const char *at = memchr(p, '@', n);
        if (at && at > p) /* alice@corp.local */
            n = (size_t)(at - p);
    } else if (mode == VG__NORM_SHORT && !is_address(p)) {
        const char *dot = strchr(p, '.');
        if (dot && dot > p) /* HOST.corp.local */
            n = (size_t)(dot - p);
    }
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = mode == VG__NORM_NONE ? p[i] : (char)vg__lower((unsigned char)p[i]);
    buf[n] = 0;
    return n;
}

static const vg__risk_entry *find_in(const vg__vec *v, const char *name, size_t n)
{
    const vg__risk_entry *e = v->ptr, *pat = NULL;
    for (size_t i = 0; i < v->len; i++) {
        if (!e[i].glob) {
            if (strlen(e[i].name) == n && strncasecmp(e[i].name, name, n) == 0)
                return &e[i];
            continue;
        }
        if (pat)
            continue;
        char lname[512];
        size_t k = n < sizeof lname ? n : sizeof lname - 1;
        for (size_t j = 0; j < k; j++)
            lname[j] = (char)vg__lower((unsigned char)name[j]);
        /* translate * and ? to the glob matcher's wildcard bytes */
        char pbuf[512];
        size_t pl = 0;
        for (const char *s = e[i].name; *s && pl < sizeof pbuf; s++)
            pbuf[pl++] = *s == '*' ? VG_GLOB_STAR : *s == '?' ? VG_GLOB_ONE : *s;
        if (vg__glob_match(pbuf, pl, lname, k, 1))
            pat = &e[i];
    }
    return pat;
}

const vg__risk_entry *vg__risk_lookup(const vg_risk_config *c, vg_risk_object_type t,
                                      const char *object)
{
    const vg__vec *v = t == VG_RISK_SYSTEM ? &c->assets : t == VG_RISK_USER ? &c->identities : NULL;
    if (!v || !v->len)
        return NULL;
    size_t n = strlen(object);
    const vg__risk_entry *e = find_in(v, object, n);
    if (e)
        return e;
    if (t == VG_RISK_SYSTEM) { /* HOST.corp.local finds host */
        const char *dot = is_address(object) ? NULL : strchr(object, '.');
        return dot && dot > object ? find_in(v, object, (size_t)(dot - object)) : NULL;
    }
    const char *bs = strrchr(object, '\\'), *at = strchr(object, '@');
    if (bs)
        return find_in(v, bs + 1, strlen(bs + 1));
    if (at)
        return find_in(v, object, (size_t)(at - object));
    return NULL;
}

static int has_category(const char *list, const char *want)
{
    size_t n = strlen(want);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, '|');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && strncasecmp(p, want, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static int factor_applies(const vg__risk_factor *f, vg_risk_object_type t, const char *object,
                          const vg__risk_entry *e)
{
    if (f->object_type >= 0 && f->object_type != (int)t)
        return 0;
    if ((f->priority || f->category || f->bunit || f->watchlist >= 0) && !e)
        return 0;
    if (f->priority && strcasecmp(f->priority, e->priority) != 0)
        return 0;
    if (f->category && !has_category(e->category, f->category))
        return 0;
    if (f->bunit && strcasecmp(f->bunit, e->bunit) != 0)
        return 0;
    if (f->watchlist >= 0 && f->watchlist != e->watchlist)
        return 0;
    if (f->pattern) {
        char pbuf[512], lname[512];
        size_t pl = 0, nl = 0;
        for (const char *s = f->pattern; *s && pl < sizeof pbuf; s++)
            pbuf[pl++] = *s == '*'   ? VG_GLOB_STAR
                         : *s == '?' ? VG_GLOB_ONE
                                     : (char)vg__lower((unsigned char)*s);
        for (const char *s = object; *s && nl < sizeof lname; s++)
            lname[nl++] = (char)vg__lower((unsigned char)*s);
        if (!vg__glob_match(pbuf, pl, lname, nl, 1))
            return 0;
    }
    return 1;
}

int64_t vg__risk_calculate(const vg_risk_config *c, vg_risk_object_type t, const char *object,
                           double base, vg__buf *b)
{
    const vg__risk_entry *e = vg__risk_lookup(c, t, object);
    const vg__risk_factor *f = c->factors.ptr;
    double v = base;
    char num[32];
    vg__risk_fmt_points(num, sizeof num, vg__risk_points(base));
    if (b)
        vg__buf_adds(b, num);
    int any = 0;
    for (int pass = 0; pass < 2; pass++) /* every multiplier first, then every addition */
        for (size_t i = 0; i < c->factors.len; i++) {
            double k = pass == 0 ? f[i].mul : f[i].add;
            if (k == (pass == 0 ? 1 : 0) || !factor_applies(&f[i], t, object, e))
                continue;
            v = pass == 0 ? v * k : v + k;
            vg__risk_fmt_points(num, sizeof num, vg__risk_points(k));
            if (b)
                vg__buf_printf(b, " %s %s (%s)", pass == 0 ? "x" : "+", num, f[i].name);
            any = 1;
        }
    int64_t pts = vg__risk_score_points(v); /* clamped to +-VG_RISK_MAX_SCORE */
    if (b && any) {
        vg__risk_fmt_points(num, sizeof num, pts);
        vg__buf_printf(b, " = %s", num);
    }
    return pts;
}
