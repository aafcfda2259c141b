/*
 * test_plan.c - event fields from plans (src/evtx/plan.c) equal those of rendering each record.
 *
 * Each test builds EVTX files whose records share templates, reads them with plans (the
 * default) and again with every record rendered (vg__evtx_set_plans(r, 0)), and asserts the
 * same outcome byte for byte: for every record its id, every field's name, type and value in
 * order, and its JSON, then every diagnostic (object, offset, message). It also asserts how
 * the plan cache was used (records replayed, recorded, rendered; cache resets), so a test
 * cannot pass by never replaying. Covered: records across chunks and files, optional values
 * that vanish, a value whose type changes, text made of several pieces, a value used twice,
 * nested BinXml with two inner templates, values that repeat or change from record to record
 * (a plan keeps the text of short ones), a field name taken from a value (never planned), a
 * malformed value and the output limit met on a replayed shape (reported as when rendered),
 * the field limit, and every limit of the cache: more shapes, templates or bytes than it
 * holds (it is emptied and fills again), more values in a record than a plan takes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "builder.h"
#include "event/event.h"
#include "evtx/evtx.h"

/* ---- reading both ways ---- */

/* The event's name lookups: every field's name finds the first field of that name, and a
 * field added after the record's (named as the last) ends its name's bucket (plans lay the
 * names and buckets out once per shape and copy them). The event keeps the added field (but
 * for a full one). */
static void check_lookups(vg_event *ev)
{
    size_t n = vg_event_count(ev);
    for (size_t i = 0; i < n; i++) {
        vg_str a, b;
        vg_event_field(ev, i, &a, NULL, NULL);
        size_t first = 0;
        for (vg_event_field(ev, first, &b, NULL, NULL);
             !vg__str_ieq((vg__str){a.ptr, a.len}, (vg__str){b.ptr, b.len});
             vg_event_field(ev, ++first, &b, NULL, NULL))
            ;
        assert_int_equal(vg_event_find(ev, a.ptr, a.len), (long)first);
    }
    if (n == VG_EVENT_MAX_FIELDS) /* full (test_field_limit) */
        return;
    vg_str a = {"Added", 5}; /* the last field's name: its bucket has fields already */
    if (n)
        vg_event_field(ev, n - 1, &a, NULL, NULL);
    char name[256];
    size_t len = a.len < sizeof name ? a.len : sizeof name;
    memcpy(name, a.ptr, len);
    assert_int_equal(vg_event_add(ev, name, len, "x", 1, VG_VAL_STRING), 0);
    uint32_t k = vg__event_bucket(ev, vg__hash_lower(name, len)), last = 0;
    for (; k; k = ev->fields[k - 1].next)
        last = k;
    assert_int_equal(last, n + 1);
}

/* Everything a reader gives for buf, as text. */
static void read_all(const uint8_t *buf, size_t len, int plans, vg_event *ev, vg__buf *out)
{
    vg_diags *d = vg_diags_new();
    vg_evtx *x = NULL;
    assert_int_equal(vg_evtx_open_buffer(buf, len, "t.evtx", d, &x), 0);
    vg__evtx_set_plans(x, plans);
    vg_evtx_record_info info;
    while (vg_evtx_next(x, ev, &info) == 1) {
        vg__buf_printf(out, "R %llu\n", (unsigned long long)info.record_id);
        for (size_t i = 0; i < vg_event_count(ev); i++) {
            vg_str n, v;
            vg_value_type t;
            vg_event_field(ev, i, &n, &v, &t);
            vg__buf_printf(out, "%.*s\t%d\t%.*s\n", (int)n.len, n.ptr, (int)t, (int)v.len, v.ptr);
        }
        check_lookups(ev);
        const char *j;
        size_t jn;
        assert_int_equal(vg_evtx_record_json(x, &j, &jn), 0);
        vg__buf_printf(out, "J %.*s\n", (int)jn, j);
    }
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        vg__buf_printf(out, "D %s|%llu|%s\n", g->object ? g->object : "-",
                       (unsigned long long)g->offset, g->message);
    }
    vg_evtx_close(x);
    vg_diags_free(d);
}

