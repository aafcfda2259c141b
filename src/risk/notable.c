/*
 * notable.c - what an analyst reads: a notable's title, window, counts, per-rule score
 * arithmetic with capping, and its timeline, as text or JSON.
 *
 * vg__risk_emit() turns a window of sorted risk events into a vg_notable: source rules,
 * tactics and techniques in first-seen order, each source's sum, largest score and counted
 * (capped) score, the total, the severity, the spellings of the object its events used
 * (CORP\alice, alice@corp.local for the user alice) and a stable id (FNV-1a of incident rule,
 * object and window start, so that evaluating the same risk events again names the same
 * notable).
 * The title template's {placeholders} are filled here. vg_notable_format() writes the
 * explanation: every number on the page can be recomputed from the lines above it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void vg__risk_notable_id(const char *rule, vg_risk_object_type t, const char *object, int64_t start,
                         char *buf, size_t cap)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(h, rule, strlen(rule) + 1);
    const char *tn = vg_risk_object_type_name(t);
    h = fnv(h, tn, strlen(tn) + 1);
    h = fnv(h, object, strlen(object) + 1);
    h = fnv(h, (const char *)&start, sizeof start);
    snprintf(buf, cap, "%016llx", (unsigned long long)h);
}

static void span_text(int64_t ms, char *buf, size_t cap)
{
    static const struct {
        int64_t ms;
        char unit;
    } u[] = {{604800000, 'w'}, {86400000, 'd'}, {3600000, 'h'}, {60000, 'm'}, {1000, 's'}};
    for (size_t i = 0; i < VG_ARRAY_LEN(u); i++)
        if (ms >= u[i].ms && ms % u[i].ms == 0 && (ms / u[i].ms >= 2 || u[i].unit == 's')) {
            snprintf(buf, cap, "%lld%c", (long long)(ms / u[i].ms), u[i].unit);
            return;
        }
    snprintf(buf, cap, "%lldms", (long long)ms);
}

static void fill_title(vg__buf *b, const char *tpl, const vg_notable *n)
{
    char num[32];
    for (const char *p = tpl; *p; p++) {
        const char *e = *p == '{' ? strchr(p, '}') : NULL;
        if (!e) {
            vg__buf_addc(b, *p);
            continue;
        }
        size_t l = (size_t)(e - p - 1);
        const char *k = p + 1;
#define IS(name) (l == sizeof(name) - 1 && memcmp(k, name, l) == 0)
        if (IS("object")) /* as the first event wrote it; n->object is the normalised name */
            vg__buf_adds(b, n->n_object_forms ? n->object_forms[0] : n->object);
        else if (IS("object_type"))
            vg__buf_adds(b, vg_risk_object_type_name(n->object_type));
        else if (IS("score")) {
            vg__risk_fmt_points(num, sizeof num, vg__risk_points(n->score));
            vg__buf_adds(b, num);
        } else if (IS("rules"))
            vg__buf_printf(b, "%zu", n->n_rules);
        else if (IS("tactics"))
            vg__buf_printf(b, "%zu", n->n_tactics);
        else if (IS("techniques"))
            vg__buf_printf(b, "%zu", n->n_techniques);
        else if (IS("events"))
            vg__buf_printf(b, "%zu", n->n_events);
        else if (IS("window")) {
            span_text(n->window_ms, num, sizeof num);
            vg__buf_adds(b, num);
        } else {
            vg__buf_add(b, p, l + 2); /* unknown: kept as written */
        }
#undef IS
        p = e;
    }
    vg__buf_addc(b, 0);
}

/* Append the tags of source s (tactics, part 0, or techniques, part 1) that this notable has
 * not listed yet to out, comma-joined; returns how many were new. A tag id's stamp holds the
 * number of the last notable that listed it. */
static size_t add_tags(vg_risk_engine *e, const vg__rsrc *s, int part, vg__buf *out)
{
    const uint32_t *pool = e->tagpool.ptr;
    const char *const *names = e->tagnames.ptr;
    uint32_t *stamp = e->tagseen.ptr;
    uint32_t off = part ? s->tech_off : s->tac_off, n = part ? s->n_tech : s->n_tac;
    size_t added = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = pool[off + i];
        if (stamp[id] == e->n_emits)
            continue;
        stamp[id] = e->n_emits;
        if (out->len)
            vg__buf_addc(out, ',');
        vg__buf_adds(out, names[id]);
        added++;
    }
    return added;
}

/* A fresh stamp for this notable's tags (tagseen grows with the tags). */
static int new_stamp(vg_risk_engine *e)
{
    while (e->tagseen.len < e->n_tags)
        if (!vg__vec_push(&e->tagseen, sizeof(uint32_t)))
            return VG_ERR_NOMEM;
    if (++e->n_emits == 0) { /* wrapped: forget every stamp */
        memset(e->tagseen.ptr, 0, e->tagseen.len * sizeof(uint32_t));
        e->n_emits = 1;
    }
    return 0;
}

