/*
 * risk.h - internal model of risk-based alerting: the configuration (base scores, overrides,
 * factors, inventories, incident rules), the engine's compact risk events, and helpers shared
 * by the files of src/risk/.
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
};

/* config.c */
int vg__risk_parse_span(const char *s, int64_t *ms);
/* inventory.c */
const vg__risk_entry *vg__risk_lookup(const vg_risk_config *c, vg_risk_object_type t,
                                      const char *object);
/* Apply the factors: *score (hundredths) from base; arithmetic text into b. */
int64_t vg__risk_calculate(const vg_risk_config *c, vg_risk_object_type t, const char *object,
                           double base, vg__buf *b);
/* score.c */
void vg__risk_fmt_points(char *buf, size_t cap, int64_t hundredths);
void vg__risk_iso(int64_t ms, char *buf, size_t cap);
int64_t vg__risk_points(double v); /* to hundredths, rounded */
/* engine.c: severity name from a score */
const char *vg__risk_severity(const vg__risk_irule *r, double score);

/* ---- the engine (engine.c) ---- */

typedef struct vg__rev {
    int64_t t;
    int32_t pts, base; /* hundredths */
    uint32_t obj, src, threats, ref, arith, seq;
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
    vg__vec evs; /* rev */
    int sorted;
    /* scratch for views */
    vg_risk_event view;
    char view_time[40];
};

const char *vg__risk_str(const vg_risk_engine *e, uint32_t id);
void vg__risk_view(vg_risk_engine *e, const vg__rev *x, vg_risk_event *v, char *tbuf, size_t tcap);
/* notable.c: build the notable of the sorted events ev[lo, hi) and hand it to fn; returns 0,
 * fn's non-zero return (positive) or a negative code */
int vg__risk_emit(vg_risk_engine *e, const vg__risk_irule *r, const vg__rev *ev, size_t lo,
                  size_t hi, int64_t trigger, vg_notable_fn fn, void *ud);

/* store.c (src/store): the open database and its diagnostics list */
struct sqlite3;
struct sqlite3 *vg__store_sqlite(vg_store *st);
vg_diags *vg__store_diags(vg_store *st);
const char *vg__store_path(vg_store *st);

#endif