/* Read the files in turn with one event using plans and one rendering every record; the two
 * must agree. Returns the plan counts (replayed, recorded, rendered, resets). */
static void both_ways(uint8_t *const *files, const size_t *lens, int n, uint64_t counts[4])
{
    vg_event *ev = vg_event_new(), *ev2 = vg_event_new();
    vg__buf a, b;
    vg__buf_init(&a);
    vg__buf_init(&b);
    for (int i = 0; i < n; i++) {
        read_all(files[i], lens[i], 1, ev, &a);
        read_all(files[i], lens[i], 0, ev2, &b);
    }
    vg__buf_addc(&a, 0);
    vg__buf_addc(&b, 0);
    assert_string_equal(a.ptr, b.ptr);
    vg__evtx_plan_counts(ev, counts);
    uint64_t none[4];
    vg__evtx_plan_counts(ev2, none);
    assert_true(none[0] == 0 && none[1] == 0 && none[2] == 0); /* no plan when off */
    vg__buf_free(&a);
    vg__buf_free(&b);
    vg_event_free(ev);
    vg_event_free(ev2);
}

static void one_way(uint8_t *f, size_t len, uint64_t counts[4])
{
    both_ways(&f, &len, 1, counts);
    free(f);
}

static void assert_counts(const uint64_t got[4], uint64_t replayed, uint64_t recorded,
                          uint64_t rendered, uint64_t resets)
{
    if (got[0] != replayed || got[1] != recorded || got[2] != rendered || got[3] != resets) {
        fprintf(stderr, "counts %llu %llu %llu %llu, want %llu %llu %llu %llu\n",
                (unsigned long long)got[0], (unsigned long long)got[1], (unsigned long long)got[2],
                (unsigned long long)got[3], (unsigned long long)replayed,
                (unsigned long long)recorded, (unsigned long long)rendered,
                (unsigned long long)resets);
        fail();
    }
}

/* ---- writing records ---- */

typedef struct tv {
    uint8_t type;
    uint16_t size;
    const void *data;
} tv;

#define STR(s)                                                                                     \
    {                                                                                              \
        0x01, (uint16_t)(2 * sizeof(s)), u16(s)                                                    \
    } /* UTF-16 with its NUL */

/* s as UTF-16LE in a static ring of buffers (enough for one record's values). */
static const void *u16(const char *s)
{
    static uint8_t ring[16][32768];
    static int next;
    uint8_t *b = ring[next++ % 16];
    size_t n = strlen(s);
    for (size_t i = 0; i <= n; i++) {
        b[2 * i] = (uint8_t)s[i];
        b[2 * i + 1] = 0;
    }
    return b;
}

typedef void (*body_fn)(eb_chunk *c);

/* An instance of template tid: its definition (body) inline when *def is 0, which then gets
 * its offset, else a reference to it. */
static void instance(eb_chunk *c, uint32_t tid, uint32_t *def, body_fn body)
{
    if (*def) {
        eb_template_ref(c, tid, *def);
    } else {
        *def = eb_template_begin(c, tid);
        body(c);
        eb_template_end(c, *def);
    }
}

/* The instance's values: count, descriptors, data. */
static void values(eb_chunk *c, const tv *v, int n)
{
    eb_values(c, (uint32_t)n);
    for (int i = 0; i < n; i++)
        eb_desc(c, v[i].size, v[i].type);
    for (int i = 0; i < n; i++)
        eb_bytes(c, v[i].data, v[i].size);
}

/* A record of template tid with values v. */
static void record(eb_chunk *c, uint64_t id, uint32_t tid, uint32_t *def, body_fn body, const tv *v,
                   int n)
{
    eb_record_begin(c, id, 0);
    eb_fragment(c);
    instance(c, tid, def, body);
    values(c, v, n);
    eb_eof(c);
    eb_record_end(c);
}

