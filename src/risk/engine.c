/*
 * engine.c - incident rules over the risk index, in batch: the risk events, per object, in
 * event time.
 *
 * Risk events are copied into compact records (time, score in hundredths, interned object,
 * source and strings), so ten million of them fit in a few hundred megabytes. The object of a
 * risk event is its normalised name (vg__risk_normalize: CORP\alice and alice@corp.local are
 * the user alice); the name as written is kept with each event. run sorts the records by
 * (object, time, arrival): arrival order never matters, which is what makes out-of-order input
 * and batch re-evaluation give the same notables. Then, per object and per incident rule, the
 * sliding window of window.c steps over the sorted events (counters in dense arrays shared by
 * all objects, emptied after each) and every notable it closes is built (notable.c) and handed
 * to the caller: one notable per object and rule per window, whatever the arrival order.
 * stream.c evaluates the same incident rules incrementally, with the same window code.
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
    vg__risk_stream_free(e);
    vg__smap_free(&e->strmap);
    vg__smap_free(&e->objmap);
    vg__smap_free(&e->srcmap);
    vg__smap_free(&e->tagmap);
    vg__vec_free(&e->strs);
    vg__vec_free(&e->objs);
    vg__vec_free(&e->srcs);
    vg__vec_free(&e->tagpool);
    vg__vec_free(&e->tagnames);
    vg__vec_free(&e->tagseen);
    vg__vec_free(&e->evs);
    vg__arena_free(&e->arena);
    free(e);
}

/* Tag ids of a comma-separated list of tactics (part 0) or techniques (part 1), appended to
 * the pool; returns the count. A tactic and a technique never share an id. */
static uint32_t add_tags(vg_risk_engine *e, const char *csv, int part, int *err)
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
            char *k = vg__arena_alloc(&e->arena, l + 2); /* key: the part, then the name */
            if (!k) {
                *err = VG_ERR_NOMEM;
                break;
            }
            k[0] = (char)('0' + part);
            memcpy(k + 1, p, l);
            k[l + 1] = 0;
            if (!vg__smap_next(&e->tagmap, k, l + 1, &it, &id)) {
                const char **name = vg__vec_push(&e->tagnames, sizeof *name);
                id = (uint32_t)e->n_tags++;
                if (!name || vg__smap_add(&e->tagmap, k, l + 1, id))
                    *err = VG_ERR_NOMEM;
                else
                    *name = k + 1;
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
    const char *parts[] = {re->rule_id, re->rule_title, re->tactics, re->techniques};
    for (int i = 0; i < 4; i++) { /* the key: the four strings, 0x1f between them */
        if (i)
            vg__buf_addc(&k, '\x1f');
        if (parts[i])
            vg__buf_add(&k, parts[i], strlen(parts[i]));
    }
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
            s->n_tac = add_tags(e, ta, 0, err);
            s->tech_off = (uint32_t)e->tagpool.len;
            s->n_tech = add_tags(e, te, 1, err);
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
    char norm[512];
    vg__risk_normalize(e->cfg, t, name, norm, sizeof norm);
    int n = snprintf(key, sizeof key, "%d:%s", (int)t, norm);
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
    o->name = intern(e, norm, strlen(norm), err);
    o->type = (uint8_t)t;
    return (uint32_t)(e->objs.len - 1);
}

int vg__risk_make_rev(vg_risk_engine *e, const vg_risk_event *re, int calculate, vg__rev *x)
{
    if (!re->object || !*re->object)
        return VG_ERR_INVAL;
    int err = 0;
    memset(x, 0, sizeof *x);
    x->t = re->time_ms;
    x->base = vg__risk_score_points(re->base_score);
    x->obj = object_of(e, re->object, re->object_type, &err);
    x->raw = intern(e, re->object, strlen(re->object), &err);
    x->src = source_of(e, re, &err);
    const char *th = re->threats ? re->threats : "";
    const char *rf = re->ref ? re->ref : "";
    x->threats = intern(e, th, strlen(th), &err);
    x->ref = intern(e, rf, strlen(rf), &err);
    if (calculate) {
        vg__buf b;
        vg__buf_init(&b);
        x->pts = vg__risk_score_points(
            (double)vg__risk_calculate(e->cfg, re->object_type, re->object, re->base_score, &b) /
            100.0);
        x->arith = b.oom ? 0 : intern(e, b.ptr ? b.ptr : "", b.len, &err);
        if (b.oom)
            err = VG_ERR_NOMEM;
        vg__buf_free(&b);
    } else {
        const char *a = re->arithmetic ? re->arithmetic : "";
        x->pts = vg__risk_score_points(re->score);
        x->arith = intern(e, a, strlen(a), &err);
    }
    x->seq = e->n_seq++;
    return err;
}

