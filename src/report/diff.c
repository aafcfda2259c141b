/*
 * diff.c - what a rule change or a new log source gains and loses: two coverage JSON files
 * (vg_report_json, A before and B after) compared.
 *
 * Found, in this order: the overall figures (techniques with an active rule, with any rule,
 * validated), each tactic whose figures moved, each technique whose rule counts per status
 * changed (a technique that gains its first active rule is a gain, one that loses its last is a
 * loss; techniques absent from a file count as having no rules), and each rule whose status
 * changed, appeared or disappeared. Unchanged things are not listed. The changes are collected
 * first, then written as text or as JSON ("vigil_coverage_diff": 1, schema in
 * docs/coverage.md), so both always say the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "../base/json.h"
#include "report.h"

#define MAX_COVERAGE_JSON (256u << 20)

typedef struct side {
    char *text;
    size_t len;
    vg__json j;
    uint32_t techs, rules, tactics, summary;
} side;

static int load(side *s, const char *path, vg_diags *d)
{
    int rc = vg__read_file(path, MAX_COVERAGE_JSON, &s->text, &s->len);
    if (rc) {
        vg__diag_add(d, rc, VG_SEV_ERROR, path, 0, 0, 0, NULL, "cannot read: %s", vg_strerror(rc));
        return rc;
    }
    vg__json_init(&s->j);
    rc = vg__json_parse(&s->j, s->text, s->len);
    if (rc) {
        uint32_t line, col;
        vg__line_col(s->text, s->len, s->j.err_off, &line, &col);
        vg__diag_add(d, rc, VG_SEV_ERROR, path, line, col, s->j.err_off, NULL, "%s", s->j.err);
        return rc;
    }
    s->techs = vg__json_get(&s->j, 0, "techniques");
    s->rules = vg__json_get(&s->j, 0, "rules");
    s->tactics = vg__json_get(&s->j, 0, "tactics");
    s->summary = vg__json_get(&s->j, 0, "summary");
    if (!vg__json_get(&s->j, 0, "vigil_coverage") || !s->techs || !s->rules || !s->tactics) {
        vg__diag_add(d, VG_ERR_TYPE, VG_SEV_ERROR, path, 1, 1, 0, NULL,
                     "not a coverage file of `vigil coverage --format json`");
        return VG_ERR_TYPE;
    }
    return 0;
}

static long num(const side *s, uint32_t obj, const char *key)
{
    uint32_t t = obj ? vg__json_get(&s->j, obj, key) : 0;
    return t && s->j.tok[t].type == VG_J_NUM ? strtol(s->j.src + s->j.tok[t].off, NULL, 10) : 0;
}

static double fnum(const side *s, uint32_t obj, const char *key)
{
    uint32_t t = obj ? vg__json_get(&s->j, obj, key) : 0;
    return t && s->j.tok[t].type == VG_J_NUM ? strtod(s->j.src + s->j.tok[t].off, NULL) : 0;
}

static void str(const side *s, uint32_t obj, const char *key, char *buf, size_t cap)
{
    uint32_t t = obj ? vg__json_get(&s->j, obj, key) : 0;
    buf[0] = 0;
    if (t && s->j.tok[t].type == VG_J_STR && vg__json_unescape(&s->j, t, buf, cap - 1) < 0)
        buf[0] = 0;
}

/* The element of array arr whose "id" (or "name" when key says so) equals id, or 0. */
static uint32_t find(const side *s, uint32_t arr, const char *key, const char *id)
{
    uint32_t n = s->j.tok[arr].len, t = vg__json_first(&s->j, arr);
    char buf[256];
    for (uint32_t i = 0; i < n; i++, t = vg__json_after(&s->j, t)) {
        str(s, t, key, buf, sizeof buf);
        if (strcmp(buf, id) == 0)
            return t;
    }
    return 0;
}

static const char *const counts[] = {"rules", "active", "available", "needs_data", "validated"};
#define N_COUNTS 5

/* ---- the changes ---- */