static uint8_t *file_of(eb_chunk **c, int n, size_t *len)
{
    for (int i = 0; i < n; i++)
        eb_chunk_finish(c[i]);
    uint8_t *f = eb_file(c, n, len);
    for (int i = 0; i < n; i++)
        free(c[i]);
    return f;
}

static eb_chunk *chunk(void)
{
    eb_chunk *c = malloc(sizeof *c);
    eb_chunk_init(c);
    return c;
}

static void elem_subst(eb_chunk *c, const char *name, uint16_t id, int optional)
{
    eb_open(c, name, 0);
    eb_close_start(c);
    eb_subst(c, id, 0x01, optional);
    eb_end(c);
}

/* A template body's start and end: <Event><EventData> ... </EventData></Event> (scalars right
 * under Event make no field, as in vg_event_from_json). */
static void event_begin(eb_chunk *c)
{
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    eb_open(c, "EventData", 0);
    eb_close_start(c);
}

static void event_end(eb_chunk *c)
{
    eb_end(c);
    eb_end(c);
    eb_eof(c);
}

/* ---- the standard event across chunks and files ---- */

static uint8_t *std_file(int n_chunks, int per_chunk, uint64_t first, size_t *len)
{
    eb_chunk *c[4];
    uint64_t id = first;
    for (int k = 0; k < n_chunks; k++) {
        c[k] = chunk();
        uint32_t def = 0;
        for (int i = 0; i < per_chunk; i++, id++) {
            char image[32];
            snprintf(image, sizeof image, "C:\\p%llu.EXE", (unsigned long long)id);
            def = eb_std_record(c[k], id, def, image);
        }
    }
    return file_of(c, n_chunks, len);
}

static void test_chunks_and_files(void **state)
{
    (void)state;
    uint8_t *f[2];
    size_t len[2];
    f[0] = std_file(3, 4, 1, &len[0]);
    f[1] = std_file(1, 5, 100, &len[1]);
    uint64_t n[4];
    both_ways(f, len, 2, n);
    /* one shape: recorded once, the other 16 records replayed in every chunk and file */
    assert_counts(n, 16, 1, 0, 0);
    free(f[0]);
    free(f[1]);
}

/* ---- shapes ---- */

/* <A>%0?</A><B>%1</B><C>x%0-%1&#65;y</C><D>%0</D> */
static void shapes_body(eb_chunk *c)
{
    event_begin(c);
    elem_subst(c, "A", 0, 1);
    elem_subst(c, "B", 1, 0);
    eb_open(c, "C", 0);
    eb_close_start(c);
    eb_text(c, "x");
    eb_subst(c, 0, 0x01, 0);
    eb_text(c, "-");
    eb_subst(c, 1, 0x01, 0);
    eb_charref(c, 65);
    eb_text(c, "y");
    eb_end(c);
    elem_subst(c, "D", 0, 0);
    event_end(c);
}

static void test_shapes(void **state)
{
    (void)state;
    eb_chunk *c = chunk();
    uint32_t def = 0, n32 = 7, big = 4000000000u;
    static const uint8_t b16[] = {0x34, 0x12};
    const tv recs[][2] = {
        {STR("one"), {0x08, 4, &n32}},    /* a string and a number */
        {STR("two"), {0x08, 4, &big}},    /* the same shape */
        {{0x01, 0, ""}, {0x08, 4, &n32}}, /* A empty: vanishes (optional) */
        {{0x01, 2, u16("")}, STR("b")},   /* an empty string, a string where the number was */
        {STR("three"), STR("c")},         /* the last shape again */
        {{0x00, 0, ""}, {0x06, 2, b16}},  /* NULL and a 16-bit number */
        {STR("four"), {0x08, 4, &big}},   /* the first shape again */
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(recs); i++)
        record(c, i + 1, 5, &def, shapes_body, recs[i], 2);
    size_t len;
    uint8_t *f = file_of(&c, 1, &len);
    uint64_t n[4];
    one_way(f, len, n);
    assert_counts(n, 2, 5, 0, 0); /* five shapes recorded, the first one replayed twice */
}

