/*
 * index.h - the rule index: which rules an event can possibly match (index.c builds it,
 * match.c uses it per event).
 */
#ifndef VG_MATCH_INDEX_H
#define VG_MATCH_INDEX_H

#include <hs.h>

#include "../sigma/sigma.h"
#include "bigram.h"
#include "prefix.h"

/* One (rule, route) pair: the unit the index selects. */
typedef struct vg__entry {
    const vg__rule *rule;
    const vg__route *route;
    uint32_t rule_index;
    /* literal ids in n_groups groups (agroup: each one's group): the entry can match only if
     * every group has one of its literals in the event */
    uint32_t *atoms;
    uint8_t *agroup;
    uint32_t n_atoms; /* 0: no literal is required, always evaluate */
    uint8_t n_groups;
    /* the entry is filed (lit_ent) under the literals of one group only, its trigger; the
     * other groups are checked when a trigger literal is found: others holds, per other group,
     * its literal count and then its literal ids (n_others words in all; 0: one group) */
    uint8_t trigger;
    uint32_t *others;
    uint32_t n_others;
    uint32_t *keys; /* the candidate lists it is filed under (VG_KEY_ALWAYS: the always-list) */
    uint32_t n_keys;
    int implied; /* its route names only Channel and EventID, so being routed here meets it */
} vg__entry;

#define VG_KEY_ALWAYS UINT32_MAX

/* Where in a field's value a required literal must be (exact values: both). */
#define VG_ANCHOR_START 1u
#define VG_ANCHOR_END   2u

/* Whole-value literals (anchored at both ends) up to this long are looked up by hash, not
 * scanned. */
#define VG_WHOLE_MAX_LEN 255

#define VG_INDEX_BLOOM_WORDS 16

/* Wildcard-free runs shorter than this (other than whole values) are not required literals. */
#define VG_INDEX_MIN_RUN 2

/* Field names the index knows (rules' mapped fields and route fields), lower-cased. */
typedef struct vg__ifield {
    const char *name;
    size_t len;
    uint32_t hash;     /* vg__hash_lower(name), as events keep it per field */
    hs_database_t *db; /* literals searched in this field, or NULL */
    uint32_t min_len;  /* the length of the shortest literal in db: shorter values hold none */
    vg__pfx *pfx;      /* its literals in large groups by prefix, looked up (prefix.h), or NULL */
    /* the lengths of its whole-value literals that are looked up by hash (bit L: some is L
     * bytes long); none: no lookup */
    uint64_t wlen[(VG_WHOLE_MAX_LEN + 64) / 64];
    int has_whole;
} vg__ifield;

/* The key of a whole value (folded) of field `field` in the table of whole-value literals:
 * seeded with the field id and the length, eight bytes at a time (the last eight overlapping
 * the ones before; shorter values byte by byte), then mixed; never 0 (an empty slot). */
static inline uint64_t vg__whole_key(uint32_t field, const char *v, size_t n)
{
    uint64_t h =
        0xcbf29ce484222325ull ^ ((uint64_t)field * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)n << 48);
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            h = (h ^ (unsigned char)v[i]) * 0x100000001b3ull;
    } else {
        uint64_t w;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&w, v + i, 8);
            h = (h ^ w) * 0x9e3779b97f4a7c15ull;
            h ^= h >> 31;
        }
        memcpy(&w, v + n - 8, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 29;
    return h | 1;
}

struct vg__index {
    vg__arena arena;
    vg__entry *entries;
    uint32_t n_entries;
    /* candidate lists: sorted entry ids per "channel\x1feventid" and "channel\x1f*" key */
    vg__smap keys;
    uint32_t **lists; /* by key value */
    uint32_t *list_len;
    uint32_t n_lists;
    uint32_t *always; /* entries without a Channel condition */
    uint32_t n_always;
    /* the same lists holding only entries without literals (evaluated whenever routed) */
    uint32_t **noatom;
    uint32_t *noatom_len;
    uint32_t *always_noatom;
    uint32_t n_always_noatom;
    /* entries by literal of their trigger group (CSR): lit_ent[lit_off[l] .. lit_off[l + 1]) */
    uint32_t *lit_off, *lit_ent;
    vg__vec fields_v; /* vg__ifield, by field id */
    uint32_t n_fields;
    vg__smap field_ids; /* lower-cased name -> field id */
    uint32_t *fslot;    /* open addressing by name hash: field id + 1, 0 = empty */
    uint32_t fmask;
    /* per candidate list (row n_lists: the always-list), two sets of fwords words, a bit per
     * field id: the fields whose literals some entry of the list needs (only those fields are
     * looked at), then those of them with literals to scan for, not only whole values (only
     * those fields are scanned) */
    uint64_t *fbits;
    uint32_t fwords;
    /* per candidate list, VG_INDEX_BLOOM_WORDS words: bit (hash % their bits) set for the name
     * hash of each field of the list's first set (fbits), so that most event fields no list
     * of the event wants are passed over without a lookup */
    uint64_t *fbloom;
    /* whole-value literals by vg__whole_key (open addressing; key 0: empty) and their ids */
    uint64_t *wkey;
    uint32_t *wlit;
    uint32_t wmask;
    uint32_t *lit_len;   /* per literal id: its length in bytes */
    uint8_t *lit_anchor; /* per literal id: VG_ANCHOR_START / _END, checked on each hit */
    uint32_t n_literals;
    hs_database_t *any_db; /* keyword literals, searched in every field */
    /* the keyword literals of the always-list's entries by byte pairs (bigram.h), searched
     * instead of any_db when no other list routed to an event has keyword literals */
    vg__bigram *always_bg;
    uint32_t any_field;                    /* pseudo field id of keyword literals */
    uint32_t channel_field, eventid_field; /* field ids of Channel and EventID */
    uint32_t channel_hash, eventid_hash;   /* vg__hash_lower of "Channel" and "EventID" */
    uint32_t n_rules;
};

static inline vg__ifield *vg__index_field(const vg__index *ix, uint32_t id)
{
    return (vg__ifield *)ix->fields_v.ptr + id;
}

#endif