typedef struct tactic_chg {
    char id[64], name[128];
    long active[2], covered[2]; /* A, B */
    double pct[2];
} tactic_chg;

typedef struct tech_chg {
    char id[64], name[256];
    long n[2][N_COUNTS]; /* A, B; by counts[] */
    char mark;           /* '+' gained its first active rule, '-' lost its last, '~' other */
} tech_chg;

typedef struct rule_chg {
    char id[128], title[256], status[2][32]; /* "" where the rule is absent */
    char mark;                               /* '+' added, '-' removed, '~' status changed */
} rule_chg;

typedef struct diff {
    const char *path[2];
    long overall[3][2]; /* by overall_keys[]; A, B */
    vg__vec tactics, techs, rules;
    size_t gains, losses;
} diff;

static const char *const overall_keys[] = {"active", "covered", "validated"};

static int tactics(diff *d, const side *a, const side *z)
{
    uint32_t n = z->j.tok[z->tactics].len, t = vg__json_first(&z->j, z->tactics);
    for (uint32_t i = 0; i < n; i++, t = vg__json_after(&z->j, t)) {
        tactic_chg c = {0};
        str(z, t, "id", c.id, sizeof c.id);
        str(z, t, "name", c.name, sizeof c.name);
        uint32_t o = find(a, a->tactics, "id", c.id);
        c.active[0] = num(a, o, "active");
        c.active[1] = num(z, t, "active");
        c.covered[0] = num(a, o, "covered");
        c.covered[1] = num(z, t, "covered");
        c.pct[0] = fnum(a, o, "pct_active");
        c.pct[1] = fnum(z, t, "pct_active");
        if (c.active[0] == c.active[1] && c.covered[0] == c.covered[1])
            continue;
        tactic_chg *slot = vg__vec_push(&d->tactics, sizeof *slot);
        if (!slot)
            return VG_ERR_NOMEM;
        *slot = c;
    }
    return 0;
}

static int techniques(diff *d, const side *a, const side *z)
{
    for (int pass = 0; pass < 2; pass++) {
        const side *s = pass ? a : z, *other = pass ? z : a;
        uint32_t n = s->j.tok[s->techs].len, t = vg__json_first(&s->j, s->techs);
        for (uint32_t i = 0; i < n; i++, t = vg__json_after(&s->j, t)) {
            tech_chg c = {0};
            str(s, t, "id", c.id, sizeof c.id);
            str(s, t, "name", c.name, sizeof c.name);
            uint32_t o = find(other, other->techs, "id", c.id);
            if (pass && o) /* seen in the first pass */
                continue;
            const side *before = pass ? s : other, *after = pass ? other : s;
            uint32_t tb = pass ? t : o, ta = pass ? o : t;
            int changed = 0;
            for (size_t k = 0; k < N_COUNTS; k++) {
                c.n[0][k] = num(before, tb, counts[k]);
                c.n[1][k] = num(after, ta, counts[k]);
                changed |= c.n[0][k] != c.n[1][k];
            }
            if (!changed)
                continue;
            long xa = c.n[0][1], ya = c.n[1][1];
            c.mark = !xa && ya ? '+' : xa && !ya ? '-' : '~';
            d->gains += c.mark == '+';
            d->losses += c.mark == '-';
            tech_chg *slot = vg__vec_push(&d->techs, sizeof *slot);
            if (!slot)
                return VG_ERR_NOMEM;
            *slot = c;
        }
    }
    return 0;
}

static int rules(diff *d, const side *a, const side *z)
{
    for (int pass = 0; pass < 2; pass++) {
        const side *s = pass ? a : z, *other = pass ? z : a;
        uint32_t n = s->j.tok[s->rules].len, t = vg__json_first(&s->j, s->rules);
        for (uint32_t i = 0; i < n; i++, t = vg__json_after(&s->j, t)) {
            rule_chg c = {0};
            str(s, t, "id", c.id, sizeof c.id);
            str(s, t, "title", c.title, sizeof c.title);
            uint32_t o = find(other, other->rules, "id", c.id);
            str(s, t, "status", c.status[!pass], sizeof c.status[0]);
            str(other, o, "status", c.status[pass], sizeof c.status[0]);
            if (o && (pass || strcmp(c.status[0], c.status[1]) == 0))
                continue;
            c.mark = !o ? (pass ? '-' : '+') : '~';
            rule_chg *slot = vg__vec_push(&d->rules, sizeof *slot);
            if (!slot)
                return VG_ERR_NOMEM;
            *slot = c;
        }
    }
    return 0;
}

