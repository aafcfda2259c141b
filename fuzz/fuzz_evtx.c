/*
 * fuzz_evtx.c - libFuzzer target for the EVTX reader (src/evtx).
 *
 * The first input byte chooses the mode; the rest is the payload:
 *   bit 0 clear: the payload is a whole file, read as it is;
 *   bit 0 set:   the payload is one chunk, placed after a valid file header; with bit 1 clear
 *                its header and data checksums are recomputed first, so that mutations reach
 *                the record, template and value code instead of stopping at the CRC check.
 * Not only "no crash": every record the reader returns must render to JSON that parses, and
 * the fields vg_evtx_next() fills must equal those vg_event_from_json(VG_JSON_EVTX) makes of
 * that JSON; every diagnostic must carry a message and an offset inside the input; and reading
 * again with every record rendered (no plan, src/evtx/plan.c) must give the same records,
 * fields (names, values, types) and diagnostics. The seed
 * corpus (fuzz/corpus/evtx) is written by tests/evtx/test_evtx --seeds from vigil's own
 * builder: no third-party files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "evtx/evtx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_evtx: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A file header followed by the payload as chunk 0 (checksums fixed when fix). */
static uint8_t *wrap_chunk(const uint8_t *p, size_t n, int fix, size_t *len)
{
    if (n > VG__EVTX_CHUNK)
        n = VG__EVTX_CHUNK;
    *len = VG__EVTX_FILE_HEADER + n;
    uint8_t *f = calloc(1, *len + 1);
    if (!f)
        abort();
    memcpy(f, "ElfFile", 8);
    f[32] = 128;
    f[38] = 3;
    f[41] = 0x10;
    f[42] = 1;
    put32(f + 124, vg__evtx_crc32(0, f, 120));
    uint8_t *c = f + VG__EVTX_FILE_HEADER;
    memcpy(c, p, n);
    if (fix && n >= VG__EVTX_CHUNK_HDR) {
        uint32_t free_off = c[48] | c[49] << 8 | (uint32_t)c[50] << 16 | (uint32_t)c[51] << 24;
        if (free_off >= VG__EVTX_CHUNK_HDR && free_off <= n)
            put32(c + 52, vg__evtx_crc32(0, c + VG__EVTX_CHUNK_HDR, free_off - 512));
        uint32_t crc = vg__evtx_crc32(0, c, 120);
        put32(c + 124, vg__evtx_crc32(crc, c + 128, VG__EVTX_CHUNK_HDR - 128));
    }
    return f;
}

/* Records, fields and diagnostics of one read, as text. */
static void read_all(const uint8_t *file, size_t len, int plans, vg__buf *out)
{
    vg_diags *d = vg_diags_new();
    vg_event *ev = vg_event_new();
    vg_evtx *r = NULL;
    vg_evtx_record_info info;
    if (vg_evtx_open_buffer(file, len, "fuzz", d, &r) == 0) {
        vg__evtx_set_plans(r, plans);
        for (int n = 0; vg_evtx_next(r, ev, &info) == 1 && n < 10000; n++) {
            vg__buf_printf(out, "R %llu\n", (unsigned long long)info.record_id);
            for (size_t i = 0; i < vg_event_count(ev); i++) {
                vg_str a, v;
                vg_value_type t;
                vg_event_field(ev, i, &a, &v, &t);
                vg__buf_printf(out, "%d %zu %zu ", (int)t, a.len, v.len);
                vg__buf_add(out, a.ptr, a.len);
                vg__buf_add(out, v.ptr, v.len);
            }
        }
    }
    for (size_t i = 0; i < vg_diags_count(d); i++)
        vg__buf_printf(out, "D %llu %s\n", (unsigned long long)vg_diags_get(d, i)->offset,
                       vg_diags_get(d, i)->message);
    vg_evtx_close(r);
    vg_event_free(ev);
    vg_diags_free(d);
}

static void same_fields(const vg_event *a, const vg_event *b)
{
    CHECK(vg_event_count(a) == vg_event_count(b));
    for (size_t i = 0; i < vg_event_count(a); i++) {
        vg_str n1, v1, n2, v2;
        vg_value_type t1, t2;
        vg_event_field(a, i, &n1, &v1, &t1);
        vg_event_field(b, i, &n2, &v2, &t2);
        CHECK(t1 == t2 && n1.len == n2.len && v1.len == v2.len);
        CHECK(memcmp(n1.ptr, n2.ptr, n1.len) == 0 && memcmp(v1.ptr, v2.ptr, v1.len) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    size_t len;
    uint8_t *file = NULL;
    if (mode & 1) {
        file = wrap_chunk(data + 1, size - 1, !(mode & 2), &len);
    } else {
        len = size - 1;
        file = malloc(len ? len : 1); /* exactly sized: reads past it are caught */
        if (!file)
            abort();
        memcpy(file, data + 1, len);
    }
    vg_diags *d = vg_diags_new();
    vg_event *ev = vg_event_new(), *ev2 = vg_event_new();
    vg__json j;
    vg__json_init(&j);
    vg_evtx *r = NULL;
    if (vg_evtx_open_buffer(file, len, "fuzz", d, &r) == 0) {
        vg_evtx_record_info info;
        int n = 0, rc;
        while ((rc = vg_evtx_next(r, ev, &info)) == 1 && n++ < 10000) {
            CHECK(info.offset < len);
            const char *json;
            size_t jl;
            int jrc = vg_evtx_record_json(r, &json, &jl);
            CHECK(jrc == 0 || jrc == VG_ERR_LIMIT);
            if (jrc)
                continue;
            CHECK(vg__json_parse(&j, json, jl) == 0);
            int erc = vg_event_from_json(ev2, json, jl, VG_JSON_EVTX, NULL, NULL, 0);
            CHECK(erc == 0 || erc == VG_ERR_LIMIT);
            same_fields(ev, ev2);
        }
        CHECK(rc >= 0);
    } else {
        CHECK(r == NULL);
    }
    for (size_t i = 0; i < vg_diags_count(d); i++) {
        const vg_diag *g = vg_diags_get(d, i);
        CHECK(g->message && *g->message);
        CHECK(g->offset <= len);
    }
    vg_evtx_close(r);
    vg__json_free(&j);
    vg_event_free(ev);
    vg_event_free(ev2);
    vg_diags_free(d);
    vg__buf with, without;
    vg__buf_init(&with);
    vg__buf_init(&without);
    read_all(file, len, 1, &with);
    read_all(file, len, 0, &without);
    CHECK(!with.oom && !without.oom && with.len == without.len);
    CHECK(with.len == 0 || memcmp(with.ptr, without.ptr, with.len) == 0);
    vg__buf_free(&with);
    vg__buf_free(&without);
    free(file);
    return 0;
}
