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

/* Diagnostics */
#define VG_DIAG_MAX_RECORDS 100000 /* further diagnostics are counted, not stored */
#define VG_DIAG_MAX_MESSAGE 512

#endif
