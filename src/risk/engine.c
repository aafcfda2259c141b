/*
 * engine.c - incident rules over the risk index: sliding windows in event time, per object.
 *
 * Risk events are copied into compact records (time, score in hundredths, interned object,
 * source and strings), so ten million of them fit in a few hundred megabytes. run sorts them by
 * (object, time, arrival): arrival order never matters, which is what makes out-of-order input
 * and batch re-evaluation give the same notables. Then, per object and per incident rule, two
 * pointers slide a window over the sorted events: events enter at the right (all events of one
 * timestamp together), leave at the left once older than the window end minus the timespan,
 * so a window holds events at most timespan apart (last - first <= timespan, both edges
 * inclusive). Counters kept per source rule (events, sum, largest score and how many events
 * carry it), per tactic and per technique give every metric in O(1) per step; the capped score
 * of a source is min(sum, cap x max) and the window's score is the sum over its sources. When
 * the largest score of a source leaves the window, that source's maximum is recomputed from
 * the window (rare, and bounded by the window).
 *
 * When every condition holds, a notable is raised: its window starts at the first event in the
 * window (F) and runs for the timespan, so events up to F + timespan join it (it never spans
 * more than the timespan). Those events are then consumed for this incident rule and the
 * window restarts after them: that is the throttle, one notable per object and rule per
 * window, whatever the arrival order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

static uint32_t intern(vg_risk_engine *e, const char *s, size_t n, int *err)
{
    size_t it = 0;
    uint32_t id;
    if (vg__smap_next(&e->strmap, s, n, &it, &id))
        return id;
    char *copy = vg__arena_strndup(&e->arena, s, n);
    const char **slot = copy ? vg__vec_push(&e->strs, sizeof *slot) : NULL;
    if (!slot || vg__smap_add(&e->strmap, copy, n, (uint32_t)(e->strs.len - 1))) {
        *err = VG_ERR_NOMEM;
        return 0;
    }
    *slot = copy;
    return (uint32_t)(e->strs.len - 1);
}

const char *vg__risk_str(const vg_risk_engine *e, uint32_t id)
{
    return ((const char *const *)e->strs.ptr)[id];
}

vg_risk_engine *vg_risk_engine_new(const vg_risk_config *c)
{
    vg_risk_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->cfg = c;
    vg__arena_init(&e->arena);
    int err = 0;
    intern(e, "", 0, &err); /* id 0 is the empty string */
    if (err) {
        vg_risk_engine_free(e);
        return NULL;
    }
    return e;
}

void vg_risk_engine_free(vg_risk_engine *e)
{
    if (!e)
        return;
    vg__smap_free(&e->strmap);
    vg__smap_free(&e->objmap);
    vg__smap_free(&e->srcmap);
    vg__smap_free(&e->tagmap);
    vg__vec_free(&e->strs);
    vg__vec_free(&e->objs);
    vg__vec_free(&e->srcs);
    vg__vec_free(&e->tagpool);
    vg__vec_free(&e->evs);
    vg__arena_free(&e->arena);
    free(e);
}

/* Tag ids of a comma-separated list, appended to the pool; returns the count. */
static uint32_t add_tags(vg_risk_engine *e, const char *csv, int *err)
{
    uint32_t n = 0;
    for (const char *p = csv; p && *p && !*err;) {
        const char *end = strchr(p, ',');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        while (l && *p == ' ')
            p++, l--;
        if (l) {
            size_t it = 0;
            uint32_t id;
            if (!vg__smap_next(&e->tagmap, p, l, &it, &id)) {
                char *k = vg__arena_strndup(&e->arena, p, l);
                id = (uint32_t)e->n_tags++;
                if (!k || vg__smap_add(&e->tagmap, k, l, id))
                    *err = VG_ERR_NOMEM;
            }
            uint32_t *slot = vg__vec_push(&e->tagpool, sizeof *slot);
            if (!slot)
                *err = VG_ERR_NOMEM;
            else
                *slot = id;
            n++;
        }
        p = end ? end + 1 : NULL;
    }
    return n;
}