/* ---- a field name taken from a value ---- */

/* ---- values kept from the last record ---- */

/* <V0>%0</V0> ... <V6>%6</V6>, types as the values give them */
static void memo_body(eb_chunk *c)
{
    static const uint8_t types[7] = {0x01, 0x01, 0x01, 0x01, 0x01, 0x15, 0x11};
    event_begin(c);
    for (uint16_t i = 0; i < 7; i++) {
        char name[4] = {'V', (char)('0' + i), 0};
        eb_open(c, name, 0);
        eb_close_start(c);
        eb_subst(c, i, types[i], 0);
        eb_end(c);
    }
    event_end(c);
}

/* A replayed plan keeps the text of short values and reuses it when a value's bytes are
 * those of the last record of the shape; every record must still read as rendered: a value
 * that never changes, one that changes now and then (and is dropped after two changes in a
 * row), values of one size with other bytes, values whose bytes begin alike but whose sizes
 * differ, one too long to keep, a hex number that repeats and a time that never does. */
static void test_repeated_values(void **state)
{
    (void)state;
    static const char *const some[] = {"x", "x", "y", "y", "z", "w", "x", "x", "x", "v", "v", "v"};
    /* after each change the value repeats, so the kept text stays and is compared next */
    static const char *const same_size[] = {"aa", "aa", "aa", "ab", "ab", "ab",
                                            "ba", "ba", "aa", "aa", "ab", "ab"};
    static const char *const prefix[] = {"abc", "abc", "abc", "abcd",  "abcd",  "abc",
                                         "abc", "ab",  "ab",  "abcde", "abcde", "abc"};
    char long_text[80];
    memset(long_text, 'L', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = 0;
    uint64_t hex = 0x8020000000000000ull;
    eb_chunk *c = chunk();
    uint32_t def = 0;
    for (int r = 0; r < 12; r++) {
        uint64_t ft = 132000000000000000ull + (uint64_t)r * 12345678ull;
        tv v[7] = {STR("WKS-1.corp.example"),
                   {0x01, (uint16_t)(2 * strlen(some[r]) + 2), u16(some[r])},
                   {0x01, (uint16_t)(2 * strlen(same_size[r]) + 2), u16(same_size[r])},
                   {0x01, (uint16_t)(2 * strlen(prefix[r]) + 2), u16(prefix[r])},
                   {0x01, (uint16_t)(2 * strlen(long_text) + 2), u16(long_text)},
                   {0x15, 8, &hex},
                   {0x11, 8, &ft}};
        record(c, (uint64_t)r + 1, 40, &def, memo_body, v, 7);
    }
    size_t len;
    uint8_t *f = file_of(&c, 1, &len);
    uint64_t n[4];
    one_way(f, len, n);
    assert_counts(n, 11, 1, 0, 0);
}

/* <Event><EventData><Data Name=%0>%1</Data></EventData></Event> */
static void named_body(eb_chunk *c)
{
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    eb_open(c, "EventData", 0);
    eb_close_start(c);
    eb_open(c, "Data", 1);
    eb_attr(c, "Name");
    eb_subst(c, 0, 0x01, 0);
    eb_close_start(c);
    eb_subst(c, 1, 0x01, 0);
    eb_end(c);
    eb_end(c);
    eb_end(c);
    eb_eof(c);
}

static void test_name_from_value(void **state)
{
    (void)state;
    eb_chunk *c = chunk();
    uint32_t def = 0;
    const tv recs[][2] = {
        {STR("Image"), STR("a.exe")},
        {STR("Command Line"), STR("b")},
        {STR("User"), STR("c")},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(recs); i++)
        record(c, i + 1, 6, &def, named_body, recs[i], 2);
    size_t len;
    uint8_t *f = file_of(&c, 1, &len);
    uint64_t n[4];
    one_way(f, len, n);
    assert_counts(n, 0, 1, 2, 0); /* recorded once as a shape to render every time */
}

/* ---- problems met while replaying ---- */

/* <S>%0</S><V>%1</V>: a SID and a string */
static void sid_body(eb_chunk *c)
{
    event_begin(c);
    elem_subst(c, "S", 0, 0);
    elem_subst(c, "V", 1, 0);
    event_end(c);
}

static void test_bad_value_on_replay(void **state)
{
    (void)state;
    eb_chunk *c = chunk();
    uint32_t def = 0;
    static const uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    static const uint8_t bad[] = {1, 5, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}; /* 5 sub-authorities */
    const tv recs[][2] = {
        {{0x13, sizeof sid, sid}, STR("a")},
        {{0x13, sizeof bad, bad}, STR("b")}, /* the same shape, a malformed SID */
        {{0x13, sizeof sid, sid}, STR("c")},
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(recs); i++)
        record(c, i + 1, 7, &def, sid_body, recs[i], 2);
    size_t len;
    uint8_t *f = file_of(&c, 1, &len);
    uint64_t n[4];
    one_way(f, len, n);
    assert_counts(n, 1, 1, 1, 0); /* the bad record is rendered, and reported as such */
}

/* <V>%0</V> 600 times */
static void repeat_body(eb_chunk *c)
{
    event_begin(c);
    for (int i = 0; i < 600; i++)
        elem_subst(c, "V", 0, 0);
    event_end(c);
}

static void test_output_limit_on_replay(void **state)
{
    (void)state;
    eb_chunk *c = chunk();
    uint32_t def = 0;
    static char large[15001];
    memset(large, 'x', 15000);
    const tv small[] = {STR("small")}, huge[] = {STR(large)}; /* 600 x 15,000 > 8 MiB */
    record(c, 1, 8, &def, repeat_body, small, 1);
    record(c, 2, 8, &def, repeat_body, huge, 1);
    record(c, 3, 8, &def, repeat_body, small, 1);
    size_t len;
    uint8_t *f = file_of(&c, 1, &len);
    uint64_t n[4];
    one_way(f, len, n);
    assert_counts(n, 1, 1, 1, 0);
}

/* <V>%0</V> 1,100 times: more fields than an event holds */
static void many_body(eb_chunk *c)
{
    event_begin(c);
    for (int i = 0; i < VG_EVENT_MAX_FIELDS + 76; i++)
        elem_subst(c, "V", 0, 0);
    event_end(c);
}

static void test_field_limit(void **state)
{
    (void)state;
    eb_chunk *c = chunk();
    uint32_t def = 0;
    const tv v[] = {STR("v")};
    for (int i = 0; i < 3; i++)
        record(c, (uint64_t)i + 1, 9, &def, many_body, v, 1);
    size_t len;
    uint8_t *f = file_of(&c, 1, &len);
    uint64_t n[4];
    one_way(f, len, n);
    assert_counts(n, 0, 1, 2, 0); /* a shape that hits a limit is rendered every time */
}

/* ---- nested BinXml ---- */

/* <Event><System><Channel>%0</Channel></System>%1</Event>, %1 BinXml */
static void outer_body(eb_chunk *c)
{
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    eb_open(c, "System", 0);
    eb_close_start(c);
    elem_subst(c, "Channel", 0, 0);
    eb_end(c);
    eb_subst(c, 1, 0x21, 0);
    eb_end(c);
    eb_eof(c);
}

/* <EventData><Data Name="X">%0</Data><Data Name="Y">%1?</Data></EventData>, or with
 * UserData and one value for the second inner template */
static void inner_a(eb_chunk *c)
{
    eb_fragment(c);
    eb_open(c, "EventData", 0);
    eb_close_start(c);
    for (uint16_t i = 0; i < 2; i++) {
        eb_open(c, "Data", 1);
        eb_attr(c, "Name");
        eb_text(c, i ? "Y" : "X");
        eb_close_start(c);
        eb_subst(c, i, 0x01, i);
        eb_end(c);
    }
    eb_end(c);
    eb_eof(c);
}

static void inner_b(eb_chunk *c)
{
    eb_fragment(c);
    eb_open(c, "UserData", 0);
    eb_close_start(c);
    eb_open(c, "Log", 0);
    eb_close_start(c);
    elem_subst(c, "Z", 0, 0);
    eb_end(c);
    eb_end(c);
    eb_eof(c);
}

/* A record of the outer template whose BinXml value is an instance of inner template tid. */
static void nested_record(eb_chunk *c, uint64_t id, uint32_t *odef, uint32_t tid, uint32_t *idef,
                          body_fn inner, const tv *v, int n)
{
    eb_record_begin(c, id, 0);
    eb_fragment(c);
    instance(c, 20, odef, outer_body);
    eb_values(c, 2);
    eb_desc(c, eb_utf16_size("Security", 1), 0x01);
    uint32_t size_at = c->pos;
    eb_desc(c, 0, 0x21); /* size patched below */
    eb_utf16(c, "Security", 1);
    uint32_t start = c->pos;
    eb_fragment(c);
    instance(c, tid, idef, inner);
    values(c, v, n);
    eb_eof(c);
    uint32_t size = c->pos - start;
    c->d[size_at] = (uint8_t)size;
    c->d[size_at + 1] = (uint8_t)(size >> 8);
    eb_eof(c);
    eb_record_end(c);
}

static void test_nested(void **state)
{
    (void)state;
    eb_chunk *c[2] = {chunk(), chunk()};
    uint64_t id = 1;
    for (int k = 0; k < 2; k++) {
        uint32_t odef = 0, adef = 0, bdef = 0;
        const tv a1[] = {STR("x1"), STR("y1")}, a2[] = {STR("x2"), {0x01, 0, ""}};
        const tv b1[] = {STR("z1")};
        nested_record(c[k], id++, &odef, 21, &adef, inner_a, a1, 2);
        nested_record(c[k], id++, &odef, 22, &bdef, inner_b, b1, 1);
        nested_record(c[k], id++, &odef, 21, &adef, inner_a, a1, 2);
        nested_record(c[k], id++, &odef, 21, &adef, inner_a, a2, 2);
        nested_record(c[k], id++, &odef, 22, &bdef, inner_b, b1, 1);
    }
    size_t len;
    uint8_t *f = file_of(c, 2, &len);
    uint64_t n[4];
    one_way(f, len, n);
    assert_counts(n, 7, 3, 0, 0); /* three shapes, in both chunks */
}

/* ---- a full cache ---- */

/* <V>%0</V>...<V>%10</V>: 2^11 shapes of uint8 / uint16 values */
static void types_body(eb_chunk *c)
{
    event_begin(c);
    for (uint16_t i = 0; i < 11; i++) {
        eb_open(c, "V", 0);
        eb_close_start(c);
        eb_subst(c, i, 0x04, 0);
        eb_end(c);
    }
    event_end(c);
}

/* chunks x per_chunk records of template tid (body), record i of shape i: its value b is a
 * uint16 when bit b of i is set, else a uint8 (bits values); read both ways. */
static void shapes_read(int chunks, int per_chunk, uint32_t tid, body_fn body, int bits,
                        uint64_t counts[4])
{
    eb_chunk *c[4];
    static const uint8_t v16[] = {0x02, 0x01};
    for (int k = 0; k < chunks; k++) {
        c[k] = chunk();
        uint32_t def = 0;
        for (int i = 0; i < per_chunk; i++) {
            unsigned shape = (unsigned)(k * per_chunk + i);
            tv v[16];
            for (int b = 0; b < bits; b++)
                v[b] = shape >> b & 1 ? (tv){0x06, 2, v16} : (tv){0x04, 1, v16};
            record(c[k], shape + 1, tid, &def, body, v, bits);
        }
    }
    size_t len;
    uint8_t *f = file_of(c, chunks, &len);
    one_way(f, len, counts);
}

static void test_cache_reset(void **state)
{
    (void)state;
    enum { CHUNKS = 4, PER_CHUNK = 300 }; /* 1,200 shapes: more than VG_EVTX_PLANS */
    uint64_t n[4];
    shapes_read(CHUNKS, PER_CHUNK, 10, types_body, 11, n);
    assert_counts(n, 0, CHUNKS * PER_CHUNK, 0, 1);
    assert_int_equal(VG_EVTX_PLANS < CHUNKS * PER_CHUNK, 1);
}

/* ---- the other limits of the cache ---- */

/* <Event><System><Channel>%0</Channel></System>%1%2</Event>, %1 and %2 BinXml */
static void two_bx_body(eb_chunk *c)
{
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    eb_open(c, "System", 0);
    eb_close_start(c);
    elem_subst(c, "Channel", 0, 0);
    eb_end(c);
    eb_subst(c, 1, 0x21, 0);
    eb_subst(c, 2, 0x21, 0);
    eb_end(c);
    eb_eof(c);
}

/* n values: "x", "y", then NULLs */
static void xy_values(eb_chunk *c, uint32_t n)
{
    eb_values(c, n);
    eb_desc(c, eb_utf16_size("x", 1), 0x01);
    eb_desc(c, eb_utf16_size("y", 1), 0x01);
    for (uint32_t i = 2; i < n; i++)
        eb_desc(c, 0, 0x00);
    eb_utf16(c, "x", 1);
    eb_utf16(c, "y", 1);
}

/* A record of two_bx_body with n_outer values whose BinXml values each hold an instance of
 * inner_a with n_inner values. */
static void big_record(eb_chunk *c, uint64_t id, uint32_t *odef, uint32_t *idef, uint32_t n_outer,
                       uint32_t n_inner)
{
    eb_record_begin(c, id, 0);
    eb_fragment(c);
    instance(c, 30, odef, two_bx_body);
    eb_values(c, n_outer);
    eb_desc(c, eb_utf16_size("Security", 1), 0x01);
    uint32_t size_at[2] = {c->pos, c->pos + 4};
    eb_desc(c, 0, 0x21); /* sizes patched below */
    eb_desc(c, 0, 0x21);
    for (uint32_t i = 3; i < n_outer; i++)
        eb_desc(c, 0, 0x00);
    eb_utf16(c, "Security", 1);
    for (int b = 0; b < 2; b++) {
        uint32_t start = c->pos;
        eb_fragment(c);
        instance(c, 31, idef, inner_a);
        xy_values(c, n_inner);
        eb_eof(c);
        uint32_t size = c->pos - start;
        c->d[size_at[b]] = (uint8_t)size;
        c->d[size_at[b] + 1] = (uint8_t)(size >> 8);
    }
    eb_eof(c);
    eb_record_end(c);
}

static void test_values_limit(void **state)
{
    (void)state;
    /* 1,024 + 2 x 500 values fit VG_EVTX_PLAN_VALUES; 1,024 + 2 x 600 do not */
    static const uint32_t inner[] = {500, 600};
    for (int k = 0; k < 2; k++) {
        eb_chunk *c = chunk();
        uint32_t odef = 0, idef = 0;
        for (uint64_t id = 1; id <= 3; id++)
            big_record(c, id, &odef, &idef, VG_EVTX_MAX_SUBST, inner[k]);
        size_t len;
        uint8_t *f = file_of(&c, 1, &len);
        uint64_t n[4];
        one_way(f, len, n);
        if (k == 0)
            assert_counts(n, 2, 1, 0, 0);
        else
            assert_counts(n, 0, 0, 3, 0); /* too many values: rendered every time */
    }
    assert_int_equal(VG_EVTX_MAX_SUBST + 2 * 600 > VG_EVTX_PLAN_VALUES, 1);
}

static char tnames[1100][8]; /* element names outlive the chunks that refer to them */

static void distinct_record(eb_chunk *c, uint64_t id, int t)
{
    eb_record_begin(c, id, 0);
    eb_fragment(c);
    uint32_t def = eb_template_begin(c, (uint32_t)t + 100);
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    elem_subst(c, tnames[t], 0, 0);
    eb_subst(c, 1, 0x21, 0);
    eb_end(c);
    eb_eof(c);
    eb_template_end(c, def);
    eb_values(c, 2);
    eb_desc(c, eb_utf16_size("v", 1), 0x01);
    uint32_t size_at = c->pos;
    eb_desc(c, 0, 0x21);
    eb_utf16(c, "v", 1);
    uint32_t start = c->pos;
    eb_fragment(c); /* BinXml holding an element, not a template instance: no plan */
    eb_open(c, "Raw", 0);
    eb_close_empty(c);
    eb_eof(c);
    c->d[size_at] = (uint8_t)(c->pos - start);
    eb_eof(c);
    eb_record_end(c);
}

static void test_templates_limit(void **state)
{
    (void)state;
    enum { CHUNKS = 4, PER_CHUNK = 275 }; /* 1,100 templates: more than VG_EVTX_PLAN_TEMPLATES */
    eb_chunk *c[CHUNKS];
    for (int k = 0; k < CHUNKS; k++) {
        c[k] = chunk();
        for (int i = 0; i < PER_CHUNK; i++) {
            int t = k * PER_CHUNK + i;
            snprintf(tnames[t], sizeof tnames[t], "E%d", t);
            distinct_record(c[k], (uint64_t)t + 1, t);
        }
    }
    size_t len;
    uint8_t *f = file_of(c, CHUNKS, &len);
    uint64_t n[4];
    one_way(f, len, n);
    /* no plan was made, so only the templates could fill the cache */
    assert_counts(n, 0, 0, CHUNKS * PER_CHUNK, 1);
    assert_int_equal(VG_EVTX_PLAN_TEMPLATES < CHUNKS * PER_CHUNK, 1);
}

static char long_text[501];

/* 25 x <T>500 characters</T>, then <V>%0</V>...<V>%9</V>: plans of about 25 KB each */
static void heavy_body(eb_chunk *c)
{
    event_begin(c);
    for (int i = 0; i < 25; i++) {
        eb_open(c, "T", 0);
        eb_close_start(c);
        eb_text(c, long_text);
        eb_end(c);
    }
    for (uint16_t i = 0; i < 10; i++) {
        eb_open(c, "V", 0);
        eb_close_start(c);
        eb_subst(c, i, 0x04, 0);
        eb_end(c);
    }
    event_end(c);
}

static void test_bytes_limit(void **state)
{
    (void)state;
    enum { CHUNKS = 3, PER_CHUNK = 250 }; /* 750 shapes, fewer than VG_EVTX_PLANS */
    memset(long_text, 't', 500);
    uint64_t n[4];
    shapes_read(CHUNKS, PER_CHUNK, 11, heavy_body, 10, n);
    /* one template and fewer shapes than VG_EVTX_PLANS: the bytes emptied the cache */
    assert_int_equal(n[0], 0);
    assert_int_equal(n[1], CHUNKS * PER_CHUNK);
    assert_int_equal(n[2], 0);
    assert_true(n[3] >= 1);
    assert_int_equal(CHUNKS * PER_CHUNK < VG_EVTX_PLANS, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunks_and_files),    cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_repeated_values),     cmocka_unit_test(test_name_from_value),
        cmocka_unit_test(test_bad_value_on_replay), cmocka_unit_test(test_output_limit_on_replay),
        cmocka_unit_test(test_field_limit),         cmocka_unit_test(test_nested),
        cmocka_unit_test(test_cache_reset),         cmocka_unit_test(test_values_limit),
        cmocka_unit_test(test_templates_limit),     cmocka_unit_test(test_bytes_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