int vg_risk_engine_add(vg_risk_engine *e, const vg_risk_event *re, int calculate)
{
    if (e->mode == 2)
        return VG_ERR_INVAL;
    vg__rev x;
    int rc = vg__risk_make_rev(e, re, calculate, &x);
    if (rc)
        return rc;
    vg__rev *slot = vg__vec_push(&e->evs, sizeof *slot);
    if (!slot)
        return VG_ERR_NOMEM;
    *slot = x;
    e->mode = 1;
    e->sorted = 0;
    return 0;
}

size_t vg_risk_engine_count(const vg_risk_engine *e)
{
    return e->mode == 2 ? e->pushed : e->evs.len;
}

static int cmp_time(const void *pa, const void *pb)
{
    const vg__rev *a = pa, *b = pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sort the records by (object, time, arrival) in place: the records are moved to their
 * object's slice by following permutation cycles (an American flag sort on the object id,
 * which needs one counter per object and no copy of the records), then each object's slice is
 * sorted by (time, arrival). Returns 0 or VG_ERR_NOMEM. */
static int sort_records(vg__rev *ev, size_t n, size_t n_objects)
{
    size_t *start = calloc(n_objects + 1, sizeof *start);
    size_t *next = malloc((n_objects + 1) * sizeof *next);
    if (!start || !next) {
        free(start);
        free(next);
        return VG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        start[ev[i].obj + 1]++;
    for (size_t o = 0; o < n_objects; o++)
        start[o + 1] += start[o];
    memcpy(next, start, (n_objects + 1) * sizeof *next);
    for (size_t o = 0; o < n_objects; o++)
        while (next[o] < start[o + 1]) { /* place ev[next[o]]; swap what was there onwards */
            vg__rev x = ev[next[o]];
            while (x.obj != o) {
                vg__rev y = ev[next[x.obj]];
                ev[next[x.obj]++] = x;
                x = y;
            }
            ev[next[o]++] = x;
        }
    for (size_t o = 0; o < n_objects; o++)
        if (start[o + 1] - start[o] > 1)
            qsort(ev + start[o], start[o + 1] - start[o], sizeof *ev, cmp_time);
    free(start);
    free(next);
    return 0;
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
    if (sort_records(e->evs.ptr, e->evs.len, n))
        return VG_ERR_NOMEM;
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
    v->object = vg__risk_str(e, x->raw);
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
    if (e->mode == 2 || i >= e->evs.len || sort_events(e))
        return NULL;
    vg__risk_view(e, &((vg__rev *)e->evs.ptr)[i], &e->view, e->view_time, sizeof e->view_time);
    return &e->view;
}

/* ---------------------------------------------------------------- evaluation */

/* One incident rule over the object's events ev[a, b); the dense counters are empty before
 * and after. Returns the number of notables or a negative code. */
static int eval_object(vg_risk_engine *e, vg__win *w, const vg__risk_irule *r, size_t a, size_t b,
                       vg_notable_fn fn, void *ud)
{
    const vg__rev *ev = e->evs.ptr;
    vg__wrun s;
    memset(&s, 0, sizeof s);
    s.w = *w;
    s.lo = s.i = a;
    vg__risk_emitter x = {e, r, ev, fn, ud, 0};
    int rc = 0;
    while (!rc && s.i < b) {
        size_t i = s.i;
        rc = vg__wrun_step(&s, r, ev, i + 1 == b || ev[i + 1].t != ev[i].t, vg__risk_emit_closed,
                           &x);
    }
    if (!rc)
        rc = vg__wrun_end(&s, r, ev, b, vg__risk_emit_closed, &x);
    if (!s.open)
        vg__win_clear(&s.w, ev, s.lo, s.i);
    *w = s.w;
    return rc < 0 ? rc : x.count;
}

int vg_risk_engine_run(vg_risk_engine *e, vg_notable_fn fn, void *ud)
{
    if (e->mode == 2)
        return vg_risk_engine_flush(e, fn, ud);
    int rc = sort_events(e);
    if (rc)
        return rc;
    size_t ns = e->srcs.len + 1, nt = e->n_tags + 1;
    vg__win w;
    memset(&w, 0, sizeof w);
    w.e = e;
    w.cap100 = e->cfg->capping ? vg__risk_points(e->cfg->cap) : 0;
    w.dsrc = calloc(ns, sizeof *w.dsrc);
    w.dtag = calloc(nt, sizeof *w.dtag);
    int total = 0;
    if (!w.dsrc || !w.dtag)
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
    free(w.dsrc);
    free(w.dtag);
    return rc ? rc : total;
}