static uint32_t source_of(vg_risk_engine *e, const vg_risk_event *re, int *err)
{
    vg__buf k;
    vg__buf_init(&k);
    vg__buf_printf(&k, "%s\x1f%s\x1f%s\x1f%s", re->rule_id ? re->rule_id : "",
                   re->rule_title ? re->rule_title : "", re->tactics ? re->tactics : "",
                   re->techniques ? re->techniques : "");
    uint32_t id = 0;
    size_t it = 0;
    if (k.oom) {
        *err = VG_ERR_NOMEM;
    } else if (!vg__smap_next(&e->srcmap, k.ptr, k.len, &it, &id)) {
        vg__rsrc *s = vg__vec_push(&e->srcs, sizeof *s);
        char *key = vg__arena_strndup(&e->arena, k.ptr, k.len);
        if (!s || !key) {
            *err = VG_ERR_NOMEM;
        } else {
            id = (uint32_t)(e->srcs.len - 1);
            const char *rid = re->rule_id ? re->rule_id : "";
            const char *ti = re->rule_title ? re->rule_title : "";
            const char *ta = re->tactics ? re->tactics : "";
            const char *te = re->techniques ? re->techniques : "";
            s->rule_id = intern(e, rid, strlen(rid), err);
            s->title = intern(e, ti, strlen(ti), err);
            s->tactics = intern(e, ta, strlen(ta), err);
            s->techniques = intern(e, te, strlen(te), err);
            s->tac_off = (uint32_t)e->tagpool.len;
            s->n_tac = add_tags(e, ta, err);
            s->tech_off = (uint32_t)e->tagpool.len;
            s->n_tech = add_tags(e, te, err);
            if (vg__smap_add(&e->srcmap, key, k.len, id))
                *err = VG_ERR_NOMEM;
        }
    }
    vg__buf_free(&k);
    return id;
}

static uint32_t object_of(vg_risk_engine *e, const char *name, vg_risk_object_type t, int *err)
{
    char key[600];
    int n = snprintf(key, sizeof key, "%d:%s", (int)t, name);
    size_t kl = n < 0 ? 0 : (size_t)n < sizeof key ? (size_t)n : sizeof key - 1;
    size_t it = 0;
    uint32_t id;
    if (vg__smap_next(&e->objmap, key, kl, &it, &id))
        return id;
    vg__robj *o = vg__vec_push(&e->objs, sizeof *o);
    char *k = vg__arena_strndup(&e->arena, key, kl);
    if (!o || !k || vg__smap_add(&e->objmap, k, kl, (uint32_t)(e->objs.len - 1))) {
        *err = VG_ERR_NOMEM;
        return 0;
    }
    o->name = intern(e, name, strlen(name), err);
    o->type = (uint8_t)t;
    return (uint32_t)(e->objs.len - 1);
}

