/*
 * score.c - from an alert (a rule that matched an event) to risk events.
 *
 * The risk objects are read from the event with the configured field lists: the first of the
 * system fields the event carries names the system, the first user field names the user
 * (unless it is a service account listed in ignore_users), and so on; one risk event is
 * raised per object. The base score comes from an override naming the rule's id or one of its
 * tags, else from the rule's level; the risk factors then give the calculated score with its
 * arithmetic (inventory.c). Threat objects (process, command line, hashes, addresses, ...)
 * are collected as a small JSON object so that analysts can pivot on them. Times are parsed
 * here too: every comparison in the risk engine is on milliseconds since the epoch.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "risk.h"

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int vg_risk_parse_time(const char *p, size_t len, int64_t *ms)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (len < 10 || p[4] != '-' || p[7] != '-' || !vg__digits(p, 4, &y) ||
        !vg__digits(p + 5, 2, &mo) || !vg__digits(p + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
        return VG_ERR_SYNTAX;
    size_t i = 10;
    if (len > 10) {
        if (len < 19 || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':' ||
            !vg__digits(p + 11, 2, &h) || !vg__digits(p + 14, 2, &mi) ||
            !vg__digits(p + 17, 2, &se) || h > 23 || mi > 59 || se > 60)
            return VG_ERR_SYNTAX;
        i = 19;
    }
    int64_t frac = 0;
    if (i < len && p[i] == '.') {
        int k = 0;
        for (i++; i < len && p[i] >= '0' && p[i] <= '9'; i++, k++)
            if (k < 3)
                frac = frac * 10 + (p[i] - '0');
        for (; k < 3; k++)
            frac *= 10;
    }
    int64_t off = 0;
    if (i < len && (p[i] == '+' || p[i] == '-')) {
        int oh, om;
        if (len - i != 6 || p[i + 3] != ':' || !vg__digits(p + i + 1, 2, &oh) ||
            !vg__digits(p + i + 4, 2, &om))
            return VG_ERR_SYNTAX;
        off = (int64_t)(oh * 60 + om) * 60000 * (p[i] == '+' ? 1 : -1);
        i = len;
    } else if (i < len && p[i] == 'Z') {
        i++;
    }
    if (i != len)
        return VG_ERR_SYNTAX;
    *ms =
        ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + frac - off;
    return 0;
}

void vg__risk_iso(int64_t ms, char *buf, size_t cap)
{
    int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
    int64_t rem = ms - days * 86400000;
    /* civil from days (Hinnant) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    if (y < 0 || y > 9999 || cap < 25) { /* outside what four digits hold: the long way */
        snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m, (int)d,
                 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                 (int)(rem % 1000));
        return;
    }
    /* written by hand: notables format the time of every event they hold */
    static const char tpl[] = "0000-00-00T00:00:00.000Z";
    static const int at[] = {0, 5, 8, 11, 14, 17, 20}, width[] = {4, 2, 2, 2, 2, 2, 3};
    int64_t v[] = {y, m, d, rem / 3600000, rem / 60000 % 60, rem / 1000 % 60, rem % 1000};
    memcpy(buf, tpl, sizeof tpl);
    for (int f = 0; f < 7; f++)
        for (int k = width[f] - 1; k >= 0; k--, v[f] /= 10)
            buf[at[f] + k] = (char)('0' + v[f] % 10);
}

void vg_risk_format_time(int64_t ms, char *buf, size_t cap)
{
    vg__risk_iso(ms, buf, cap);
}

int64_t vg__risk_points(double v)
{
    return (int64_t)llround(v * 100.0);
}

int32_t vg__risk_score_points(double v)
{
    if (!(v == v)) /* NaN */
        return 0;
    if (v > VG_RISK_MAX_SCORE)
        v = VG_RISK_MAX_SCORE;
    if (v < -VG_RISK_MAX_SCORE)
        v = -VG_RISK_MAX_SCORE;
    return (int32_t)vg__risk_points(v);
}

/* 7300 -> "73", 10950 -> "109.5", 3938 -> "39.38" (written by hand: every risk event's
 * arithmetic and every notable use it) */
void vg__risk_fmt_points(char *buf, size_t cap, int64_t h)
{
    char tmp[32];
    size_t n = sizeof tmp;
    uint64_t a = h < 0 ? 0 - (uint64_t)h : (uint64_t)h;
    uint64_t frac = a % 100, whole = a / 100;
    if (frac) { /* one or two decimals */
        int two = frac % 10 != 0;
        if (two)
            tmp[--n] = (char)('0' + frac % 10);
        tmp[--n] = (char)('0' + frac / 10);
        tmp[--n] = '.';
    }
    do {
        tmp[--n] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (h < 0)
        tmp[--n] = '-';
    size_t len = sizeof tmp - n;
    if (!cap)
        return;
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, tmp + n, len);
    buf[len] = 0;
}