static int compare(diff *d, const side *a, const side *z)
{
    uint32_t oa = vg__json_get(&a->j, a->summary, "overall");
    uint32_t oz = vg__json_get(&z->j, z->summary, "overall");
    for (size_t i = 0; i < VG_ARRAY_LEN(overall_keys); i++) {
        d->overall[i][0] = num(a, oa, overall_keys[i]);
        d->overall[i][1] = num(z, oz, overall_keys[i]);
    }
    int rc = tactics(d, a, z);
    if (!rc)
        rc = techniques(d, a, z);
    return rc ? rc : rules(d, a, z);
}

/* ---- text ---- */

static void text(vg__buf *b, const diff *d)
{
    static const char *const labels[] = {"techniques with an active rule",
                                         "techniques with any rule", "validated techniques"};
    vg__buf_printf(b, "coverage %s -> %s\n", d->path[0], d->path[1]);
    for (size_t i = 0; i < VG_ARRAY_LEN(labels); i++)
        vg__buf_printf(b, "%-31s %ld -> %ld (%+ld)\n", labels[i], d->overall[i][0],
                       d->overall[i][1], d->overall[i][1] - d->overall[i][0]);
    vg__buf_adds(b, "\ntactics:\n");
    const tactic_chg *tc = d->tactics.ptr;
    for (size_t i = 0; i < d->tactics.len; i++)
        vg__buf_printf(b, "  %-22s active %ld -> %ld (%.1f%% -> %.1f%%), with rules %ld -> %ld\n",
                       tc[i].name, tc[i].active[0], tc[i].active[1], tc[i].pct[0], tc[i].pct[1],
                       tc[i].covered[0], tc[i].covered[1]);
    vg__buf_adds(b, "\ntechniques (+ first active rule, - lost its last, ~ other change):\n");
    const tech_chg *te = d->techs.ptr;
    for (size_t i = 0; i < d->techs.len; i++) {
        vg__buf_printf(b, "  %c %-10s %s: ", te[i].mark, te[i].id, te[i].name);
        const char *sep = "";
        for (size_t k = 0; k < N_COUNTS; k++)
            if (te[i].n[0][k] != te[i].n[1][k]) {
                vg__buf_printf(b, "%s%s %ld -> %ld", sep, counts[k], te[i].n[0][k], te[i].n[1][k]);
                sep = ", ";
            }
        vg__buf_addc(b, '\n');
    }
    vg__buf_adds(b, "\nrules:\n");
    const rule_chg *r = d->rules.ptr;
    for (size_t i = 0; i < d->rules.len; i++)
        if (r[i].mark == '~')
            vg__buf_printf(b, "  ~ %s (%s): %s -> %s\n", r[i].title, r[i].id, r[i].status[0],
                           r[i].status[1]);
        else
            vg__buf_printf(b, "  %c %s (%s): %s\n", r[i].mark, r[i].title, r[i].id,
                           r[i].mark == '+' ? "added" : "removed");
    vg__buf_printf(b, "\n%zu technique%s gained an active rule, %zu lost it\n", d->gains,
                   d->gains == 1 ? "" : "s", d->losses);
}

/* ---- JSON ---- */

static void pair(vg__buf *b, const char *key, long x, long y)
{
    vg__buf_printf(b, "\"%s\":{\"a\":%ld,\"b\":%ld,\"change\":%ld}", key, x, y, y - x);
}

