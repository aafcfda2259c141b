/*
 * stream.c - incident rules evaluated incrementally: vg_risk_engine_push and
 * vg_risk_engine_flush (what `vigil scan --risk` uses while it scans).
 *
 * Each risk object keeps its own events sorted by (time, arrival) and, per incident rule, a
 * live run of the window of window.c (counters in small per-run lists) plus the notables it
 * has closed. An event that is not earlier than its object's newest is appended and stepped
 * at once: a notable fires the moment its condition holds (for a rule whose conditions are all
 * gt/gte; any other rule waits until its timestamp group is complete, i.e. until an event with
 * a later time arrives or the flush).
 *
 * A late event (earlier than the object's newest, or a negative score at the newest time,
 * which could undo a condition checked on part of its group) is parked. Settling merges the
 * parked events into the sorted list and re-runs each rule from its last *restart point*
 * before them: the end of the last closed notable whose window ends before the earliest late
 * event (or the object's first event). Evaluation after such a point depends only on the
 * events after it, because a notable consumes its window and the run restarts empty; so the
 * re-run gives what the batch gives. Notables raised before and no longer raised are reported
 * withdrawn, new ones raised. A settle costs the events after the restart point; it happens at
 * once when that is at most 256 events or at most 8 times the events that arrived for the
 * object since it was last settled, else later (amortised: the total work stays linear even
 * when a whole file arrives late), and always at flush.
 *
 * flush settles everything and builds every notable, closed or still open, in the batch's
 * (object, rule, window) order; since both run the same steps over the same sorted events,
 * they are the batch's notables. Flushing changes nothing else: more events may follow.
 */
#include <stdlib.h>
#include <string.h>

#include "risk.h"

typedef struct sclosed {
    size_t lo, hi;
    int64_t trigger;
} sclosed;

typedef struct srun {
    vg__wrun run;
    vg__vec closed; /* sclosed, in time order */
} srun;

typedef struct sobj {
    vg__vec ev;       /* vg__rev sorted by (t, seq) */
    vg__vec late;     /* vg__rev parked, not merged yet */
    size_t since;     /* events for this object since it was last settled */
    int64_t late_min; /* the earliest parked time */
    srun *runs;       /* one per incident rule; NULL until the first event */
} sobj;

enum { SETTLE_NOW_EVENTS = 256, SETTLE_FACTOR = 8 };

void vg__risk_stream_free(vg_risk_engine *e)
{
    sobj *o = e->sobjs.ptr;
    for (size_t i = 0; i < e->sobjs.len; i++) {
        vg__vec_free(&o[i].ev);
        vg__vec_free(&o[i].late);
        for (size_t r = 0; o[i].runs && r < e->cfg->irules.len; r++) {
            vg__win_free(&o[i].runs[r].run.w);
            vg__vec_free(&o[i].runs[r].closed);
        }
        free(o[i].runs);
    }
    vg__vec_free(&e->sobjs);
}

static const vg__risk_irule *rule_at(const vg_risk_engine *e, size_t r)
{
    return &((const vg__risk_irule *)e->cfg->irules.ptr)[r];
}

/* Does incident rule r apply to object id? */
static int applies(const vg_risk_engine *e, size_t r, uint32_t obj)
{
    int t = rule_at(e, r)->object_type;
    return t < 0 || t == ((const vg__robj *)e->objs.ptr)[obj].type;
}

static sobj *object_state(vg_risk_engine *e, uint32_t obj)
{
    while (e->sobjs.len <= obj)
        if (!vg__vec_push(&e->sobjs, sizeof(sobj)))
            return NULL;
    sobj *o = &((sobj *)e->sobjs.ptr)[obj];
    if (!o->runs) {
        size_t n = e->cfg->irules.len;
        o->runs = calloc(n ? n : 1, sizeof *o->runs);
        if (!o->runs)
            return NULL;
        for (size_t r = 0; r < n; r++) {
            o->runs[r].run.w.e = e;
            o->runs[r].run.w.cap100 = e->cfg->capping ? vg__risk_points(e->cfg->cap) : 0;
        }
    }
    return o;
}

/* ---------------------------------------------------------------- reporting */

typedef struct chg {
    vg_notable_change what;
    vg_notable_change_fn fn;
    void *ud;
} chg;