static double base_score(const vg_risk_config *c, const vg_alert *a)
{
    const vg__risk_override *o = c->overrides.ptr;
    for (size_t i = 0; i < c->overrides.len; i++) {
        if (a->rule_id && strcasecmp(o[i].match, a->rule_id) == 0)
            return o[i].score;
        for (size_t t = 0; t < a->n_tags; t++)
            if (strcasecmp(o[i].match, a->tags[t]) == 0)
                return o[i].score;
    }
    int l = a->level >= VG_LEVEL_INFORMATIONAL && a->level <= VG_LEVEL_CRITICAL ? (int)a->level
                                                                                : VG_LEVEL_LOW;
    return c->base[l];
}

/* First non-empty value among fields into a NUL-terminated copy (owned by b). */
static int first_field(const vg_event *ev, const vg__vec *fields, vg__buf *b)
{
    const char *const *f = fields->ptr;
    for (size_t i = 0; ev && i < fields->len; i++) {
        vg_str v = vg_event_get(ev, f[i]);
        if (v.ptr && v.len) {
            b->len = 0;
            vg__buf_add(b, v.ptr, v.len);
            vg__buf_addc(b, 0);
            return !b->oom;
        }
    }
    return 0;
}

static int ignored_user(const vg_risk_config *c, const char *u)
{
    const char *const *ig = c->ignore_users.ptr;
    for (size_t i = 0; i < c->ignore_users.len; i++)
        if (strcasecmp(ig[i], u) == 0)
            return 1;
    /* machine accounts (HOST$) are systems, not people */
    size_t n = strlen(u);
    return n > 1 && u[n - 1] == '$';
}

static void threats_json(const vg_risk_config *c, const vg_event *ev, vg__buf *b)
{
    const vg__risk_threat *t = c->threats.ptr;
    const char *last_kind = NULL;
    int done_kind = 0, first = 1;
    vg__buf_addc(b, '{');
    for (size_t i = 0; ev && i < c->threats.len; i++) {
        if (!last_kind || strcmp(last_kind, t[i].kind) != 0) {
            last_kind = t[i].kind;
            done_kind = 0;
        }
        if (done_kind)
            continue;
        vg_str v = vg_event_get(ev, t[i].field);
        if (!v.ptr || !v.len)
            continue;
        if (!first)
            vg__buf_addc(b, ',');
        vg__buf_json_str(b, t[i].kind, strlen(t[i].kind));
        vg__buf_addc(b, ':');
        vg__buf_json_str(b, v.ptr, v.len > 1024 ? 1024 : v.len);
        first = 0;
        done_kind = 1;
    }
    vg__buf_addc(b, '}');
    vg__buf_addc(b, 0);
}

int vg_risk_score_alert(const vg_risk_config *c, const vg_alert *a, vg_risk_event_fn fn, void *ud)
{
    int64_t ms;
    vg_str t = a->time ? (vg_str){a->time, strlen(a->time)}
                       : (a->event ? vg_event_time(a->event) : (vg_str){NULL, 0});
    if (!t.ptr || vg_risk_parse_time(t.ptr, t.len, &ms))
        return 0;
    char iso[40];
    vg__risk_iso(ms, iso, sizeof iso);
    double base = base_score(c, a);
    vg__buf obj, th, ar;
    vg__buf_init(&obj);
    vg__buf_init(&th);
    vg__buf_init(&ar);
    threats_json(c, a->event, &th);
    int count = 0, rc = 0;
    static const vg_risk_object_type types[] = {VG_RISK_SYSTEM, VG_RISK_USER, VG_RISK_OTHER};
    const vg__vec *lists[] = {&c->system_fields, &c->user_fields, &c->other_fields};
    for (size_t k = 0; k < 3 && !rc; k++) {
        if (!first_field(a->event, lists[k], &obj))
            continue;
        if (types[k] == VG_RISK_USER && ignored_user(c, obj.ptr))
            continue;
        ar.len = 0;
        int64_t pts = vg__risk_calculate(c, types[k], obj.ptr, base, &ar);
        vg__buf_addc(&ar, 0);
        if (th.oom || ar.oom) {
            rc = VG_ERR_NOMEM;
            break;
        }
        vg_risk_event re = {0};
        re.time_ms = ms;
        re.time = iso;
        re.object = obj.ptr;
        re.object_type = types[k];
        re.rule_id = a->rule_id ? a->rule_id : "";
        re.rule_title = a->rule_title ? a->rule_title : "";
        re.tactics = a->tactics ? a->tactics : "";
        re.techniques = a->techniques ? a->techniques : "";
        re.threats = th.ptr;
        re.ref = a->ref ? a->ref : "";
        re.base_score = base;
        re.score = (double)pts / 100.0;
        re.arithmetic = ar.ptr;
        count++;
        rc = fn ? fn(&re, ud) : 0;
    }
    vg__buf_free(&obj);
    vg__buf_free(&th);
    vg__buf_free(&ar);
    return rc ? rc : count;
}
