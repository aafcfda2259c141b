/*
 * risk.h - internal model of risk-based alerting: the configuration (base scores, overrides,
 * factors, inventories, incident rules, object normalisation), the engine's compact risk
 * events, the sliding window shared by the batch and incremental evaluations, and helpers
 * shared by the files of src/risk/.
 *
 * Scores are kept as integer hundredths of a point inside the engine (calculated scores are
 * rounded to 0.01 when they are made), so that the sliding-window sums that add and remove
 * scores stay exact whatever the order of operations. Strings of the configuration live in its
 * arena; the engine interns objects, rules, tactics and techniques into small integers.
 */
#ifndef VG_RISK_H
#define VG_RISK_H

#include "../base/base.h"
#include "../sigma/yaml.h"

/* ---- configuration ---- */

typedef struct vg__risk_override {
    const char *match; /* rule id, rule name or tag, compared case-insensitively */
    double score;
} vg__risk_override;

/* A risk factor: when every condition set holds for the object's inventory entry (or name),
 * the score is multiplied by mul and add is added. */
typedef struct vg__risk_factor {
    const char *name;
    int object_type;      /* vg_risk_object_type, or -1 for any */
    const char *priority; /* NULL = any */
    const char *category; /* one of the entry's categories; NULL = any */
    const char *bunit;
    int watchlist;       /* -1 any, 0/1 */
    const char *pattern; /* glob on the object name; NULL = any */
    double mul, add;
} vg__risk_factor;

/* An asset or identity inventory row. */
typedef struct vg__risk_entry {
    const char *name; /* lower-cased; may hold * and ? */
    int glob;
    const char *priority, *category, *bunit; /* category: "|"-separated, lower-cased */
    int watchlist;
} vg__risk_entry;

enum { VG__M_SCORE, VG__M_TACTICS, VG__M_TECHNIQUES, VG__M_RULES, VG__M_EVENTS, VG__M_COUNT };
enum { VG__OP_GT, VG__OP_GTE, VG__OP_LT, VG__OP_LTE, VG__OP_EQ, VG__OP_NEQ };

typedef struct vg__risk_cond {
    int metric, op;
    double value;
} vg__risk_cond;

#define VG_RISK_MAX_CONDS 8

/* An incident rule. */
typedef struct vg__risk_irule {
    const char *id, *title; /* title may hold {object}, {object_type}, {score}, {rules}, ... */
    int64_t window_ms;
    int object_type; /* -1 any */
    vg__risk_cond conds[VG_RISK_MAX_CONDS];
    size_t n_conds;
    const char *severity; /* fixed severity, or NULL to use bands */
    double bands[4];      /* low, medium, high, critical: minimum score; < 0 unset */
    int monotone;         /* every condition is gt or gte: adding events never undoes it */
} vg__risk_irule;

typedef struct vg__risk_threat {
    const char *kind, *field;
} vg__risk_threat;

struct vg_risk_config {
    vg__arena arena;
    double base[6];                                                 /* by vg_level */
    vg__vec overrides;                                              /* vg__risk_override */
    vg__vec factors;                                                /* vg__risk_factor */
    vg__vec assets;                                                 /* vg__risk_entry */
    vg__vec identities;                                             /* vg__risk_entry */
    vg__vec irules;                                                 /* vg__risk_irule */
    vg__vec system_fields, user_fields, ignore_users, other_fields; /* const char * */
    vg__vec threats;                                                /* vg__risk_threat */
    int capping;
    double cap;
    int retention_days;
    int norm_users, norm_systems; /* VG__NORM_* */
};

/* How object names become risk objects (the normalize section). */
enum { VG__NORM_NONE, VG__NORM_FOLD, VG__NORM_SHORT };

/* config.c */
int vg__risk_parse_span(const char *s, int64_t *ms);
/* Parse a configuration or incident-rules text held in memory (name for diagnostics); the
 * same as vg_risk_config_load / _load_rules on a file. */
int vg__risk_config_load_text(vg_risk_config *c, const char *text, size_t len, const char *name,
                              int rules, vg_diags *diags);
/* The risk object a name stands for: users without their domain and case-folded, systems by
 * their short name (docs/risk.md, "Risk objects"). Writes a NUL-terminated key into buf and
 * returns its length. */
size_t vg__risk_normalize(const vg_risk_config *c, vg_risk_object_type t, const char *name,
                          char *buf, size_t cap);
/* inventory.c */
/* An inventory CSV held in memory (assets = 1: systems, else identities). */
int vg__risk_load_csv_text(vg_risk_config *c, char *text, const char *name, int assets,
                           vg_diags *diags);
const vg__risk_entry *vg__risk_lookup(const vg_risk_config *c, vg_risk_object_type t,
                                      const char *object);
/* Apply the factors: *score (hundredths) from base; arithmetic text into b. */
int64_t vg__risk_calculate(const vg_risk_config *c, vg_risk_object_type t, const char *object,
                           double base, vg__buf *b);
/* score.c */
void vg__risk_fmt_points(char *buf, size_t cap, int64_t hundredths);
void vg__risk_iso(int64_t ms, char *buf, size_t cap);
int64_t vg__risk_points(double v); /* to hundredths, rounded */
/* A score to hundredths, clamped to +-VG_RISK_MAX_SCORE (NaN is 0). */
int32_t vg__risk_score_points(double v);
/* ---- the engine (engine.c) ---- */

typedef struct vg__rev {
    int64_t t;
    int32_t pts, base; /* hundredths */
    uint32_t obj;      /* the risk object (normalised name and type) */
    uint32_t raw;      /* the name as the event wrote it (string id) */
    uint32_t src, threats, ref, arith, seq;
} vg__rev;