static int on_change(const vg_notable *n, void *ud)
{
    chg *c = ud;
    return c->fn(c->what, n, c->ud);
}

/* Tell fn of a raised notable [lo, hi). Returns 0 or a negative code. */
static int report_raised(vg_risk_engine *e, const vg__risk_irule *r, const sobj *o, size_t lo,
                         size_t hi, int64_t trigger, vg_notable_change_fn fn, void *ud)
{
    if (!fn)
        return 0;
    chg c = {VG_NOTABLE_RAISED, fn, ud};
    int rc = vg__risk_emit(e, r, o->ev.ptr, lo, hi, trigger, on_change, &c);
    return rc > 0 ? -rc : rc;
}

static int report_withdrawn(vg_risk_engine *e, const vg__risk_irule *r, uint32_t obj, int64_t start,
                            vg_notable_change_fn fn, void *ud)
{
    if (!fn)
        return 0;
    const vg__robj *ro = &((const vg__robj *)e->objs.ptr)[obj];
    char id[24];
    vg_notable n;
    memset(&n, 0, sizeof n);
    n.object = vg__risk_str(e, ro->name);
    n.object_type = (vg_risk_object_type)ro->type;
    vg__risk_notable_id(r->id, n.object_type, n.object, start, id, sizeof id);
    n.id = id;
    n.incident_rule = r->id;
    n.title = n.severity = n.tactics = n.techniques = "";
    n.window_start_ms = start;
    n.window_end_ms = start + r->window_ms;
    n.window_ms = r->window_ms;
    int rc = fn(VG_NOTABLE_WITHDRAWN, &n, ud);
    return rc > 0 ? -rc : rc;
}

/* ---------------------------------------------------------------- live steps */

typedef struct lctx {
    vg_risk_engine *e;
    sobj *o;
    srun *s;
    const vg__risk_irule *r;
    vg_notable_change_fn fn; /* NULL while settling: changes are worked out afterwards */
    void *ud;
} lctx;

static int on_step(void *ctx, int what, size_t lo, size_t hi, int64_t trigger)
{
    lctx *x = ctx;
    if (what == VG__W_FIRED)
        return report_raised(x->e, x->r, x->o, lo, hi, trigger, x->fn, x->ud);
    sclosed *c = vg__vec_push(&x->s->closed, sizeof *c);
    if (!c)
        return VG_ERR_NOMEM;
    *c = (sclosed){lo, hi, trigger};
    return 0;
}

