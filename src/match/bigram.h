/*
 * bigram.h - a few literals searched over a long buffer by one rare byte pair each
 * (bigram.c).
 *
 * Keyword literals (rules' `keywords`, any field) are searched over all the values of every
 * event routed to them laid end to end, about a kilobyte per event, and one always-routed
 * rule with twenty keywords makes that search the largest single cost of matching. When the
 * keywords are few, each is given one of its byte pairs, chosen to be rare in log text and
 * shared where possible (`::` for `sekurlsa::`, `kerberos::`, ...); one SSE2 pass finds the
 * places where some chosen pair occurs, and only there are the literals holding it compared.
 * Every occurrence is reported, as the Vectorscan database it replaces reported them.
 */
#ifndef VG_MATCH_BIGRAM_H
#define VG_MATCH_BIGRAM_H

#include <stddef.h>
#include <stdint.h>

/* Up to this many literals (each at least two bytes) and this many distinct pairs; more
 * are left to Vectorscan. */
#define VG_BIGRAM_MAX_LITS  64
#define VG_BIGRAM_MAX_PAIRS 8

typedef struct vg__bigram vg__bigram;

/* A searcher for n literals (text i, len lens[i], id ids[i]; folded to lower case here, as
 * values are), or *out NULL when they are too many, too short or need too many pairs.
 * Returns 0 or VG_ERR_NOMEM. */
int vg__bigram_build(const char *const *texts, const size_t *lens, const unsigned *ids, size_t n,
                     vg__bigram **out);

/* Calls fn(id, end, ctx) for every occurrence of every literal in the folded buffer v (n
 * bytes), end being the offset just past it; stops when fn returns nonzero. */
void vg__bigram_scan(const vg__bigram *b, const char *v, size_t n,
                     int (*fn)(unsigned id, unsigned long long end, void *ctx), void *ctx);

void vg__bigram_free(vg__bigram *b);

/* What vg__pairs_scan calls at each place where a pair starts: with the object it was given,
 * the buffer, the place, the buffer's length and the caller's fn and ctx; nonzero stops. */
typedef int (*vg__pair_at)(const void *obj, const char *v, size_t p, size_t n,
                           int (*fn)(unsigned id, unsigned long long end, void *ctx), void *ctx);

/* Calls at() for each place p (p + 2 <= n), in order, where one of the k (at most
 * VG_BIGRAM_MAX_PAIRS) byte pairs starts: sixteen places at a time with SSE2. Shared with
 * prefix.c, whose groups' prefixes start with such a pair. */
void vg__pairs_scan(const unsigned char (*pair)[2], int k, const char *v, size_t n, vg__pair_at at,
                    const void *obj, int (*fn)(unsigned id, unsigned long long end, void *ctx),
                    void *ctx);

#endif
