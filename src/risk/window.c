/*
 * window.c - one incident rule sliding over one object's risk events: the step machine that
 * both the batch evaluation (engine.c) and the incremental one (stream.c) run, so that the two
 * cannot disagree.
 *
 * The events of an object are sorted by (time, arrival). A run keeps the window [lo, i): the
 * events at most the rule's timespan before the newest. Each step adds ev[i], drops from the
 * left the events older than ev[i].t - timespan and, when the timestamp group of ev[i] is
 * complete, checks the condition. When it holds the notable *fires*: its window starts at the
 * first event in the window, F = ev[lo].t, and the run becomes *open*: every later event up to
 * F + timespan joins it without being evaluated (that is the throttle). The first event after
 * F + timespan *closes* it (the notable is [open_lo, that event)) and starts a new, empty
 * window. The caller hears of fires and closes through a callback.
 *
 * Whether a group is complete: the batch knows (the next event has a later time or there is
 * none). A live stream does not; a rule whose conditions are all gt/gte is checked at once,
 * because adding events (with non-negative scores) only raises every metric, so a condition
 * that holds on part of a group holds on all of it; any other rule waits (pending) until an
 * event with a later time arrives or the evaluation ends.
 *
 * Window counters are kept per source rule (events, sum, largest score and how many events
 * carry it) and per tactic / technique, giving every metric in O(1) per step; the capped score
 * of a source is min(sum, cap x max). They live either in dense arrays indexed by source and
 * tag id, shared by all objects (the batch evaluates one object at a time and empties them), or
 * in small per-run lists (the stream keeps a run per object and rule alive at once).
 */
#include <stdlib.h>
#include <string.h>

#include "risk.h"

/* ---------------------------------------------------------------- counters */

static vg__wsrc *src_slot(vg__win *w, uint32_t s, int create)
{
    if (w->dsrc)
        return &w->dsrc[s];
    vg__wsrc *a = w->ssrc.ptr;
    for (size_t k = 0; k < w->ssrc.len; k++)
        if (a[k].src == s)
            return &a[k];
    if (!create)
        return NULL;
    vg__wsrc *n = vg__vec_push(&w->ssrc, sizeof *n);
    if (!n) {
        w->oom = 1;
        return NULL;
    }
    n->src = s;
    return n;
}

/* Drop an emptied sparse source entry. */
static void src_drop(vg__win *w, vg__wsrc *x)
{
    if (w->dsrc)
        return;
    vg__wsrc *a = w->ssrc.ptr;
    *x = a[--w->ssrc.len];
}

static void tag_step(vg__win *w, uint32_t id, int d, size_t *distinct)
{
    if (w->dtag) {
        if (d > 0 && w->dtag[id]++ == 0)
            ++*distinct;
        if (d < 0 && --w->dtag[id] == 0)
            --*distinct;
        return;
    }
    vg__wtag *a = w->stag.ptr;
    size_t k = 0;
    while (k < w->stag.len && a[k].tag != id)
        k++;
    if (k == w->stag.len) {
        if (d < 0)
            return; /* cannot happen: removed tags were added */
        vg__wtag *n = vg__vec_push(&w->stag, sizeof *n);
        if (!n) {
            w->oom = 1;
            return;
        }
        n->tag = id;
        a = w->stag.ptr;
    }
    if (d > 0 && a[k].n++ == 0)
        ++*distinct;
    if (d < 0 && --a[k].n == 0) {
        --*distinct;
        a[k] = a[--w->stag.len];
    }
}

static void tags_step(vg__win *w, const vg__rsrc *s, int d)
{
    const uint32_t *pool = w->e->tagpool.ptr;
    for (uint32_t i = 0; i < s->n_tac; i++)
        tag_step(w, pool[s->tac_off + i], d, &w->tactics);
    for (uint32_t i = 0; i < s->n_tech; i++)
        tag_step(w, pool[s->tech_off + i], d, &w->techniques);
}

static int64_t counted(const vg__win *w, const vg__wsrc *x)
{
    if (!w->cap100)
        return x->sum;
    int64_t c = (int64_t)x->max * w->cap100 / 100;
    return x->sum < c ? x->sum : c;
}

static void win_add(vg__win *w, const vg__rev *x)
{
    vg__wsrc *s = src_slot(w, x->src, 1);
    if (!s)
        return;
    w->score -= counted(w, s);
    if (s->n++ == 0) {
        w->rules++;
        s->max = x->pts;
        s->maxn = 1;
    } else if (x->pts > s->max) {
        s->max = x->pts;
        s->maxn = 1;
    } else if (x->pts == s->max) {
        s->maxn++;
    }
    s->sum += x->pts;
    w->score += counted(w, s);
    w->events++;
    tags_step(w, &((const vg__rsrc *)w->e->srcs.ptr)[x->src], 1);
}

