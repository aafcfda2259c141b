/*
 * prefix.h - large groups of literals that share their first four bytes, found by hashing
 * instead of scanning (prefix.c).
 *
 * IOC lists put thousands of literals on one field that all start alike: `Hashes|contains:
 * 'SHA256=...'` (5,800 in SigmaHQ's Windows rules, 1.1 MB of Vectorscan database that is
 * scanned over every Hashes value). A literal of such a group occurs in a value exactly when
 * the group's four-byte prefix occurs at some position p and the bytes from p, as long as the
 * literal, are the literal: so the value is searched for the few prefixes and, at each place
 * one is found, the text of each length the group has is looked up in a hash table. The index
 * takes these literals out of the field's Vectorscan database (index.c) and match.c calls
 * vg__pfx_scan next to the scan.
 */
#ifndef VG_MATCH_PREFIX_H
#define VG_MATCH_PREFIX_H

#include <stddef.h>
#include <stdint.h>

/* A group is looked up for at most this many distinct lengths (its most common ones; the
 * literals of other lengths stay in the scan), and needs this many literals of those lengths
 * sharing their first four bytes (each group adds compares to the pass over the value). */
#define VG_PFX_MIN_GROUP 64
#define VG_PFX_MAX_LENS  4
/* Groups per field; literals are at least this long. */
#define VG_PFX_MAX_GROUPS 8
#define VG_PFX_MIN_LEN    8

typedef struct vg__pfx vg__pfx;

/* The groups among n literals of one field (text i, folded to lower case, len lens[i], id
 * ids[i]): sets taken[i] = 1 for each literal a group holds. *out is NULL when no group is
 * big enough. Returns 0 or VG_ERR_NOMEM. */
int vg__pfx_build(const char *const *texts, const size_t *lens, const unsigned *ids, size_t n,
                  uint8_t *taken, vg__pfx **out);

/* Calls fn(id, end, ctx) for each occurrence of a grouped literal in the folded value v (n
 * bytes), where end is the offset just past it, as Vectorscan reports a match (an occurrence
 * may be reported more than once on a hash collision, and a collision may report a literal
 * that is not there: callers treat hits as "may be present"). Stops when fn returns nonzero. */
void vg__pfx_scan(const vg__pfx *p, const char *v, size_t n,
                  int (*fn)(unsigned id, unsigned long long end, void *ctx), void *ctx);

void vg__pfx_free(vg__pfx *p);

#endif
