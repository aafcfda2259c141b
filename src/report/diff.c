/*
 * diff.c - what a rule change or a new log source gains and loses: two coverage JSON files
 * (vg_report_json, A before and B after) compared.
 *
 * Reported, in this order: the overall figures (techniques with an active rule, with any rule,
 * validated), each tactic whose figures moved, each technique whose rule counts per status
 * changed (a technique that gains its first active rule is a gain, one that loses its last is a
 * loss; techniques absent from a file count as having no rules), and each rule whose status
 * changed, appeared or disappeared. Unchanged things are not listed.
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

static void techniques(vg__buf *b, const side *a, const side *z, size_t *gains, size_t *losses)
{
    for (int pass = 0; pass < 2; pass++) {
        const side *s = pass ? a : z, *other = pass ? z : a;
        uint32_t n = s->j.tok[s->techs].len, t = vg__json_first(&s->j, s->techs);
        for (uint32_t i = 0; i < n; i++, t = vg__json_after(&s->j, t)) {
            char id[64], name[256];
            str(s, t, "id", id, sizeof id);
            str(s, t, "name", name, sizeof name);
            uint32_t o = find(other, other->techs, "id", id);
            if (pass && o) /* seen in the first pass */
                continue;
            const side *before = pass ? s : other, *after = pass ? other : s;
            uint32_t tb = pass ? t : o, ta = pass ? o : t;
            char line[512] = "";
            size_t k = 0;
            for (size_t c = 0; c < VG_ARRAY_LEN(counts); c++) {
                long x = num(before, tb, counts[c]), y = num(after, ta, counts[c]);
                if (x != y)
                    k += (size_t)snprintf(line + k, sizeof line - k, "%s%s %ld -> %ld",
                                          k ? ", " : "", counts[c], x, y);
                if (k >= sizeof line)
                    k = sizeof line - 1;
            }
            if (!k)
                continue;
            long xa = num(before, tb, "active"), ya = num(after, ta, "active");
            char mark = !xa && ya ? '+' : xa && !ya ? '-' : '~';
            *gains += mark == '+';
            *losses += mark == '-';
            vg__buf_printf(b, "  %c %-10s %s: %s\n", mark, id, name, line);
        }
    }
}

static void rules(vg__buf *b, const side *a, const side *z)
{
    for (int pass = 0; pass < 2; pass++) {
        const side *s = pass ? a : z, *other = pass ? z : a;
        uint32_t n = s->j.tok[s->rules].len, t = vg__json_first(&s->j, s->rules);
        for (uint32_t i = 0; i < n; i++, t = vg__json_after(&s->j, t)) {
            char id[128], title[256], st[32], ost[32];
            str(s, t, "id", id, sizeof id);
            str(s, t, "title", title, sizeof title);
            str(s, t, "status", st, sizeof st);
            uint32_t o = find(other, other->rules, "id", id);
            str(other, o, "status", ost, sizeof ost);
            if (!o)
                vg__buf_printf(b, "  %c %s (%s): %s\n", pass ? '-' : '+', title, id,
                               pass ? "removed" : "added");
            else if (!pass && strcmp(st, ost) != 0)
                vg__buf_printf(b, "  ~ %s (%s): %s -> %s\n", title, id, ost, st);
        }
    }
}

static void tactics(vg__buf *b, const side *a, const side *z)
{
    uint32_t n = z->j.tok[z->tactics].len, t = vg__json_first(&z->j, z->tactics);
    for (uint32_t i = 0; i < n; i++, t = vg__json_after(&z->j, t)) {
        char id[64], name[128];
        str(z, t, "id", id, sizeof id);
        str(z, t, "name", name, sizeof name);
        uint32_t o = find(a, a->tactics, "id", id);
        long xa = num(a, o, "active"), ya = num(z, t, "active");
        long xc = num(a, o, "covered"), yc = num(z, t, "covered");
        if (xa != ya || xc != yc)
            vg__buf_printf(
                b, "  %-22s active %ld -> %ld (%.1f%% -> %.1f%%), with rules %ld -> %ld\n", name,
                xa, ya, fnum(a, o, "pct_active"), fnum(z, t, "pct_active"), xc, yc);
    }
}

int vg_coverage_diff(const char *path_a, const char *path_b, int json, char **out, size_t *len,
                     vg_diags *diags)
{
    (void)json;
    side a = {0}, z = {0};
    int rc = load(&a, path_a, diags);
    if (!rc)
        rc = load(&z, path_b, diags);
    vg__buf b;
    vg__buf_init(&b);
    if (!rc) {
        uint32_t oa = vg__json_get(&a.j, a.summary, "overall");
        uint32_t oz = vg__json_get(&z.j, z.summary, "overall");
        vg__buf_printf(&b, "coverage %s -> %s\n", path_a, path_b);
        static const char *const keys[] = {"active", "covered", "validated"};
        static const char *const labels[] = {"techniques with an active rule",
                                             "techniques with any rule", "validated techniques"};
        for (size_t i = 0; i < 3; i++) {
            long x = num(&a, oa, keys[i]), y = num(&z, oz, keys[i]);
            vg__buf_printf(&b, "%-31s %ld -> %ld (%+ld)\n", labels[i], x, y, y - x);
        }
        vg__buf_adds(&b, "\ntactics:\n");
        tactics(&b, &a, &z);
        size_t gains = 0, losses = 0;
        vg__buf_adds(&b, "\ntechniques (+ first active rule, - lost its last, ~ other change):\n");
        techniques(&b, &a, &z, &gains, &losses);
        vg__buf_adds(&b, "\nrules:\n");
        rules(&b, &a, &z);
        vg__buf_printf(&b, "\n%zu technique%s gained an active rule, %zu lost it\n", gains,
                       gains == 1 ? "" : "s", losses);
    }
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
