/*
 * test_evtx.c - the EVTX reader on files built in memory (tests/evtx/builder.c).
 *
 * Each test builds a small file, optionally breaks one thing in it, reads it with the public
 * API and asserts the exact JSON of every recovered record and the exact diagnostics: object
 * ("chunk N"), byte offset and message. Covered: the standard event and the names rules see,
 * every value type and array, template reuse by offset, the crate's JSON conventions
 * (null elements, positional Data, _N suffixes, character references, nested BinXml), and
 * damage: file header CRC, chunk header and data CRC, truncation, a template offset outside
 * the chunk, an oversized record, and every VG_EVTX_MAX_* limit. The reader's CRC32 (folded
 * with carry-less multiplication where the CPU has it) must equal zlib's bitwise-table one on
 * every length up to 300 bytes at every alignment, and on whole chunks. Every file is read
 * twice, from the buffer and from a temporary file (the reader that reads a chunk at a time),
 * and both must give the same records and diagnostics; so must every input of the fuzz corpus.
 * With --seeds DIR it writes the fuzz seed corpus instead (fuzz/corpus/evtx).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "base/base.h"
#include "builder.h"
#include "evtx/evtx.h"

#define STD_JSON(id, image)                                                                        \
    "{\"Event\":{\"#attributes\":{\"xmlns\":\"http://schemas.microsoft.com/win/2004/08/events/"    \
    "event\"},\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Test-Provider\"}},"            \
    "\"EventID\":4688,\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2020-01-02T03:04:05."     \
    "123456Z\"}},\"EventRecordID\":" #id ",\"Correlation\":null,\"Execution\":{\"#attributes\":"   \
    "{\"ProcessID\":1234}},\"Channel\":\"Security\",\"Security\":{\"#attributes\":{\"UserID\":"    \
    "\"S-1-5-18\"}}},\"EventData\":{\"Image\":\"" image "\",\"Threat Name\":\"Evil\","             \
    "\"Count\":3}}}\n"

typedef struct result {
    vg__buf json;   /* one line per record */
    vg__buf diags;  /* one line per diagnostic: object|offset|message */
    vg__buf places; /* one line per record: its byte offset in the file */
    int open_rc;
    int records;
    vg_evtx_record_info first;
} result;

/* One record: its JSON line and its byte offset. */
static void add_record(result *r, const char *json, size_t n, uint64_t offset)
{
    vg__buf_add(&r->json, json, n);
    vg__buf_addc(&r->json, '\n');
    vg__buf_printf(&r->places, "%llu\n", (unsigned long long)offset);
}

/* The three texts end with a NUL, to be compared as strings. */
static void terminate(result *r)
{
    vg__buf_addc(&r->json, 0);
    vg__buf_addc(&r->diags, 0);
    vg__buf_addc(&r->places, 0);
}

static void add_diags(result *r, const vg_diags *d)
{
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        vg__buf_printf(&r->diags, "%s|%llu|%s\n", g->object ? g->object : "-",
                       (unsigned long long)g->offset, g->message);
    }
}

/* Read every record of buf, in place (vg_evtx_open_buffer) or (path) from a file holding it
 * (vg_evtx_open: the file is read a chunk at a time); each record's event must equal
 * vg_event_from_json of its JSON. */
static void read_all(const uint8_t *buf, size_t len, const char *path, result *r)
{
    memset(r, 0, sizeof *r);
    vg_diags *d = vg_diags_new();
    vg_evtx *x = NULL;
    vg_event *ev = vg_event_new(), *ev2 = vg_event_new();
    r->open_rc = path ? vg_evtx_open(path, d, &x) : vg_evtx_open_buffer(buf, len, "t.evtx", d, &x);
    vg_evtx_record_info info;
    while (x && vg_evtx_next(x, ev, &info) == 1) {
        const char *j;
        size_t n;
        assert_int_equal(vg_evtx_record_json(x, &j, &n), 0);
        add_record(r, j, n, info.offset);
        if (!r->records++)
            r->first = info;
        int jrc = vg_event_from_json(ev2, j, n, VG_JSON_EVTX, NULL, NULL, 0);
        assert_true(jrc == 0 || jrc == VG_ERR_LIMIT);
        assert_int_equal(vg_event_count(ev), vg_event_count(ev2));
        for (size_t i = 0; i < vg_event_count(ev); i++) {
            vg_str a, b, va, vb;
            vg_event_field(ev, i, &a, &va, NULL);
            vg_event_field(ev2, i, &b, &vb, NULL);
            assert_memory_equal(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);
            assert_int_equal(va.len, vb.len);
            assert_memory_equal(va.ptr, vb.ptr, va.len);
        }
    }
    add_diags(r, d);
    vg_evtx_close(x);
    vg_diags_free(d);
    vg_event_free(ev);
    vg_event_free(ev2);
    terminate(r);
}

static void done(result *r)
{
    vg__buf_free(&r->json);
    vg__buf_free(&r->diags);
    vg__buf_free(&r->places);
}

/* Read the file at path as vg_input_split cuts it into at most parts ranges of whole chunks,
 * each range with its own input (vg_input_open_range), one after another; returns how many
 * ranges there were. Every range but the first starts at a chunk. */