int vg_risk_engine_add(vg_risk_engine *e, const vg_risk_event *re, int calculate)
{
    if (!re->object || !*re->object)
        return VG_ERR_INVAL;
    int err = 0;
    vg__rev x = {0};
    x.t = re->time_ms;
    x.base = (int32_t)vg__risk_points(re->base_score);
    x.obj = object_of(e, re->object, re->object_type, &err);
    x.src = source_of(e, re, &err);
    const char *th = re->threats ? re->threats : "";
    const char *rf = re->ref ? re->ref : "";
    x.threats = intern(e, th, strlen(th), &err);
    x.ref = intern(e, rf, strlen(rf), &err);
    if (calculate) {
        vg__buf b;
        vg__buf_init(&b);
        x.pts =
            (int32_t)vg__risk_calculate(e->cfg, re->object_type, re->object, re->base_score, &b);
        x.arith = b.oom ? 0 : intern(e, b.ptr ? b.ptr : "", b.len, &err);
        vg__buf_free(&b);
    } else {
        const char *a = re->arithmetic ? re->arithmetic : "";
        x.pts = (int32_t)vg__risk_points(re->score);
        x.arith = intern(e, a, strlen(a), &err);
    }
    x.seq = (uint32_t)e->evs.len;
    vg__rev *slot = err ? NULL : vg__vec_push(&e->evs, sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = x;
    e->sorted = 0;
    return 0;
}

size_t vg_risk_engine_count(const vg_risk_engine *e)
{
    return e->evs.len;
}

static int cmp_rev(const void *pa, const void *pb)
{
    const vg__rev *a = pa, *b = pb;
    if (a->obj != b->obj)
        return a->obj < b->obj ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Objects are ordered by name (then type) so that output order does not depend on arrival. */
static int sort_events(vg_risk_engine *e)
{
    if (e->sorted)
        return 0;
    size_t n = e->objs.len;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (!order || !rank) {
        free(order);
        free(rank);
        return VG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    /* insertion-free: sort ids by (name, type) with a comparator that sees the engine */
    const vg__robj *o = e->objs.ptr;
    const char *const *s = e->strs.ptr;
    /* simple merge sort to avoid a global for qsort's comparator */
    uint32_t *tmp = rank;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid || j < hi) {
                int take_left = j >= hi;
                if (i < mid && j < hi) {
                    int c = strcmp(s[o[order[i]].name], s[o[order[j]].name]);
                    take_left = c < 0 || (c == 0 && o[order[i]].type <= o[order[j]].type);
                }
                tmp[k++] = take_left ? order[i++] : order[j++];
            }
        }
        memcpy(order, tmp, n * sizeof *order);
    }
    for (size_t i = 0; i < n; i++)
        rank[order[i]] = (uint32_t)i;
    vg__rev *ev = e->evs.ptr;
    for (size_t i = 0; i < e->evs.len; i++)
        ev[i].obj = rank[ev[i].obj];
    /* renumber the objects themselves to match */
    vg__robj *no = malloc((n ? n : 1) * sizeof *no);
    if (!no) {
        free(order);
        free(rank);
        return VG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        no[rank[i]] = o[i];
    memcpy(e->objs.ptr, no, n * sizeof *no);
    free(no);
    /* the object map's values follow the renumbering */
    vg__smap_slot *sl = e->objmap.slots;
    for (size_t i = 0; i < e->objmap.cap; i++)
        if (sl[i].key)
            sl[i].val = rank[sl[i].val];
    free(order);
    free(rank);
    qsort(e->evs.ptr, e->evs.len, sizeof(vg__rev), cmp_rev);
    e->sorted = 1;
    return 0;
}

void vg__risk_view(vg_risk_engine *e, const vg__rev *x, vg_risk_event *v, char *tbuf, size_t tcap)
{
    const vg__rsrc *s = &((const vg__rsrc *)e->srcs.ptr)[x->src];
    const vg__robj *o = &((const vg__robj *)e->objs.ptr)[x->obj];
    vg__risk_iso(x->t, tbuf, tcap);
    v->id = x->seq + 1;
    v->time_ms = x->t;
    v->time = tbuf;
    v->object = vg__risk_str(e, o->name);
    v->object_type = (vg_risk_object_type)o->type;
    v->rule_id = vg__risk_str(e, s->rule_id);
    v->rule_title = vg__risk_str(e, s->title);
    v->tactics = vg__risk_str(e, s->tactics);
    v->techniques = vg__risk_str(e, s->techniques);
    v->threats = vg__risk_str(e, x->threats);
    v->ref = vg__risk_str(e, x->ref);
    v->base_score = x->base / 100.0;
    v->score = x->pts / 100.0;
    v->arithmetic = vg__risk_str(e, x->arith);
}

const vg_risk_event *vg_risk_engine_event(vg_risk_engine *e, size_t i)
{
    if (i >= e->evs.len || sort_events(e))
        return NULL;
    vg__risk_view(e, &((vg__rev *)e->evs.ptr)[i], &e->view, e->view_time, sizeof e->view_time);
    return &e->view;
}

/* ---------------------------------------------------------------- the sliding window */

typedef struct win {
    const vg_risk_engine *e;
    int64_t cap100; /* capping multiplier x 100, 0 = off */
    /* per source */
    uint32_t *s_n;
    int64_t *s_sum;
    int32_t *s_max;
    uint32_t *s_maxn;
    /* per tag */
    uint32_t *t_n;
    size_t rules, tactics, techniques, events;
    int64_t score; /* hundredths */
    const vg__rev *ev;
    size_t lo; /* first event in the window, for max recomputation */
} win;

static int64_t counted(const win *w, uint32_t s)
{
    if (!w->cap100)
        return w->s_sum[s];
    int64_t c = (int64_t)w->s_max[s] * w->cap100 / 100;
    return w->s_sum[s] < c ? w->s_sum[s] : c;
}

static void tags_step(win *w, const vg__rsrc *s, int d)
{
    const uint32_t *pool = w->e->tagpool.ptr;
    for (int part = 0; part < 2; part++) {
        uint32_t off = part ? s->tech_off : s->tac_off, n = part ? s->n_tech : s->n_tac;
        size_t *distinct = part ? &w->techniques : &w->tactics;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t id = pool[off + i];
            if (d > 0 && w->t_n[id]++ == 0)
                ++*distinct;
            if (d < 0 && --w->t_n[id] == 0)
                --*distinct;
        }
    }
}