int vg__risk_emit(vg_risk_engine *e, const vg__risk_irule *r, const vg__rev *ev, size_t lo,
                  size_t hi, int64_t trigger, vg_notable_fn fn, void *ud)
{
    size_t n = hi - lo;
    vg_risk_event *views = calloc(n, sizeof *views);
    const vg_risk_event **ptrs = calloc(n, sizeof *ptrs);
    char(*times)[40] = calloc(n, sizeof *times);
    vg_notable_rule *rules = calloc(n, sizeof *rules);
    uint32_t *rule_src = calloc(n, sizeof *rule_src);
    int64_t *sum = calloc(n, sizeof *sum), *mx = calloc(n, sizeof *mx);
    const char **forms = calloc(n, sizeof *forms);
    uint32_t *form_ids = calloc(n, sizeof *form_ids);
    char idb[24];
    vg__buf tac, tech, title;
    vg__buf_init(&tac);
    vg__buf_init(&tech);
    vg__buf_init(&title);
    int rc = 0;
    if (!views || !ptrs || !times || !rules || !rule_src || !sum || !mx || !forms || !form_ids ||
        new_stamp(e)) {
        rc = VG_ERR_NOMEM;
        goto done;
    }
    vg_notable nb = {0};
    int64_t cap100 = e->cfg->capping ? vg__risk_points(e->cfg->cap) : 0;
    for (size_t i = 0; i < n; i++) {
        const vg__rev *x = &ev[lo + i];
        vg__risk_view(e, x, &views[i], times[i], sizeof times[i]);
        ptrs[i] = &views[i];
        size_t k = 0;
        while (k < nb.n_rules && rule_src[k] != x->src)
            k++;
        if (k == nb.n_rules) { /* a source's tags are the same on all its events */
            const vg__rsrc *src = &((const vg__rsrc *)e->srcs.ptr)[x->src];
            nb.n_rules++;
            rule_src[k] = x->src;
            rules[k].rule_id = views[i].rule_id;
            rules[k].rule_title = views[i].rule_title;
            mx[k] = x->pts;
            nb.n_tactics += add_tags(e, src, 0, &tac);
            nb.n_techniques += add_tags(e, src, 1, &tech);
        }
        size_t f = 0;
        while (f < nb.n_object_forms && form_ids[f] != x->raw)
            f++;
        if (f == nb.n_object_forms) {
            form_ids[f] = x->raw;
            forms[nb.n_object_forms++] = views[i].object;
        }
        rules[k].events++;
        sum[k] += x->pts;
        if (x->pts > mx[k])
            mx[k] = x->pts;
    }
    int64_t total = 0;
    for (size_t k = 0; k < nb.n_rules; k++) {
        int64_t c = sum[k];
        if (cap100 && mx[k] * cap100 / 100 < c)
            c = mx[k] * cap100 / 100;
        rules[k].sum = (double)sum[k] / 100.0;
        rules[k].max = (double)mx[k] / 100.0;
        rules[k].counted = (double)c / 100.0;
        rules[k].capped = c < sum[k];
        total += c;
    }
    vg__buf_addc(&tac, 0);
    vg__buf_addc(&tech, 0);
    nb.incident_rule = r->id;
    nb.object = vg__risk_str(e, ((const vg__robj *)e->objs.ptr)[ev[lo].obj].name);
    nb.object_forms = forms;
    nb.object_type = views[0].object_type;
    nb.window_start_ms = ev[lo].t;
    nb.window_end_ms = ev[lo].t + r->window_ms;
    nb.window_ms = r->window_ms;
    nb.trigger_ms = trigger;
    nb.score = (double)total / 100.0;
    nb.tactics = tac.ptr ? tac.ptr : "";
    nb.techniques = tech.ptr ? tech.ptr : "";
    nb.rules = rules;
    nb.events = ptrs;
    nb.n_events = n;
    nb.cap = cap100 ? (double)cap100 / 100.0 : 0;
    nb.severity = vg__risk_severity(r, nb.score);
    vg__risk_notable_id(r->id, nb.object_type, nb.object, nb.window_start_ms, idb, sizeof idb);
    nb.id = idb;
    fill_title(&title, r->title, &nb);
    nb.title = title.ptr;
    if (tac.oom || tech.oom || title.oom) {
        rc = VG_ERR_NOMEM;
        goto done;
    }
    rc = fn ? fn(&nb, ud) : 0;
    if (rc < 0)
        rc = -rc; /* a callback's stop value is reported as positive */
done:
    free(views);
    free(ptrs);
    free(times);
    free(rules);
    free(rule_src);
    free(sum);
    free(mx);
    free(forms);
    free(form_ids);
    vg__buf_free(&tac);
    vg__buf_free(&tech);
    vg__buf_free(&title);
    return rc;
}