/* Remove ev[i]; the window is then ev[i+1 .. hi). */
static void win_remove(vg__win *w, const vg__rev *ev, size_t i, size_t hi)
{
    const vg__rev *x = &ev[i];
    vg__wsrc *s = src_slot(w, x->src, 0);
    if (!s)
        return;
    w->score -= counted(w, s);
    s->sum -= x->pts;
    if (--s->n == 0) {
        w->rules--;
        s->max = 0;
        s->maxn = 0;
        s->sum = 0;
    } else if (x->pts == s->max && --s->maxn == 0) {
        /* the largest score left: find the next largest in the window (rare) */
        int32_t m = INT32_MIN;
        uint32_t mn = 0;
        for (size_t k = i + 1; k < hi; k++)
            if (ev[k].src == x->src) {
                if (ev[k].pts > m) {
                    m = ev[k].pts;
                    mn = 1;
                } else if (ev[k].pts == m) {
                    mn++;
                }
            }
        s->max = m;
        s->maxn = mn;
    }
    w->score += counted(w, s);
    w->events--;
    tags_step(w, &((const vg__rsrc *)w->e->srcs.ptr)[x->src], -1);
    if (!s->n)
        src_drop(w, s);
}

void vg__win_clear(vg__win *w, const vg__rev *ev, size_t lo, size_t hi)
{
    if (w->dsrc) {
        for (size_t k = lo; k < hi; k++)
            win_remove(w, ev, k, hi);
        return;
    }
    w->ssrc.len = 0;
    w->stag.len = 0;
    w->rules = w->tactics = w->techniques = w->events = 0;
    w->score = 0;
}

void vg__win_free(vg__win *w)
{
    vg__vec_free(&w->ssrc);
    vg__vec_free(&w->stag);
}

/* ---------------------------------------------------------------- conditions */

int vg__risk_cond_holds(const vg__risk_irule *r, const vg__win *w)
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

/* ---------------------------------------------------------------- the run */

static int fire(vg__wrun *s, const vg__rev *ev, int64_t trigger, vg__wnote note, void *ctx)
{
    s->open = 1;
    s->open_lo = s->lo;
    s->trigger = trigger;
    vg__win_clear(&s->w, ev, s->lo, s->i);
    return note ? note(ctx, VG__W_FIRED, s->open_lo, s->i, trigger) : 0;
}

int vg__wrun_step(vg__wrun *s, const vg__risk_irule *r, const vg__rev *ev, int group_end,
                  vg__wnote note, void *ctx)
{
    const vg__rev *x = &ev[s->i];
    const int64_t span = r->window_ms;
    int rc;
    if (s->pending && x->t != ev[s->i - 1].t) { /* the last group is complete: check it */
        s->pending = 0;
        if (vg__risk_cond_holds(r, &s->w) && (rc = fire(s, ev, ev[s->i - 1].t, note, ctx)))
            return rc;
    }
    if (s->open) {
        if (x->t <= ev[s->open_lo].t + span) { /* joins the open notable */
            s->i++;
            return 0;
        }
        s->open = 0;
        s->lo = s->i;
        rc = note ? note(ctx, VG__W_CLOSED, s->open_lo, s->i, s->trigger) : 0;
        if (rc)
            return rc;
    }
    win_add(&s->w, x);
    s->i++;
    while (ev[s->lo].t < x->t - span) {
        win_remove(&s->w, ev, s->lo, s->i);
        s->lo++;
    }
    if (s->w.oom)
        return VG_ERR_NOMEM;
    if (group_end == 0)
        return 0;
    if (group_end < 0 && !r->monotone) {
        s->pending = 1;
        return 0;
    }
    return vg__risk_cond_holds(r, &s->w) ? fire(s, ev, x->t, note, ctx) : 0;
}

int vg__wrun_end(const vg__wrun *s, const vg__risk_irule *r, const vg__rev *ev, size_t n,
                 vg__wnote note, void *ctx)
{
    if (s->pending && vg__risk_cond_holds(r, &s->w))
        return note(ctx, VG__W_CLOSED, s->lo, n, ev[n - 1].t);
    if (s->open)
        return note(ctx, VG__W_CLOSED, s->open_lo, n, s->trigger);
    return 0;
}