/* Step every rule over the object's newest event. */
static int step_all(vg_risk_engine *e, sobj *o, uint32_t obj, vg_notable_change_fn fn, void *ud)
{
    const vg__rev *ev = o->ev.ptr;
    for (size_t r = 0; r < e->cfg->irules.len; r++) {
        if (!applies(e, r, obj))
            continue;
        lctx x = {e, o, &o->runs[r], rule_at(e, r), fn, ud};
        int rc = vg__wrun_step(&o->runs[r].run, x.r, ev, -1, on_step, &x);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------- late events */

static int cmp_rev(const void *pa, const void *pb)
{
    const vg__rev *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The restart point of rule r before time tl: the end of the last closed notable whose window
 * ends before tl (*keep: the closed notables kept), or 0. */
static size_t restart_of(const sobj *o, const srun *s, const vg__risk_irule *r, int64_t tl,
                         size_t *keep)
{
    const vg__rev *ev = o->ev.ptr;
    const sclosed *c = s->closed.ptr;
    for (size_t j = s->closed.len; j-- > 0;)
        if (ev[c[j].lo].t + r->window_ms < tl) {
            *keep = j + 1;
            return c[j].hi;
        }
    *keep = 0;
    return 0;
}

/* Merge the parked events into the sorted ones. */
static int merge_late(sobj *o)
{
    vg__rev *l = o->late.ptr;
    size_t nl = o->late.len, ne = o->ev.len;
    qsort(l, nl, sizeof *l, cmp_rev);
    for (size_t k = 0; k < nl; k++)
        if (!vg__vec_push(&o->ev, sizeof(vg__rev)))
            return VG_ERR_NOMEM;
    vg__rev *ev = o->ev.ptr;
    /* merge from the back: ev[0, ne) and l[0, nl) into ev[0, ne + nl) */
    size_t i = ne, j = nl, k = ne + nl;
    while (j > 0) {
        if (i > 0 && cmp_rev(&ev[i - 1], &l[j - 1]) > 0)
            ev[--k] = ev[--i];
        else
            ev[--k] = l[--j];
    }
    o->late.len = 0;
    return 0;
}

static int has_start(const int64_t *v, size_t n, int64_t t)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == t)
            return 1;
    return 0;
}

/* Window starts of the notables of run s from closed index keep on (and the open one). */
static int starts_of(const sobj *o, const srun *s, size_t keep, vg__vec *out)
{
    const vg__rev *ev = o->ev.ptr;
    const sclosed *c = s->closed.ptr;
    out->len = 0;
    for (size_t j = keep; j <= s->closed.len; j++) {
        if (j == s->closed.len && !s->run.open)
            break;
        int64_t *slot = vg__vec_push(out, sizeof *slot);
        if (!slot)
            return VG_ERR_NOMEM;
        *slot = ev[j < s->closed.len ? c[j].lo : s->run.open_lo].t;
    }
    return 0;
}

/* Re-run rule r from its restart point over the merged events, then report the change. */
static int rerun(vg_risk_engine *e, sobj *o, uint32_t obj, size_t r, size_t keep,
                 const vg__vec *before, vg__vec *after, vg_notable_change_fn fn, void *ud)
{
    srun *s = &o->runs[r];
    const vg__risk_irule *ru = rule_at(e, r);
    const vg__rev *ev = o->ev.ptr;
    size_t n = o->ev.len;
    lctx x = {e, o, s, ru, NULL, NULL};
    int rc = 0;
    while (!rc && s->run.i < n) {
        size_t i = s->run.i;
        rc = vg__wrun_step(&s->run, ru, ev, i + 1 < n ? ev[i + 1].t != ev[i].t : -1, on_step, &x);
    }
    if (rc || (rc = starts_of(o, s, keep, after)))
        return rc;
    const int64_t *b = before->ptr, *a = after->ptr;
    for (size_t k = 0; k < before->len && !rc; k++)
        if (!has_start(a, after->len, b[k]))
            rc = report_withdrawn(e, ru, obj, b[k], fn, ud);
    const sclosed *c = s->closed.ptr;
    for (size_t j = keep; j <= s->closed.len && !rc; j++) {
        if (j == s->closed.len && !s->run.open)
            break;
        size_t lo = j < s->closed.len ? c[j].lo : s->run.open_lo;
        size_t hi = j < s->closed.len ? c[j].hi : n;
        int64_t tr = j < s->closed.len ? c[j].trigger : s->run.trigger;
        if (!has_start(b, before->len, ev[lo].t))
            rc = report_raised(e, ru, o, lo, hi, tr, fn, ud);
    }
    return rc;
}

static int settle(vg_risk_engine *e, sobj *o, uint32_t obj, vg_notable_change_fn fn, void *ud)
{
    size_t nr = e->cfg->irules.len;
    int64_t tl = o->late_min;
    size_t *restart = calloc(nr ? nr : 1, sizeof *restart),
           *keep = calloc(nr ? nr : 1, sizeof *keep);
    vg__vec *before = calloc(nr ? nr : 1, sizeof *before), after = {0};
    int rc = restart && keep && before ? 0 : VG_ERR_NOMEM;
    for (size_t r = 0; r < nr && !rc; r++) {
        if (!applies(e, r, obj))
            continue;
        srun *s = &o->runs[r];
        restart[r] = restart_of(o, s, rule_at(e, r), tl, &keep[r]);
        if ((rc = starts_of(o, s, keep[r], &before[r])))
            break;
        s->closed.len = keep[r];
        vg__win_clear(&s->run.w, o->ev.ptr, s->run.lo, s->run.i);
        s->run.lo = s->run.i = restart[r];
        s->run.open = s->run.pending = 0;
    }
    if (!rc)
        rc = merge_late(o);
    for (size_t r = 0; r < nr && !rc; r++)
        if (applies(e, r, obj))
            rc = rerun(e, o, obj, r, keep[r], &before[r], &after, fn, ud);
    for (size_t r = 0; before && r < nr; r++)
        vg__vec_free(&before[r]);
    vg__vec_free(&after);
    free(restart);
    free(keep);
    free(before);
    o->since = 0;
    return rc;
}

/* Settle now if it is cheap enough (see the top of the file). */
static int maybe_settle(vg_risk_engine *e, sobj *o, uint32_t obj, vg_notable_change_fn fn, void *ud)
{
    int64_t tl = o->late_min;
    size_t n = o->ev.len + o->late.len, from = n;
    for (size_t r = 0; r < e->cfg->irules.len; r++) {
        size_t keep, at;
        if (applies(e, r, obj) &&
            (at = restart_of(o, &o->runs[r], rule_at(e, r), tl, &keep)) < from)
            from = at;
    }
    size_t work = n - from;
    if (work > SETTLE_NOW_EVENTS && o->since * SETTLE_FACTOR < work)
        return 0;
    return settle(e, o, obj, fn, ud);
}

/* ---------------------------------------------------------------- the API */

int vg_risk_engine_push(vg_risk_engine *e, const vg_risk_event *re, int calculate,
                        vg_notable_change_fn fn, void *ud)
{
    if (e->mode == 1)
        return VG_ERR_INVAL;
    vg__rev x;
    int rc = vg__risk_make_rev(e, re, calculate, &x);
    if (rc)
        return rc;
    e->mode = 2;
    sobj *o = object_state(e, x.obj);
    if (!o)
        return VG_ERR_NOMEM;
    e->pushed++;
    o->since++;
    const vg__rev *last = o->ev.len ? &((const vg__rev *)o->ev.ptr)[o->ev.len - 1] : NULL;
    if (o->late.len || (last && (x.t < last->t || (x.t == last->t && x.pts < 0)))) {
        vg__rev *slot = vg__vec_push(&o->late, sizeof *slot);
        if (!slot)
            return VG_ERR_NOMEM;
        *slot = x;
        if (o->late.len == 1 || x.t < o->late_min)
            o->late_min = x.t;
        return maybe_settle(e, o, x.obj, fn, ud);
    }
    vg__rev *slot = vg__vec_push(&o->ev, sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = x;
    o->since = 0;
    return step_all(e, o, x.obj, fn, ud);
}

typedef struct oref {
    const char *name;
    uint8_t type;
    uint32_t id;
} oref;

static int cmp_oref(const void *pa, const void *pb)
{
    const oref *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->type > b->type) - (a->type < b->type);
}

int vg_risk_engine_flush(vg_risk_engine *e, vg_notable_fn fn, void *ud)
{
    if (e->mode == 1)
        return vg_risk_engine_run(e, fn, ud);
    sobj *os = e->sobjs.ptr;
    const vg__robj *ro = e->objs.ptr;
    oref *order = malloc((e->sobjs.len ? e->sobjs.len : 1) * sizeof *order);
    if (!order)
        return VG_ERR_NOMEM;
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < e->sobjs.len && !rc; i++) {
        if (os[i].late.len)
            rc = settle(e, &os[i], (uint32_t)i, NULL, NULL);
        if (os[i].ev.len)
            order[n++] = (oref){vg__risk_str(e, ro[i].name), ro[i].type, (uint32_t)i};
    }
    qsort(order, n, sizeof *order, cmp_oref);
    vg__risk_emitter f = {e, NULL, NULL, fn, ud, 0};
    for (size_t k = 0; k < n && !rc; k++) {
        sobj *o = &os[order[k].id];
        f.ev = o->ev.ptr;
        for (size_t r = 0; r < e->cfg->irules.len && !rc; r++) {
            if (!applies(e, r, order[k].id))
                continue;
            f.r = rule_at(e, r);
            const sclosed *c = o->runs[r].closed.ptr;
            for (size_t j = 0; j < o->runs[r].closed.len && !rc; j++)
                rc = vg__risk_emit_closed(&f, VG__W_CLOSED, c[j].lo, c[j].hi, c[j].trigger);
            if (!rc)
                rc = vg__wrun_end(&o->runs[r].run, f.r, f.ev, o->ev.len, vg__risk_emit_closed, &f);
        }
    }
    free(order);
    return rc < 0 ? rc : f.count;
}