int vg__risk_emit_closed(void *ctx, int what, size_t lo, size_t hi, int64_t trigger)
{
    vg__risk_emitter *x = ctx;
    if (what != VG__W_CLOSED)
        return 0;
    int rc = vg__risk_emit(x->e, x->r, x->ev, lo, hi, trigger, x->fn, x->ud);
    if (rc < 0)
        return rc;
    x->count++;
    return rc ? -rc : 0; /* the callback's stop value */
}

/* ---------------------------------------------------------------- formatting */

static void pts(vg__buf *b, double v)
{
    char num[32];
    vg__risk_fmt_points(num, sizeof num, vg__risk_points(v));
    vg__buf_adds(b, num);
}

static void csv_json(vg__buf *b, const char *csv)
{
    vg__buf_addc(b, '[');
    for (const char *p = csv; p && *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        vg__buf_json_str(b, p, l);
        if (e)
            vg__buf_addc(b, ',');
        p = e ? e + 1 : NULL;
    }
    vg__buf_addc(b, ']');
}

static void kstr(vg__buf *b, const char *k, const char *v, int comma)
{
    vg__buf_printf(b, "%s\"%s\":", comma ? "," : "", k);
    vg__buf_json_str(b, v, strlen(v));
}

static void format_json(vg__buf *b, const vg_notable *n, size_t max_events)
{
    char t1[40], t2[40], t3[40], span[32];
    vg__risk_iso(n->window_start_ms, t1, sizeof t1);
    vg__risk_iso(n->window_end_ms, t2, sizeof t2);
    vg__risk_iso(n->trigger_ms, t3, sizeof t3);
    span_text(n->window_ms, span, sizeof span);
    vg__buf_addc(b, '{');
    kstr(b, "id", n->id, 0);
    kstr(b, "incident_rule", n->incident_rule, 1);
    kstr(b, "title", n->title, 1);
    kstr(b, "severity", n->severity, 1);
    kstr(b, "object", n->object, 1);
    kstr(b, "object_type", vg_risk_object_type_name(n->object_type), 1);
    vg__buf_adds(b, ",\"object_forms\":[");
    for (size_t i = 0; i < n->n_object_forms; i++) {
        if (i)
            vg__buf_addc(b, ',');
        vg__buf_json_str(b, n->object_forms[i], strlen(n->object_forms[i]));
    }
    vg__buf_addc(b, ']');
    kstr(b, "window", span, 1);
    kstr(b, "window_start", t1, 1);
    kstr(b, "window_end", t2, 1);
    kstr(b, "trigger", t3, 1);
    vg__buf_adds(b, ",\"score\":");
    pts(b, n->score);
    vg__buf_printf(b,
                   ",\"counts\":{\"rules\":%zu,\"tactics\":%zu,\"techniques\":%zu,\"events\":%zu}",
                   n->n_rules, n->n_tactics, n->n_techniques, n->n_events);
    vg__buf_adds(b, ",\"tactics\":");
    csv_json(b, n->tactics);
    vg__buf_adds(b, ",\"techniques\":");
    csv_json(b, n->techniques);
    vg__buf_adds(b, ",\"capping\":");
    pts(b, n->cap);
    vg__buf_adds(b, ",\"rules\":[");
    for (size_t i = 0; i < n->n_rules; i++) {
        const vg_notable_rule *r = &n->rules[i];
        vg__buf_adds(b, i ? ",{" : "{");
        kstr(b, "rule_id", r->rule_id, 0);
        kstr(b, "title", r->rule_title, 1);
        vg__buf_printf(b, ",\"events\":%zu,\"sum\":", r->events);
        pts(b, r->sum);
        vg__buf_adds(b, ",\"max\":");
        pts(b, r->max);
        vg__buf_adds(b, ",\"counted\":");
        pts(b, r->counted);
        vg__buf_printf(b, ",\"capped\":%s}", r->capped ? "true" : "false");
    }
    vg__buf_adds(b, "],\"timeline\":[");
    for (size_t i = 0; i < n->n_events && i < max_events; i++) {
        const vg_risk_event *x = n->events[i];
        vg__buf_adds(b, i ? ",{" : "{");
        kstr(b, "time", x->time, 0);
        kstr(b, "object", x->object, 1);
        kstr(b, "rule_id", x->rule_id, 1);
        kstr(b, "rule_title", x->rule_title, 1);
        vg__buf_adds(b, ",\"base_score\":");
        pts(b, x->base_score);
        vg__buf_adds(b, ",\"score\":");
        pts(b, x->score);
        kstr(b, "arithmetic", x->arithmetic, 1);
        vg__buf_adds(b, ",\"tactics\":");
        csv_json(b, x->tactics);
        vg__buf_adds(b, ",\"techniques\":");
        csv_json(b, x->techniques);
        vg__buf_adds(b, ",\"threats\":");
        vg__buf_adds(b, *x->threats ? x->threats : "{}");
        kstr(b, "ref", x->ref, 1);
        vg__buf_addc(b, '}');
    }
    vg__buf_printf(b, "],\"timeline_shown\":%zu}",
                   n->n_events < max_events ? n->n_events : max_events);
}