static void win_add(win *w, const vg__rev *x)
{
    uint32_t s = x->src;
    w->score -= counted(w, s);
    if (w->s_n[s]++ == 0) {
        w->rules++;
        w->s_max[s] = x->pts;
        w->s_maxn[s] = 1;
    } else if (x->pts > w->s_max[s]) {
        w->s_max[s] = x->pts;
        w->s_maxn[s] = 1;
    } else if (x->pts == w->s_max[s]) {
        w->s_maxn[s]++;
    }
    w->s_sum[s] += x->pts;
    w->score += counted(w, s);
    w->events++;
    tags_step(w, &((const vg__rsrc *)w->e->srcs.ptr)[s], 1);
}

/* Remove ev[i]; the window is then ev[i+1 .. hi). */
static void win_remove(win *w, size_t i, size_t hi)
{
    const vg__rev *x = &w->ev[i];
    uint32_t s = x->src;
    w->score -= counted(w, s);
    w->s_sum[s] -= x->pts;
    if (--w->s_n[s] == 0) {
        w->rules--;
        w->s_max[s] = 0;
        w->s_maxn[s] = 0;
    } else if (x->pts == w->s_max[s] && --w->s_maxn[s] == 0) {
        int32_t m = INT32_MIN;
        uint32_t mn = 0;
        for (size_t k = i + 1; k < hi; k++)
            if (w->ev[k].src == s) {
                if (w->ev[k].pts > m) {
                    m = w->ev[k].pts;
                    mn = 1;
                } else if (w->ev[k].pts == m) {
                    mn++;
                }
            }
        w->s_max[s] = m;
        w->s_maxn[s] = mn;
    }
    w->score += counted(w, s);
    w->events--;
    tags_step(w, &((const vg__rsrc *)w->e->srcs.ptr)[s], -1);
}