/* The start of the i-th object of an array: {"id":ID,"KEY":TEXT,"change":"CHANGE" */
static void item(vg__buf *b, size_t i, const char *id, const char *key, const char *text,
                 const char *change)
{
    vg__buf_adds(b, i ? ",{\"id\":" : "{\"id\":");
    vg__report_str(b, id);
    vg__buf_printf(b, ",\"%s\":", key);
    vg__report_str(b, text);
    if (change)
        vg__buf_printf(b, ",\"change\":\"%s\"", change);
}

static void json(vg__buf *b, const diff *d)
{
    vg__buf_adds(b, "{\"vigil_coverage_diff\":1,\"a\":");
    vg__report_str(b, d->path[0]);
    vg__buf_adds(b, ",\"b\":");
    vg__report_str(b, d->path[1]);
    vg__buf_adds(b, ",\"overall\":{");
    for (size_t i = 0; i < VG_ARRAY_LEN(overall_keys); i++) {
        vg__buf_adds(b, i ? "," : "");
        pair(b, overall_keys[i], d->overall[i][0], d->overall[i][1]);
    }
    vg__buf_adds(b, "},\"tactics\":[");
    const tactic_chg *tc = d->tactics.ptr;
    for (size_t i = 0; i < d->tactics.len; i++) {
        item(b, i, tc[i].id, "name", tc[i].name, NULL);
        vg__buf_addc(b, ',');
        pair(b, "active", tc[i].active[0], tc[i].active[1]);
        vg__buf_addc(b, ',');
        pair(b, "covered", tc[i].covered[0], tc[i].covered[1]);
        vg__buf_printf(b, ",\"pct_active\":{\"a\":%.1f,\"b\":%.1f}}", tc[i].pct[0], tc[i].pct[1]);
    }
    vg__buf_adds(b, "],\"techniques\":[");
    const tech_chg *te = d->techs.ptr;
    for (size_t i = 0; i < d->techs.len; i++) {
        item(b, i, te[i].id, "name", te[i].name,
             te[i].mark == '+'   ? "gained"
             : te[i].mark == '-' ? "lost"
                                 : "changed");
        for (size_t k = 0; k < N_COUNTS; k++) {
            vg__buf_addc(b, ',');
            pair(b, counts[k], te[i].n[0][k], te[i].n[1][k]);
        }
        vg__buf_addc(b, '}');
    }
    vg__buf_adds(b, "],\"rules\":[");
    const rule_chg *r = d->rules.ptr;
    for (size_t i = 0; i < d->rules.len; i++) {
        item(b, i, r[i].id, "title", r[i].title,
             r[i].mark == '+'   ? "added"
             : r[i].mark == '-' ? "removed"
                                : "status");
        for (int k = 0; k < 2; k++) {
            vg__buf_adds(b, k ? ",\"status_b\":" : ",\"status_a\":");
            if (r[i].status[k][0])
                vg__report_str(b, r[i].status[k]);
            else
                vg__buf_adds(b, "null");
        }
        vg__buf_addc(b, '}');
    }
    vg__buf_printf(b, "],\"gained\":%zu,\"lost\":%zu}\n", d->gains, d->losses);
}

int vg_coverage_diff(const char *path_a, const char *path_b, int as_json, char **out, size_t *len,
                     vg_diags *diags)
{
    side a = {0}, z = {0};
    diff d = {.path = {path_a, path_b}};
    int rc = load(&a, path_a, diags);
    if (!rc)
        rc = load(&z, path_b, diags);
    if (!rc)
        rc = compare(&d, &a, &z);
    vg__buf b;
    vg__buf_init(&b);
    if (!rc && as_json)
        json(&b, &d);
    else if (!rc)
        text(&b, &d);
    vg__vec_free(&d.tactics);
    vg__vec_free(&d.techs);
    vg__vec_free(&d.rules);
    vg__json_free(&a.j);
    vg__json_free(&z.j);
    free(a.text);
    free(z.text);
    if (rc) {
        vg__buf_free(&b);
        return rc;
    }
    return vg__report_take(&b, out, len);
}
