/*
 * fuzz_event.c - libFuzzer target for the JSON event reader (vg_event_from_json, every form).
 *
 * Each input is read as one JSON-lines event in each form (auto, flat, evtx, ecs, nxlog), the
 * same event object reused as a reader reuses it. Invariants, not only "no crash": a read that
 * fails leaves an error offset inside the input and a message; a read that succeeds gives
 * fields whose names and values are views of the event's own bytes with the lengths stated,
 * never more than VG_EVENT_MAX_FIELDS of them; auto reports the form it chose; and looking a
 * field up by its own name finds a field of that name. Reading the same input twice gives the
 * same fields. And the one-pass ways (flat lines, and nested documents through nested.c) must
 * agree with the JSON tape (vg__event_from_json_tape): the same result, error message and
 * offset, form and fields, in the same order.
 *
 * Built two ways (fuzz/CMakeLists.txt): with libFuzzer when VG_FUZZ=ON, and with replay.c as
 * a plain program that the test suite runs over fuzz/corpus/event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "event/event.h"
#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_event: invariant failed: %s (line %d)\n", #cond, __LINE__);      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A digest of the fields, to compare two reads. */
static uint64_t digest(const vg_event *ev)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < vg_event_count(ev); i++) {
        vg_str n, v;
        vg_value_type t;
        CHECK(vg_event_field(ev, i, &n, &v, &t) == 0);
        CHECK(n.ptr && v.ptr && t <= VG_VAL_NULL);
        CHECK(memchr(n.ptr, ' ', n.len) == NULL); /* names lose their spaces */
        for (size_t k = 0; k < n.len; k++)
            h = (h ^ (unsigned char)n.ptr[k]) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
        for (size_t k = 0; k < v.len; k++)
            h = (h ^ (unsigned char)v.ptr[k]) * 1099511628211ull;
        h = (h ^ (unsigned)t) * 1099511628211ull;
        long found = vg_event_find(ev, n.ptr, n.len);
        CHECK(found >= 0 && (size_t)found <= i);
    }
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const vg_json_form forms[] = {VG_JSON_AUTO, VG_JSON_FLAT, VG_JSON_EVTX, VG_JSON_ECS,
                                         VG_JSON_NXLOG};
    vg_event *ev = vg_event_new(), *tape = vg_event_new();
    CHECK(ev && tape);
    const char *text = (const char *)data;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        uint64_t first = 0;
        for (int pass = 0; pass < 2; pass++) {
            size_t off = (size_t)-1, toff = (size_t)-1;
            char err[160] = "", terr[160] = "";
            int rc = vg_event_from_json(ev, text, size, forms[f], &off, err, sizeof err);
            int trc =
                vg__event_from_json_tape(tape, text, size, forms[f], &toff, terr, sizeof terr);
            CHECK(rc == trc && strcmp(err, terr) == 0 && off == toff);
            if (!rc) {
                CHECK(vg_event_form(ev) == vg_event_form(tape));
                CHECK(vg_event_count(ev) == vg_event_count(tape));
                CHECK(digest(ev) == digest(tape));
            }
            if (rc) {
                CHECK(rc < 0);
                if (rc != VG_ERR_LIMIT && rc != VG_ERR_NOMEM) {
                    CHECK(off <= size);
                    CHECK(err[0] != 0);
                }
                continue;
            }
            CHECK(vg_event_count(ev) <= VG_EVENT_MAX_FIELDS);
            CHECK(vg_event_form(ev) != VG_JSON_AUTO);
            if (forms[f] != VG_JSON_AUTO)
                CHECK(vg_event_form(ev) == forms[f]);
            uint64_t d = digest(ev);
            if (pass == 0)
                first = d;
            else
                CHECK(d == first);
        }
    }
    vg_event_free(ev);
    vg_event_free(tape);
    return 0;
}