typedef struct vg__rsrc { /* a source rule with its tactics and techniques */
    uint32_t rule_id, title, tactics, techniques; /* string ids */
    uint32_t tac_off, n_tac, tech_off, n_tech;    /* into the tag pool */
} vg__rsrc;

typedef struct vg__robj {
    uint32_t name;
    uint8_t type;
} vg__robj;

struct vg_risk_engine {
    const vg_risk_config *cfg;
    vg__arena arena; /* interned strings */
    vg__smap strmap;
    vg__vec strs; /* const char * by id */
    vg__smap objmap, srcmap, tagmap;
    vg__vec objs, srcs; /* robj, rsrc */
    vg__vec tagpool;    /* uint32 tag ids (tactics and techniques share one id space) */
    size_t n_tags;
    vg__vec tagnames; /* const char * by tag id */
    vg__vec tagseen;  /* notable.c: uint32 pairs by tag id, the last notable that listed it */
    uint32_t n_emits;
    vg__vec evs; /* rev (batch) */
    int sorted;
    int mode;       /* 0 unused yet, 1 batch (add / run), 2 incremental (push / flush) */
    vg__vec sobjs;  /* incremental: vg__sobj by object id (stream.c) */
    size_t pushed;  /* incremental: risk events pushed */
    uint32_t n_seq; /* arrival numbers given */
    /* scratch for views */
    vg_risk_event view;
    char view_time[40];
};

const char *vg__risk_str(const vg_risk_engine *e, uint32_t id);
void vg__risk_view(vg_risk_engine *e, const vg__rev *x, vg_risk_event *v, char *tbuf, size_t tcap);
/* A risk event into its compact record (interning its strings; arrival number given). */
int vg__risk_make_rev(vg_risk_engine *e, const vg_risk_event *re, int calculate, vg__rev *x);
/* The notable id of (incident rule, object, window start) into buf (17 bytes). */
void vg__risk_notable_id(const char *rule, vg_risk_object_type t, const char *object, int64_t start,
                         char *buf, size_t cap);
/* stream.c: push / flush (vg_risk_engine_push, vg_risk_engine_flush) and cleanup */
void vg__risk_stream_free(vg_risk_engine *e);

/* ---- the sliding window (window.c) ---- */

typedef struct vg__wsrc { /* one source rule in a window */
    uint32_t src, n, maxn;
    int32_t max;
    int64_t sum;
} vg__wsrc;

typedef struct vg__wtag {
    uint32_t tag, n;
} vg__wtag;

typedef struct vg__win {
    const vg_risk_engine *e;
    int64_t cap100;     /* capping multiplier x 100, 0 = off */
    vg__wsrc *dsrc;     /* dense counters by source id (batch), or NULL: */
    uint32_t *dtag;     /* ... and by tag id */
    vg__vec ssrc, stag; /* sparse counters: the sources and tags present (incremental) */
    size_t rules, tactics, techniques, events;
    int64_t score; /* hundredths */
    int oom;
} vg__win;

/* One incident rule's evaluation over one object's sorted events. */
typedef struct vg__wrun {
    vg__win w;
    size_t lo, i;    /* the window is [lo, i); events before i are processed */
    int open;        /* a notable fired and absorbs events up to ev[open_lo].t + timespan */
    int pending;     /* the group of ev[i - 1] is not complete yet and not checked */
    size_t open_lo;  /* the open notable's first event */
    int64_t trigger; /* when its condition held */
} vg__wrun;

enum { VG__W_FIRED, VG__W_CLOSED };
/* Told of a notable: fired (events [lo, hi) so far) or closed (its events are [lo, hi)). A
 * non-zero return stops the evaluation and is returned. */
typedef int (*vg__wnote)(void *ctx, int what, size_t lo, size_t hi, int64_t trigger);

/* Process ev[s->i]. group_end: 1 it is the last event of its timestamp, 0 the next event has
 * the same time, -1 unknown (a live stream). */
int vg__wrun_step(vg__wrun *s, const vg__risk_irule *r, const vg__rev *ev, int group_end,
                  vg__wnote note, void *ctx);
/* The evaluation ends after ev[n - 1]: report (as closed) the notable a pending group raises
 * or the open one. Changes nothing. */
int vg__wrun_end(const vg__wrun *s, const vg__risk_irule *r, const vg__rev *ev, size_t n,
                 vg__wnote note, void *ctx);
/* Empty the window counters of the events [lo, hi) they hold. */
void vg__win_clear(vg__win *w, const vg__rev *ev, size_t lo, size_t hi);
void vg__win_free(vg__win *w);
int vg__risk_cond_holds(const vg__risk_irule *r, const vg__win *w);
const char *vg__risk_severity(const vg__risk_irule *r, double score);
/* notable.c: build the notable of the sorted events ev[lo, hi) and hand it to fn; returns 0,
 * fn's non-zero return (positive) or a negative code */
int vg__risk_emit(vg_risk_engine *e, const vg__risk_irule *r, const vg__rev *ev, size_t lo,
                  size_t hi, int64_t trigger, vg_notable_fn fn, void *ud);
/* A vg__wnote (window.c) that builds and hands out every closed notable; ctx is a
 * vg__risk_emitter, whose count it counts. */
typedef struct vg__risk_emitter {
    vg_risk_engine *e;
    const vg__risk_irule *r;
    const vg__rev *ev;
    vg_notable_fn fn;
    void *ud;
    int count;
} vg__risk_emitter;
int vg__risk_emit_closed(void *ctx, int what, size_t lo, size_t hi, int64_t trigger);

/* store.c (src/store): the open database and its diagnostics list */
struct sqlite3;
struct sqlite3 *vg__store_sqlite(vg_store *st);
vg_diags *vg__store_diags(vg_store *st);
const char *vg__store_path(vg_store *st);

#endif
