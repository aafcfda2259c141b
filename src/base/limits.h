/*
 * limits.h - every cap vigil enforces, in one place.
 *
 * Untrusted input (bundles, rules, logs) is parsed against these limits so that a hostile or
 * broken file costs bounded time and memory. Each limit has a test that hits it; raising one
 * is a reviewed change here, never a constant buried in a parser.
 */
#ifndef VG_LIMITS_H
#define VG_LIMITS_H

/* JSON */
#define VG_JSON_MAX_DEPTH 256        /* nesting of arrays/objects */
#define VG_JSON_MAX_INPUT (2u << 30) /* 2 GiB: offsets on the tape are 32-bit */

/* ATT&CK knowledge base */
#define VG_ATTACK_MAX_OBJECTS      1000000      /* objects in all loaded bundles */
#define VG_ATTACK_MAX_PLATFORMS    64           /* distinct platform names (a 64-bit mask) */
#define VG_ATTACK_MAX_REVOKE_CHAIN 32           /* revoked-by hops before a cycle is assumed */
#define VG_ATTACK_MAX_FILE         (512u << 20) /* 512 MiB bundle */

/* YAML and Sigma rules */
#define VG_YAML_MAX_DEPTH       64          /* nesting of maps and sequences */
#define VG_YAML_MAX_NODES       200000      /* nodes in one file */
#define VG_SIGMA_MAX_FILE       (16u << 20) /* one rule file */
#define VG_SIGMA_MAX_COND_DEPTH 64          /* parentheses and operators in a condition */
#define VG_SIGMA_MAX_EXPANSION  4096 /* values one value may expand to (windash, base64offset) */
#define VG_SIGMA_MAX_MODIFIERS  8    /* modifiers on one field */
#define VG_SIGMA_MAX_PATH_DEPTH 32   /* directory recursion when loading rule folders */
#define VG_INDEX_MAX_GROUPS     4    /* literal groups per rule index entry (at most 4: 2 bits) */

/* Loading rule folders (src/sigma/load.c) */
#define VG_SIGMA_MAX_LOAD_THREADS 8   /* threads reading and compiling a folder's rule files */
#define VG_SIGMA_ROUTE_MEMO       512 /* log sources whose routes one loader remembers (half) */

/* Coverage */
#define VG_SOURCES_MAX_FILE                                                                        \
    (16u << 20) /* a facts file of data sources (data/sources/windows.yml) */

/* Inputs */
#define VG_INPUT_MAX_LINE      (64u << 20)  /* one JSON line */
#define VG_INPUT_BLOCK         (256u << 10) /* JSON lines are read this much at once */
#define VG_ZIP_MAX_EVTX_MEMBER (1u << 30)   /* an EVTX member of a zip archive, held in memory */

/* Events */
#define VG_EVENT_MAX_FIELDS 1024 /* fields in one event */
#define VG_EVENT_MAX_DEPTH  32   /* nesting flattened from JSON */
#define VG_EVENT_MAX_NAME   512  /* bytes of a name flattened from JSON, NUL included */

/* EVTX (src/evtx) */
#define VG_EVTX_MAX_FILE      (1ull << 36)        /* 64 GiB: larger files are refused */
#define VG_EVTX_MAX_RECORD    ((64u << 10) - 512) /* a record fits in one chunk's data area */
#define VG_EVTX_MAX_TEMPLATES 512                 /* template definitions cached per chunk */
#define VG_EVTX_MAX_DEPTH     48                  /* element + template + nested BinXml nesting */
#define VG_EVTX_MAX_SUBST     1024                /* substitution values in one template instance */
#define VG_EVTX_MAX_NAME      1024                /* characters in an element or attribute name */
#define VG_EVTX_MAX_OUTPUT    (8u << 20)          /* bytes of text one record may render to */
/* the plan cache of one event (src/evtx/plan.c), emptied when one of the first three is hit */
#define VG_EVTX_PLAN_TEMPLATES 1024       /* distinct templates (a power of 2) */
#define VG_EVTX_PLANS          1024       /* record shapes with a plan (a power of 2) */
#define VG_EVTX_PLAN_BYTES     (8u << 20) /* memory of the plans */
#define VG_EVTX_PLAN_VALUES    2048       /* values of one record, nested instances too */

/* Coverage baselines (src/coverage/baseline.c) */
#define VG_BASELINE_MAX_FILE  (16u << 20) /* one baseline file */
#define VG_BASELINE_MAX_ITEMS 10000       /* requirements, after expanding event ID lists */

/* Risk (src/risk) */
#define VG_RISK_MAX_SPAN_MS    (1000ll * 86400 * 365 * 1000) /* a window: 1000 years, in ms */
#define VG_RISK_MAX_CSV_FIELDS 32       /* columns of an asset or identity inventory */
#define VG_RISK_MAX_SCORE      10000000 /* any score, factor or threshold, +-; scores are clamped */
#define VG_RISK_MAX_CAP        1000     /* the capping multiplier */

/* Diagnostics */
#define VG_DIAG_MAX_RECORDS 100000 /* further diagnostics are counted, not stored */
#define VG_DIAG_MAX_MESSAGE 512

#endif