static void format_text(vg__buf *b, const vg_notable *n, size_t max_events)
{
    char t1[40], t2[40], t3[40], span[32], num[32];
    vg__risk_iso(n->window_start_ms, t1, sizeof t1);
    vg__risk_iso(n->window_end_ms, t2, sizeof t2);
    vg__risk_iso(n->trigger_ms, t3, sizeof t3);
    span_text(n->window_ms, span, sizeof span);
    vg__buf_printf(b, "notable %s  [%s]  %s\n", n->id, n->severity, n->title);
    vg__buf_printf(b, "  object:     %s %s", vg_risk_object_type_name(n->object_type), n->object);
    if (n->n_object_forms > 1 || (n->n_object_forms && strcmp(n->object_forms[0], n->object))) {
        vg__buf_adds(b, " (as ");
        for (size_t i = 0; i < n->n_object_forms; i++)
            vg__buf_printf(b, "%s%s", i ? ", " : "", n->object_forms[i]);
        vg__buf_addc(b, ')');
    }
    vg__buf_addc(b, '\n');
    vg__buf_printf(b, "  rule:       %s (window %s)\n", n->incident_rule, span);
    vg__buf_printf(b, "  window:     %s .. %s (condition met at %s)\n", t1, t2, t3);
    vg__buf_printf(b, "  tactics:    %zu%s%s\n", n->n_tactics, *n->tactics ? "  " : "", n->tactics);
    vg__buf_printf(b, "  techniques: %zu%s%s\n", n->n_techniques, *n->techniques ? "  " : "",
                   n->techniques);
    vg__buf_adds(b, "  score:      ");
    pts(b, n->score);
    vg__buf_adds(b, " = ");
    for (size_t i = 0; i < n->n_rules; i++) {
        if (i)
            vg__buf_adds(b, " + ");
        pts(b, n->rules[i].counted);
    }
    vg__buf_printf(b, "  (per source rule");
    if (n->cap > 0) {
        vg__risk_fmt_points(num, sizeof num, vg__risk_points(n->cap));
        vg__buf_printf(b, ", each capped at %s x its largest score", num);
    }
    vg__buf_adds(b, ")\n  source rules:\n");
    for (size_t i = 0; i < n->n_rules; i++) {
        const vg_notable_rule *r = &n->rules[i];
        vg__risk_fmt_points(num, sizeof num, vg__risk_points(r->counted));
        vg__buf_printf(b, "    %7s  %s (%zu event%s", num, r->rule_title, r->events,
                       r->events == 1 ? "" : "s");
        if (r->events > 1) {
            vg__buf_adds(b, ": sum ");
            pts(b, r->sum);
        }
        if (r->capped) {
            vg__buf_adds(b, ", capped: min(");
            pts(b, r->sum);
            vg__risk_fmt_points(num, sizeof num, vg__risk_points(n->cap));
            vg__buf_printf(b, ", %s x ", num);
            pts(b, r->max);
            vg__buf_adds(b, ")");
        }
        vg__buf_adds(b, ")\n");
    }
    vg__buf_printf(b, "  timeline (%zu risk event%s", n->n_events, n->n_events == 1 ? "" : "s");
    if (n->n_events > max_events)
        vg__buf_printf(b, ", first %zu shown", max_events);
    vg__buf_adds(b, "):\n");
    for (size_t i = 0; i < n->n_events && i < max_events; i++) {
        const vg_risk_event *x = n->events[i];
        char sc[32];
        vg__risk_fmt_points(sc, sizeof sc, vg__risk_points(x->score));
        vg__buf_printf(b, "    %s  %7s  %s", x->time, sc, x->rule_title);
        if (*x->tactics)
            vg__buf_printf(b, "  [%s]", x->tactics);
        vg__buf_addc(b, '\n');
        if (*x->arithmetic && strchr(x->arithmetic, '='))
            vg__buf_printf(b, "%35s score %s\n", "", x->arithmetic);
    }
}

int vg_notable_format(const vg_notable *n, int json, size_t max_events, char **out)
{
    vg__buf b;
    vg__buf_init(&b);
    if (json)
        format_json(&b, n, max_events);
    else
        format_text(&b, n, max_events);
    *out = vg__buf_take(&b, NULL);
    return *out ? 0 : VG_ERR_NOMEM;
}