static int cond_holds(const vg__risk_irule *r, const win *w)
{
    for (size_t i = 0; i < r->n_conds; i++) {
        const vg__risk_cond *c = &r->conds[i];
        double v = c->metric == VG__M_SCORE        ? (double)w->score / 100.0
                   : c->metric == VG__M_TACTICS    ? (double)w->tactics
                   : c->metric == VG__M_TECHNIQUES ? (double)w->techniques
                   : c->metric == VG__M_RULES      ? (double)w->rules
                                                   : (double)w->events;
        int ok = c->op == VG__OP_GT    ? v > c->value
                 : c->op == VG__OP_GTE ? v >= c->value
                 : c->op == VG__OP_LT  ? v < c->value
                 : c->op == VG__OP_LTE ? v <= c->value
                 : c->op == VG__OP_EQ  ? v == c->value
                                       : v != c->value;
        if (!ok)
            return 0;
    }
    return 1;
}

const char *vg__risk_severity(const vg__risk_irule *r, double score)
{
    static const char *const names[] = {"low", "medium", "high", "critical"};
    if (r->severity)
        return r->severity;
    const char *best = "low";
    for (int i = 0; i < 4; i++)
        if (r->bands[i] >= 0 && score >= r->bands[i])
            best = names[i];
    return best;
}

static int eval_object(vg_risk_engine *e, win *w, const vg__risk_irule *r, size_t a, size_t b,
                       vg_notable_fn fn, void *ud)
{
    const vg__rev *ev = e->evs.ptr;
    const int64_t span = r->window_ms;
    size_t lo = a, i = a;
    int raised = 0;
    while (i < b) {
        size_t j = i;
        while (j < b && ev[j].t == ev[i].t)
            win_add(w, &ev[j++]);
        while (ev[lo].t < ev[i].t - span)
            win_remove(w, lo, j), lo++;
        if (!cond_holds(r, w)) {
            i = j;
            continue;
        }
        size_t k = j;
        while (k < b && ev[k].t <= ev[lo].t + span)
            k++;
        int rc = vg__risk_emit(e, r, ev, lo, k, ev[i].t, fn, ud);
        if (rc < 0)
            return rc;
        raised++;
        for (size_t x = lo; x < j; x++) /* the window was [lo, j) */
            win_remove(w, x, j);
        lo = i = k;
        if (rc > 0)
            return -rc;
    }
    for (size_t x = lo; x < b; x++)
        win_remove(w, x, b);
    return raised;
}

int vg_risk_engine_run(vg_risk_engine *e, vg_notable_fn fn, void *ud)
{
    int rc = sort_events(e);
    if (rc)
        return rc;
    size_t ns = e->srcs.len + 1, nt = e->n_tags + 1;
    win w = {0};
    w.e = e;
    w.cap100 = e->cfg->capping ? vg__risk_points(e->cfg->cap) : 0;
    w.s_n = calloc(ns, sizeof *w.s_n);
    w.s_sum = calloc(ns, sizeof *w.s_sum);
    w.s_max = calloc(ns, sizeof *w.s_max);
    w.s_maxn = calloc(ns, sizeof *w.s_maxn);
    w.t_n = calloc(nt, sizeof *w.t_n);
    w.ev = e->evs.ptr;
    int total = 0;
    if (!w.s_n || !w.s_sum || !w.s_max || !w.s_maxn || !w.t_n)
        rc = VG_ERR_NOMEM;
    const vg__rev *ev = e->evs.ptr;
    const vg__risk_irule *rules = e->cfg->irules.ptr;
    const vg__robj *objs = e->objs.ptr;
    for (size_t a = 0; a < e->evs.len && !rc;) {
        size_t b = a;
        while (b < e->evs.len && ev[b].obj == ev[a].obj)
            b++;
        for (size_t r = 0; r < e->cfg->irules.len && !rc; r++) {
            if (rules[r].object_type >= 0 && rules[r].object_type != objs[ev[a].obj].type)
                continue;
            int n = eval_object(e, &w, &rules[r], a, b, fn, ud);
            if (n < 0)
                rc = n;
            else
                total += n;
        }
        a = b;
    }
    free(w.s_n);
    free(w.s_sum);
    free(w.s_max);
    free(w.s_maxn);
    free(w.t_n);
    return rc ? rc : total;
}