static unsigned read_ranges(const char *path, unsigned parts, result *r)
{
    memset(r, 0, sizeof *r);
    uint64_t start[16], lines[16];
    unsigned n = 0;
    assert_true(parts <= 16);
    assert_int_equal(vg_input_split(path, parts, start, lines, &n), 0);
    assert_true(n >= 1 && n <= parts);
    vg_event *ev = vg_event_new();
    for (unsigned k = 0; k < n; k++) {
        assert_true(k == 0 ? start[k] == 0
                           : start[k] > start[k - 1] && (start[k] - 4096) % 65536 == 0);
        assert_true(lines[k] == 0);
        vg_diags *d = vg_diags_new();
        vg_input *in = NULL;
        r->open_rc = vg_input_open_range(path, VG_JSON_AUTO, start[k], k + 1 < n ? start[k + 1] : 0,
                                         0, d, &in);
        vg_input_info info;
        while (in && vg_input_next(in, ev, &info) == 1) {
            const char *j;
            size_t len;
            assert_int_equal(vg_input_json(in, &j, &len), 0);
            add_record(r, j, len, info.offset);
            r->records++;
        }
        add_diags(r, d);
        vg_input_close(in);
        vg_diags_free(d);
    }
    vg_event_free(ev);
    terminate(r);
    return n;
}

/* read_all both ways: the file reader must give the same records, record places and
 * diagnostics as the reader of the buffer (which r then holds). */
static void write_tmp(const uint8_t *buf, size_t len, char *path)
{
    strcpy(path, "/tmp/vigil-test-evtx-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *o = fdopen(fd, "wb");
    assert_non_null(o);
    assert_int_equal(fwrite(buf, 1, len, o), len);
    assert_int_equal(fclose(o), 0);
}

static void run(const uint8_t *buf, size_t len, result *r)
{
    char path[32];
    write_tmp(buf, len, path);
    result fr;
    read_all(buf, len, NULL, r);
    read_all(NULL, 0, path, &fr);
    assert_int_equal(fr.open_rc, r->open_rc);
    assert_string_equal(fr.json.ptr, r->json.ptr);
    assert_string_equal(fr.diags.ptr, r->diags.ptr);
    assert_string_equal(fr.places.ptr, r->places.ptr);
    assert_int_equal(fr.records, r->records);
    assert_memory_equal(&fr.first, &r->first, sizeof fr.first);
    /* read in ranges of chunks, as `vigil scan` shares a large file between workers: the same
     * records, places and diagnostics, in the same order (a file without the file signature
     * is not EVTX to vg_input) */
    for (unsigned parts = 2; parts <= 5 && !fr.open_rc && len >= 8 && !memcmp(buf, "ElfFile", 8);
         parts++) {
        result rr;
        read_ranges(path, parts, &rr);
        assert_int_equal(rr.open_rc, 0);
        assert_string_equal(rr.json.ptr, fr.json.ptr);
        assert_string_equal(rr.diags.ptr, fr.diags.ptr);
        assert_string_equal(rr.places.ptr, fr.places.ptr);
        done(&rr);
    }
    unlink(path);
    done(&fr);
}

static uint8_t *std_file(int n_chunks, int per_chunk, size_t *len)
{
    eb_chunk *c[4];
    uint64_t id = 1;
    for (int k = 0; k < n_chunks; k++) {
        c[k] = malloc(sizeof *c[k]);
        eb_chunk_init(c[k]);
        uint32_t def = 0;
        for (int i = 0; i < per_chunk; i++, id++) {
            char image[32];
            snprintf(image, sizeof image, "p%llu.exe", (unsigned long long)id);
            def = eb_std_record(c[k], id, def, image);
        }
        eb_chunk_finish(c[k]);
    }
    uint8_t *f = eb_file(c, n_chunks, len);
    for (int k = 0; k < n_chunks; k++)
        free(c[k]);
    return f;
}

/* ---- intact input ---- */

static void test_standard_records(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = std_file(1, 2, &len);
    result r;
    run(f, len, &r);
    assert_int_equal(r.open_rc, 0);
    assert_string_equal(r.json.ptr, STD_JSON(1, "p1.exe") STD_JSON(2, "p2.exe"));
    assert_string_equal(r.diags.ptr, "");
    assert_int_equal(r.first.record_id, 1);
    assert_int_equal(r.first.chunk, 0);
    assert_int_equal(r.first.offset, 4096 + 512);
    assert_int_equal(r.first.timestamp, 132224078451234560ull);
    done(&r);

    /* the names rules see */
    vg_evtx *x;
    vg_event *ev = vg_event_new();
    assert_int_equal(vg_evtx_open_buffer(f, len, "t", NULL, &x), 0);
    assert_int_equal(vg_evtx_next(x, ev, NULL), 1);
    static const char *const want[][2] = {
        {"Provider_Name", "Test-Provider"},
        {"EventID", "4688"},
        {"TimeCreated_SystemTime", "2020-01-02T03:04:05.123456Z"},
        {"EventRecordID", "1"},
        {"Correlation", "null"},
        {"Execution_ProcessID", "1234"},
        {"Channel", "Security"},
        {"Security_UserID", "S-1-5-18"},
        {"Image", "p1.exe"},
        {"ThreatName", "Evil"},
        {"Count", "3"},
    };
    assert_int_equal(vg_event_count(ev), VG_ARRAY_LEN(want));
    for (size_t i = 0; i < VG_ARRAY_LEN(want); i++) {
        vg_str n, v;
        vg_event_field(ev, i, &n, &v, NULL);
        assert_int_equal(n.len, strlen(want[i][0]));
        assert_memory_equal(n.ptr, want[i][0], n.len);
        assert_int_equal(v.len, strlen(want[i][1]));
        assert_memory_equal(v.ptr, want[i][1], v.len);
    }
    assert_int_equal(vg_evtx_next(x, NULL, NULL), 1);
    assert_int_equal(vg_evtx_next(x, NULL, NULL), 0);
    assert_int_equal(vg_evtx_next(x, NULL, NULL), 0);
    vg_evtx_close(x);
    vg_event_free(ev);
    free(f);
}

/* One record: <Event><V>%0</V>...<V>%n</V></Event> with the given values. */
typedef struct tval {
    uint8_t type;
    uint16_t size;
    const void *data;
} tval;

static uint8_t *values_file(const tval *v, int n, size_t *len)
{
    eb_chunk *c = malloc(sizeof *c);
    eb_chunk_init(c);
    eb_record_begin(c, 1, 0);
    eb_fragment(c);
    uint32_t def = eb_template_begin(c, 9);
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    for (int i = 0; i < n; i++) {
        eb_open(c, "V", 0);
        eb_close_start(c);
        eb_subst(c, (uint16_t)i, v[i].type, 0);
        eb_end(c);
    }
    eb_end(c);
    eb_eof(c);
    eb_template_end(c, def);
    eb_values(c, (uint32_t)n);
    for (int i = 0; i < n; i++)
        eb_desc(c, v[i].size, v[i].type);
    for (int i = 0; i < n; i++)
        eb_bytes(c, v[i].data, v[i].size);
    eb_eof(c);
    eb_record_end(c);
    eb_chunk_finish(c);
    uint8_t *f = eb_file(&c, 1, len);
    free(c);
    return f;
}

static void test_value_types(void **state)
{
    (void)state;
    static const uint8_t s16[] = {'a', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde, 0, 0}; /* aé😀 */
    static const uint8_t ansi[] = {'h', 'i', 0xe9, 0};
    static const uint8_t i8[] = {0xfe}, u8[] = {0xfe}, i16[] = {0xfe, 0xff}, u16[] = {0xfe, 0xff};
    static const uint8_t i32[] = {0xfe, 0xff, 0xff, 0xff}, u32[] = {0xfe, 0xff, 0xff, 0xff};
    static const uint8_t i64[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t u64[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t r32[] = {0, 0, 0xc0, 0x3f};                               /* 1.5 */
    static const uint8_t r64[] = {0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f}; /* 0.1 */
    static const uint8_t b1[] = {2, 0, 0, 0}, bin[] = {0xde, 0xad, 0x01};
    static const uint8_t guid[] = {0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43,
                                   0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9};
    static const uint8_t sz[] = {0x10, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t ft[] = {0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t st[] = {0xe4, 0x07, 1, 0, 4, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0x7b, 0};
    static const uint8_t sid[] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0};
    static const uint8_t h32[] = {0xff, 0, 0, 0}, h64[] = {0, 0, 0, 0, 0, 0, 0, 0x80};
    static const uint8_t sarr[] = {'a', 0, 0, 0, 'b', 0, 0, 0};
    static const uint8_t u16arr[] = {1, 0, 2, 0};
    const tval v[] = {
        {0x01, sizeof s16, s16}, {0x02, sizeof ansi, ansi},
        {0x03, 1, i8},           {0x04, 1, u8},
        {0x05, 2, i16},          {0x06, 2, u16},
        {0x07, 4, i32},          {0x08, 4, u32},
        {0x09, 8, i64},          {0x0a, 8, u64},
        {0x0b, 4, r32},          {0x0c, 8, r64},
        {0x0d, 4, b1},           {0x0e, 3, bin},
        {0x0f, 16, guid},        {0x10, 8, sz},
        {0x11, 8, ft},           {0x12, 16, st},
        {0x13, 16, sid},         {0x14, 4, h32},
        {0x15, 8, h64},          {0x81, sizeof sarr, sarr},
        {0x86, 4, u16arr},       {0x00, 0, ""},
    };
    size_t len;
    uint8_t *f = values_file(v, VG_ARRAY_LEN(v), &len);
    result r;
    run(f, len, &r);
    assert_string_equal(
        r.json.ptr,
        "{\"Event\":{\"V\":\"a\xc3\xa9\xf0\x9f\x98\x80\",\"V_1\":\"hi\xc3\xa9\",\"V_2\":-2,"
        "\"V_3\":254,\"V_4\":-2,\"V_5\":65534,\"V_6\":-2,\"V_7\":4294967294,"
        "\"V_8\":-2,\"V_9\":18446744073709551614,\"V_10\":\"1.5\",\"V_11\":\"0.1\","
        "\"V_12\":true,\"V_13\":\"DEAD01\",\"V_14\":\"5770385F-C22A-43E0-BF4C-06F5698FFBD9\","
        "\"V_15\":\"0x10\",\"V_16\":\"1601-01-01T00:00:00.000000Z\","
        "\"V_17\":\"2020-01-02T03:04:05.123000Z\",\"V_18\":\"S-1-5-32-544\",\"V_19\":\"0xff\","
        "\"V_20\":\"0x8000000000000000\",\"V_21\":\"a,b\",\"V_22\":\"1,2\",\"V_23\":null}}\n");
    assert_string_equal(r.diags.ptr, "");
    done(&r);
    free(f);

    /* a value whose size does not fit its type costs its record, with the reason */
    const tval bad[] = {{0x08, 3, u32}};
    f = values_file(bad, 1, &len);
    run(f, len, &r);
    assert_string_equal(r.json.ptr, "");
    assert_string_equal(r.diags.ptr,
                        "chunk 0|4608|record 1 skipped: value size does not match its type\n");
    done(&r);
    free(f);
}

/* A record whose body is written by fn (no template: elements directly in the record). */
static uint8_t *raw_file(void (*fn)(eb_chunk *c, void *ud), void *ud, size_t *len)
{
    eb_chunk *c = malloc(sizeof *c);
    eb_chunk_init(c);
    eb_record_begin(c, 1, 0);
    eb_fragment(c);
    fn(c, ud);
    eb_eof(c);
    eb_record_end(c);
    eb_chunk_finish(c);
    uint8_t *f = eb_file(&c, 1, len);
    free(c);
    return f;
}

static void elem_text(eb_chunk *c, const char *name, const char *text)
{
    eb_open(c, name, 0);
    eb_close_start(c);
    eb_text(c, text);
    eb_end(c);
}

static void conventions_body(eb_chunk *c, void *ud)
{
    (void)ud;
    eb_open(c, "Event", 0);
    eb_close_start(c);
    eb_open(c, "EventData", 0); /* no Data has a Name: positional */
    eb_close_start(c);
    elem_text(c, "Data", "a");
    elem_text(c, "Data", "b");
    eb_open(c, "Binary", 0);
    eb_close_empty(c);
    eb_end(c);
    eb_open(c, "UserData", 0); /* leaves by name, repeated names suffixed */
    eb_close_start(c);
    eb_open(c, "Log", 1);
    eb_attr(c, "xmlns");
    eb_text(c, "urn:x");
    eb_close_start(c);
    elem_text(c, "Header", "one");
    elem_text(c, "Header", "two");
    eb_open(c, "Ref", 0);
    eb_close_start(c);
    eb_text(c, "x");
    eb_charref(c, 65);
    eb_end(c);
    eb_end(c);
    eb_end(c);
    eb_open(c, "Empty", 1); /* an attribute without text leaves the element null */
    eb_attr(c, "A");
    eb_text(c, "");
    eb_close_empty(c);
    eb_end(c);
}

static void test_conventions(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = raw_file(conventions_body, NULL, &len);
    result r;
    run(f, len, &r);
    assert_string_equal(r.json.ptr,
                        "{\"Event\":{\"EventData\":{\"Data\":{\"#text\":[\"a\",\"b\"]},"
                        "\"Binary\":null},\"UserData\":{\"Log\":{\"#attributes\":{\"xmlns\":"
                        "\"urn:x\"},\"Header\":\"one\",\"Header_1\":\"two\",\"Ref\":\"x&#65;\"}},"
                        "\"Empty\":null}}\n");
    assert_string_equal(r.diags.ptr, "");
    done(&r);
    free(f);
}

/* ---- damage ---- */

static void test_not_evtx(void **state)
{
    (void)state;
    result r;
    run((const uint8_t *)"hello, world", 12, &r);
    assert_int_equal(r.open_rc, VG_ERR_SYNTAX);
    assert_string_equal(r.diags.ptr, "-|0|not an EVTX file: no file or chunk signature\n");
    done(&r);
}

static void test_bad_file_header_crc(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = std_file(1, 1, &len);
    f[120] ^= 1; /* flags are covered by the checksum */
    f[124] ^= 0xff;
    result r;
    run(f, len, &r);
    assert_string_equal(r.json.ptr, STD_JSON(1, "p1.exe"));
    assert_non_null(strstr(r.diags.ptr, "-|124|file header checksum mismatch"));
    assert_non_null(strstr(r.diags.ptr, "; reading the chunks anyway\n"));
    done(&r);
    free(f);
}

static void test_bad_chunk_crc(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = std_file(3, 1, &len);
    f[4096 + 65536 + 124] ^= 0xff; /* chunk 1: header checksum */
    /* chunk 2: one byte of record data ("p3.exe" becomes "q3.exe") */
    uint8_t *p3 = f + 4096 + 2 * 65536;
    while (memcmp(p3, "p\0003\0.\0e\0x\0e\0", 12) != 0)
        p3++;
    p3[0] = 'q';
    result r;
    run(f, len, &r);
    /* chunk 1 is skipped; chunk 2's record still validates and is read */
    assert_string_equal(r.json.ptr, STD_JSON(1, "p1.exe") STD_JSON(3, "q3.exe"));
    const char *d = r.diags.ptr;
    assert_non_null(strstr(d, "chunk 1|69756|chunk header checksum mismatch (stored 0x"));
    assert_non_null(strstr(d, "); chunk skipped\n"));
    assert_non_null(strstr(d, "chunk 2|135220|chunk data checksum mismatch (stored 0x"));
    assert_non_null(strstr(d, "); reading the records that validate\n"));
    done(&r);
    free(f);
}

static void test_truncated(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = std_file(2, 3, &len);
    /* keep chunk 1's header and its first record only */
    uint32_t rec0 = 4096 + 65536 + 512;
    uint32_t size0 = f[rec0 + 4] | f[rec0 + 5] << 8;
    size_t cut = rec0 + size0 + 10;
    result r;
    run(f, cut, &r);
    assert_string_equal(r.json.ptr, STD_JSON(1, "p1.exe") STD_JSON(2, "p2.exe")
                                        STD_JSON(3, "p3.exe") STD_JSON(4, "p4.exe"));
    char want[256];
    snprintf(want, sizeof want,
             "chunk 1|%zu|chunk truncated (%zu of 65536 bytes): records up to the end of the "
             "file are read without a data checksum\n",
             cut, cut - 4096 - 65536);
    assert_string_equal(r.diags.ptr, want);
    done(&r);

    /* a file cut inside its header holds nothing, and says so */
    run(f, 100, &r);
    assert_int_equal(r.open_rc, 0);
    assert_string_equal(r.json.ptr, "");
    assert_string_equal(r.diags.ptr, "-|100|file header truncated (100 of 4096 bytes): the file "
                                     "holds no chunk\n");
    done(&r);
    free(f);
}

/* A file cut into ranges of chunks (vg_input_split, vg_input_open_range) reads as the whole
 * file does (run compares them for every file of these tests); here nine chunks, two of them
 * preallocated (zeros), one with a broken header, one with a broken record byte and the last
 * cut short: each problem is reported once, with its chunk and offset, by the range that
 * holds it. Cuts follow the bytes of records, not the chunk count. */
static void test_ranges(void **state)
{
    (void)state;
    eb_chunk *c[9];
    uint64_t id = 1;
    for (int k = 0; k < 9; k++) {
        c[k] = malloc(sizeof *c[k]);
        eb_chunk_init(c[k]);
        uint32_t def = 0;
        for (int i = 0; i < 1 + k % 3; i++, id++) {
            char image[32];
            snprintf(image, sizeof image, "p%llu.exe", (unsigned long long)id);
            def = eb_std_record(c[k], id, def, image);
        }
        eb_chunk_finish(c[k]);
    }
    size_t len;
    uint8_t *f = eb_file(c, 9, &len);
    for (int k = 0; k < 9; k++)
        free(c[k]);
    memset(f + 4096 + 1 * 65536, 0, 65536); /* chunks 1 and 6: preallocated */
    memset(f + 4096 + 6 * 65536, 0, 65536);
    f[124] ^= 0xff;                               /* the file header's checksum */
    f[4096 + 3 * 65536 + 124] ^= 0xff;            /* chunk 3: header checksum */
    uint8_t *p = f + 4096 + 5 * 65536;            /* chunk 5: a byte of its first record's data */
    while (memcmp(p, "p\0001\0000\0.\0", 8) != 0) /* p10.exe */
        p++;
    p[0] = 'q';
    uint32_t rec8 = 4096 + 8 * 65536 + 512; /* chunk 8: its first record and 10 bytes */
    size_t cut = rec8 + (f[rec8 + 4] | f[rec8 + 5] << 8) + 10;
    result r;
    run(f, cut, &r);
    const char *d = r.diags.ptr;
    assert_true(strncmp(d, "-|124|file header checksum mismatch", 35) == 0); /* once */
    assert_null(strstr(d + 35, "file header"));
    assert_non_null(strstr(d, "chunk 3|200828|chunk header checksum mismatch"));
    assert_non_null(strstr(d, "chunk 5|331828|chunk data checksum mismatch"));
    assert_non_null(strstr(d, "chunk 8|"));
    assert_int_equal(r.records, 1 + 3 + 2 + 3 + 2 + 1); /* chunks 0 2 4 5 7 8 */

    char path[32];
    write_tmp(f, cut, path);
    uint64_t start[16], lines[16];
    unsigned n = 0;
    assert_int_equal(vg_input_split(path, 16, start, lines, &n), 0);
    assert_true(n >= 5 && n <= 9); /* at most one range per chunk */
    for (unsigned k = 0; k < n; k++) {
        uint64_t end = k + 1 < n ? start[k + 1] : cut, chunk5 = 4096 + 5 * 65536;
        /* each range alone: the chunk 5 problem belongs to the range of chunk 5 only */
        vg_diags *dg = vg_diags_new();
        vg_input *in = NULL;
        assert_int_equal(vg_input_open_range(path, VG_JSON_AUTO, start[k],
                                             k + 1 < n ? start[k + 1] : 0, 0, dg, &in),
                         0);
        vg_input_info info;
        while (vg_input_next(in, NULL, &info) == 1)
            assert_true(info.offset >= start[k] && info.offset < end);
        int has5 = 0;
        for (size_t i = 0; i < vg_diags_count(dg); i++) {
            const char *o = vg_diags_get(dg, i)->object;
            has5 |= o && strcmp(o, "chunk 5") == 0;
        }
        assert_int_equal(has5, start[k] <= chunk5 && chunk5 < end);
        vg_input_close(in);
        vg_diags_free(dg);
    }
    vg_input *in = NULL;
    assert_int_equal(vg_input_open_range(path, VG_JSON_AUTO, 4097, 0, 0, NULL, &in), VG_ERR_INVAL);
    assert_int_equal(
        vg_input_open_range(path, VG_JSON_AUTO, 4096 + 65536, 4096 + 65536, 0, NULL, &in),
        VG_ERR_INVAL);
    assert_null(in);
    unlink(path);
    done(&r);

    /* one chunk full of records, then seven preallocated: two ranges are the full chunk and
     * the rest */
    eb_chunk *one = malloc(sizeof *one);
    eb_chunk_init(one);
    uint32_t def = 0;
    for (uint64_t i = 1; i <= 100; i++)
        def = eb_std_record(one, i, def, "x.exe");
    eb_chunk_finish(one);
    eb_chunk *zero = calloc(1, sizeof *zero);
    eb_chunk *list[8] = {one, zero, zero, zero, zero, zero, zero, zero};
    uint8_t *g = eb_file(list, 8, &len);
    memset(g + 4096 + 65536, 0, 7 * 65536);
    write_tmp(g, len, path);
    assert_int_equal(vg_input_split(path, 2, start, lines, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(start[1], 4096 + 65536);
    unlink(path);
    free(one);
    free(zero);
    free(g);
    free(f);
}

/* Records 1-3 in one chunk; then fix the checksums after poking. */
static void refinish(uint8_t *f, size_t chunk)
{
    uint8_t *h = f + 4096 + chunk * 65536;
    uint32_t free_off = h[48] | h[49] << 8 | (uint32_t)h[50] << 16;
    uint32_t crc = eb_crc32(h + 512, free_off - 512);
    memcpy(h + 52, &crc, 4);
    uint8_t tmp[504];
    memcpy(tmp, h, 120);
    memcpy(tmp + 120, h + 128, 384);
    crc = eb_crc32(tmp, sizeof tmp);
    memcpy(h + 124, &crc, 4);
}

static void test_broken_template_offset(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = std_file(1, 3, &len);
    /* record 2 refers to the template by offset: point it outside the chunk */
    uint32_t rec0 = 4096 + 512, size0 = f[rec0 + 4] | f[rec0 + 5] << 8;
    uint32_t rec1 = rec0 + size0;
    uint32_t ref = rec1 + 24 + 4 + 6; /* fragment header, 0x0c, unknown, template id */
    f[ref + 2] = 0x7f;                /* offset 0x7f....: far outside */
    refinish(f, 0);
    result r;
    run(f, len, &r);
    assert_string_equal(r.json.ptr, STD_JSON(1, "p1.exe") STD_JSON(3, "p3.exe"));
    char want[128];
    snprintf(want, sizeof want,
             "chunk 0|%u|record 2 skipped: template definition outside the chunk\n",
             rec1 + 24 + 4 + 10);
    assert_string_equal(r.diags.ptr, want);
    done(&r);
    free(f);
}

/* Write at chunk offset at (past the records: the chunk's free space) and come back. */
static uint32_t far_begin(eb_chunk *c, uint32_t at)
{
    uint32_t pos = c->pos;
    c->pos = at;
    return pos;
}

/* The name "Far" stored past the records, for eb_name to refer to. */
static void far_name(eb_chunk *c)
{
    uint32_t pos = far_begin(c, 60000);
    eb_u32(c, 0); /* next in bucket */
    eb_u16(c, 0); /* hash */
    eb_u16(c, 3);
    eb_bytes(c, "F\0a\0r\0\0\0", 8);
    c->pos = pos;
    c->names[c->n_names++] = (struct eb_name){"Far", 60000};
}

/* <Event><Far>x</Far></Event> */
static void far_body(eb_chunk *c)
{
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    elem_text(c, "Far", "x");
    eb_end(c);
    eb_eof(c);
}

/* A template whose definition lies past the records (ud non-NULL), or an inline one whose
 * element name does. */
static void far_record(eb_chunk *c, void *ud)
{
    far_name(c);
    if (ud) {
        uint32_t pos = far_begin(c, 50000);
        eb_u32(c, 0); /* next template in the bucket */
        eb_u32(c, 7);
        eb_bytes(c, "0123456789ab", 12);
        eb_u32(c, 0);
        far_body(c);
        eb_put32(c, 50000 + 20, c->pos - (50000 + 24));
        c->pos = pos;
        eb_template_ref(c, 7, 50000);
    } else {
        uint32_t def = eb_template_begin(c, 7);
        far_body(c);
        eb_template_end(c, def);
    }
    eb_values(c, 0);
}

static void test_past_the_records(void **state)
{
    (void)state;
    /* A sound chunk's records refer to nothing past them; a crafted one may, and the file
     * reader, which reads a chunk's records only, reads the rest then (run compares). */
    for (int far_template = 0; far_template < 2; far_template++) {
        size_t len;
        uint8_t *f = raw_file(far_record, far_template ? "" : NULL, &len);
        result r;
        run(f, len, &r);
        assert_string_equal(r.json.ptr, "{\"Event\":{\"Far\":\"x\"}}\n");
        assert_string_equal(r.diags.ptr, "");
        done(&r);
        /* and when the file ends before them, both readers say where */
        run(f, 4096 + 40000, &r);
        assert_string_equal(r.json.ptr, "");
        assert_non_null(strstr(r.diags.ptr, far_template ? "template definition outside the chunk"
                                                         : "name offset outside the chunk"));
        done(&r);
        free(f);
    }
}

#ifdef VG_FUZZ_CORPUS
/* fuzz_evtx's input as a file: a mode byte, then a whole file (mode bit 0 clear) or chunk 0,
 * whose checksums are fixed unless mode bit 1 is set (fuzz/fuzz_evtx.c). */
static uint8_t *fuzz_file(const uint8_t *data, size_t size, size_t *len)
{
    if (!(data[0] & 1)) {
        *len = size - 1;
        uint8_t *f = malloc(*len + 1);
        memcpy(f, data + 1, *len);
        return f;
    }
    size_t n = size - 1 < 65536 ? size - 1 : 65536;
    eb_chunk *c = calloc(1, sizeof *c);
    memcpy(c->d, data + 1, n);
    uint8_t *f = eb_file(&c, 1, len);
    free(c);
    *len = 4096 + n;
    uint32_t free_off = f[4096 + 48] | f[4096 + 49] << 8 | (uint32_t)f[4096 + 50] << 16 |
                        (uint32_t)f[4096 + 51] << 24;
    if (!(data[0] & 2) && n >= 512 && free_off >= 512 && free_off <= n)
        refinish(f, 0);
    return f;
}

/* Every input of the fuzz corpus (damaged files and chunks of every kind) gives the same
 * records and diagnostics from the file reader as from the buffer reader (run compares). */
static void test_fuzz_corpus(void **state)
{
    (void)state;
    DIR *dir = opendir(VG_FUZZ_CORPUS);
    if (!dir) {
        print_message("skipped: no fuzz corpus at %s\n", VG_FUZZ_CORPUS);
        return;
    }
    int n = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        char path[4096];
        char *data = NULL;
        size_t size = 0, len;
        snprintf(path, sizeof path, "%s/%s", VG_FUZZ_CORPUS, e->d_name);
        if (e->d_name[0] == '.' || vg__read_file(path, 1u << 24, &data, &size) || !size) {
            free(data);
            continue;
        }
        uint8_t *f = fuzz_file((const uint8_t *)data, size, &len);
        result r;
        run(f, len, &r);
        done(&r);
        if (data[0] & 1) { /* the chunk between two intact ones: run reads it in ranges too */
            size_t one;
            uint8_t *g = std_file(1, 1, &one), *h = calloc(1, 4096 + 3 * 65536);
            memcpy(h, g, one);
            memcpy(h + 4096 + 65536, f + 4096, len - 4096);
            memcpy(h + 4096 + 2 * 65536, g + 4096, 65536);
            run(h, 4096 + 3 * 65536, &r);
            done(&r);
            free(g);
            free(h);
        }
        free(f);
        free(data);
        n++;
    }
    closedir(dir);
    assert_true(n > 100);
}
#endif

static void test_oversized_record(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = std_file(1, 3, &len);
    uint32_t rec0 = 4096 + 512, size0 = f[rec0 + 4] | f[rec0 + 5] << 8;
    uint32_t rec1 = rec0 + size0, size1 = f[rec1 + 4] | f[rec1 + 5] << 8;
    f[rec1 + 6] = 0x10; /* record 2's size: 1 MiB + its own */
    refinish(f, 0);
    result r;
    run(f, len, &r);
    /* the reader finds record 3 again after the broken frame */
    assert_string_equal(r.json.ptr, STD_JSON(1, "p1.exe") STD_JSON(3, "p3.exe"));
    char want[128];
    snprintf(want, sizeof want,
             "chunk 0|%u|record size exceeds VG_EVTX_MAX_RECORD; %u bytes skipped\n", rec1, size1);
    assert_string_equal(r.diags.ptr, want);
    done(&r);
    free(f);
}

/* ---- limits: each VG_EVTX_MAX_* is hit, and only its record is lost ---- */

static void nest_body(eb_chunk *c, void *ud)
{
    int depth = *(int *)ud;
    for (int i = 0; i < depth; i++) {
        eb_open(c, "E", 0);
        eb_close_start(c);
    }
    eb_text(c, "deep");
    for (int i = 0; i < depth; i++)
        eb_end(c);
}

static void test_limit_depth(void **state)
{
    (void)state;
    size_t len;
    int depth = VG_EVTX_MAX_DEPTH;
    uint8_t *f = raw_file(nest_body, &depth, &len);
    result r;
    run(f, len, &r);
    assert_int_equal(r.records, 1); /* at the limit: read; fields deeper than an event holds are
                                       dropped, as vg_event_from_json drops them */
    assert_non_null(strstr(r.diags.ptr, "record 1: more fields or nesting than an event holds"));
    done(&r);
    free(f);
    depth = VG_EVTX_MAX_DEPTH + 1;
    f = raw_file(nest_body, &depth, &len);
    run(f, len, &r);
    assert_int_equal(r.records, 0);
    assert_non_null(
        strstr(r.diags.ptr, "record 1 skipped: elements nested deeper than VG_EVTX_MAX_DEPTH\n"));
    done(&r);
    free(f);
}

static void test_limit_substitutions(void **state)
{
    (void)state;
    static const uint8_t u8[VG_EVTX_MAX_SUBST + 1];
    tval *v = calloc(VG_EVTX_MAX_SUBST + 1, sizeof *v);
    for (int i = 0; i <= VG_EVTX_MAX_SUBST; i++)
        v[i] = (tval){0x04, 1, u8};
    size_t len;
    uint8_t *f = values_file(v, VG_EVTX_MAX_SUBST, &len);
    result r;
    run(f, len, &r);
    assert_int_equal(r.records, 1);
    assert_string_equal(r.diags.ptr, "");
    done(&r);
    free(f);
    f = values_file(v, VG_EVTX_MAX_SUBST + 1, &len);
    run(f, len, &r);
    assert_int_equal(r.records, 0);
    assert_non_null(
        strstr(r.diags.ptr, "record 1 skipped: more substitution values than VG_EVTX_MAX_SUBST\n"));
    done(&r);
    free(f);
    free(v);
}

static void test_limit_templates(void **state)
{
    (void)state;
    eb_chunk *c = malloc(sizeof *c);
    eb_chunk_init(c);
    for (uint32_t i = 1; i <= VG_EVTX_MAX_TEMPLATES + 1; i++) {
        eb_record_begin(c, i, 0);
        eb_fragment(c);
        uint32_t def = eb_template_begin(c, i);
        eb_fragment(c);
        eb_open(c, "T", 0);
        eb_close_empty(c);
        eb_eof(c);
        eb_template_end(c, def);
        eb_values(c, 0);
        eb_eof(c);
        eb_record_end(c);
    }
    eb_chunk_finish(c);
    size_t len;
    uint8_t *f = eb_file(&c, 1, &len);
    result r;
    run(f, len, &r);
    assert_int_equal(r.records, VG_EVTX_MAX_TEMPLATES);
    assert_non_null(strstr(r.diags.ptr, "record 513 skipped: more templates in a chunk than "
                                        "VG_EVTX_MAX_TEMPLATES\n"));
    done(&r);
    free(f);
    free(c);
}

static void long_name_body(eb_chunk *c, void *ud)
{
    eb_open(c, (const char *)ud, 0);
    eb_close_empty(c);
}

static void test_limit_name(void **state)
{
    (void)state;
    char *name = malloc(VG_EVTX_MAX_NAME + 2);
    memset(name, 'n', VG_EVTX_MAX_NAME + 1);
    name[VG_EVTX_MAX_NAME] = 0;
    size_t len;
    uint8_t *f = raw_file(long_name_body, name, &len);
    result r;
    run(f, len, &r);
    assert_int_equal(r.records, 1);
    done(&r);
    free(f);
    name[VG_EVTX_MAX_NAME] = 'n';
    name[VG_EVTX_MAX_NAME + 1] = 0;
    f = raw_file(long_name_body, name, &len);
    run(f, len, &r);
    assert_int_equal(r.records, 0);
    assert_non_null(strstr(r.diags.ptr, "record 1 skipped: name longer than VG_EVTX_MAX_NAME\n"));
    done(&r);
    free(f);
    free(name);
}

/* A template that repeats one 30,000-character value n times. */
static uint8_t *repeat_file(int n, size_t *len)
{
    eb_chunk *c = malloc(sizeof *c);
    eb_chunk_init(c);
    eb_record_begin(c, 1, 0);
    eb_fragment(c);
    uint32_t def = eb_template_begin(c, 1);
    eb_fragment(c);
    eb_open(c, "Event", 0);
    eb_close_start(c);
    for (int i = 0; i < n; i++)
        eb_subst(c, 0, 0x01, 0);
    eb_end(c);
    eb_eof(c);
    eb_template_end(c, def);
    eb_values(c, 1);
    eb_desc(c, 60000, 0x01);
    for (int i = 0; i < 30000; i++)
        eb_u16(c, 'x');
    eb_eof(c);
    eb_record_end(c);
    eb_chunk_finish(c);
    uint8_t *f = eb_file(&c, 1, len);
    free(c);
    return f;
}

static void test_limit_output(void **state)
{
    (void)state;
    size_t len;
    uint8_t *f = repeat_file(100, &len); /* 3 MB of text: fine */
    result r;
    run(f, len, &r);
    assert_int_equal(r.records, 1);
    done(&r);
    free(f);
    f = repeat_file(300, &len); /* 9 MB */
    run(f, len, &r);
    assert_int_equal(r.records, 0);
    assert_non_null(strstr(r.diags.ptr, "record 1 skipped: record renders to more than "
                                        "VG_EVTX_MAX_OUTPUT bytes\n"));
    done(&r);
    free(f);
}

/* ---- CRC32 ---- */

static void test_crc32(void **state)
{
    (void)state;
    static uint8_t buf[65536 + 16];
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
    for (size_t at = 0; at < 16; at++)
        for (size_t n = 0; n <= 300; n++)
            for (uint32_t start = 0; start < 3; start++) {
                uint32_t c0 = start == 0 ? 0 : start == 1 ? 0xffffffffu : (uint32_t)x;
                assert_int_equal(vg__evtx_crc32(c0, buf + at, n),
                                 (uint32_t)crc32(c0, buf + at, (uInt)n));
            }
    for (size_t n = 65536 - 512; n <= 65536; n += 509)
        assert_int_equal(vg__evtx_crc32(0, buf + 7, n), (uint32_t)crc32(0, buf + 7, (uInt)n));
    assert_int_equal(vg__evtx_crc32(0, (const uint8_t *)"123456789", 9), 0xcbf43926u);
}

/* ---- fuzz seeds ---- */

static int write_seeds(const char *dir)
{
    struct {
        const char *name;
        uint8_t *f;
        size_t len;
    } s[4];
    s[0].name = "standard";
    s[0].f = std_file(1, 2, &s[0].len);
    s[1].name = "conventions";
    s[1].f = raw_file(conventions_body, NULL, &s[1].len);
    static const uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    static const uint8_t sarr[] = {'a', 0, 0, 0, 'b', 0, 0, 0};
    const tval v[] = {{0x13, sizeof sid, sid}, {0x81, sizeof sarr, sarr}, {0x0e, 2, "ab"}};
    s[2].name = "values";
    s[2].f = values_file(v, 3, &s[2].len);
    s[3].name = "two-chunks";
    s[3].f = std_file(2, 1, &s[3].len);
    for (size_t i = 0; i < VG_ARRAY_LEN(s); i++) {
        /* fuzz_evtx's format: a mode byte, then a chunk (checksums fixed by the target) or a
         * whole file; zero tails are trimmed so that seeds stay small */
        for (int whole = 0; whole < 2; whole++) {
            const uint8_t *p = whole ? s[i].f : s[i].f + 4096;
            size_t n = whole ? s[i].len : 65536, keep = whole ? 4096 + 512 : 512;
            while (n > keep && p[n - 1] == 0)
                n--;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.%s", dir, s[i].name, whole ? "file" : "chunk");
            FILE *o = fopen(path, "wb");
            uint8_t mode = whole ? 0 : 1;
            if (!o || fwrite(&mode, 1, 1, o) != 1 || fwrite(p, 1, n, o) != n) {
                perror(path);
                return 1;
            }
            fclose(o);
        }
        free(s[i].f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--seeds") == 0)
        return write_seeds(argv[2]);
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_records),
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_conventions),
        cmocka_unit_test(test_not_evtx),
        cmocka_unit_test(test_bad_file_header_crc),
        cmocka_unit_test(test_bad_chunk_crc),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_broken_template_offset),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_past_the_records),
#ifdef VG_FUZZ_CORPUS
        cmocka_unit_test(test_fuzz_corpus),
#endif
        cmocka_unit_test(test_oversized_record),
        cmocka_unit_test(test_limit_depth),
        cmocka_unit_test(test_limit_substitutions),
        cmocka_unit_test(test_limit_templates),
        cmocka_unit_test(test_limit_name),
        cmocka_unit_test(test_limit_output),
        cmocka_unit_test(test_crc32),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
