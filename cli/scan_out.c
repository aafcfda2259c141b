/*
 * scan_out.c - the results side of `vigil scan`: filters, rows, output formats, summary, store.
 *
 * A row copies what it shows from the event (time as ISO UTC, computer, channel, event ID,
 * record ID and a details string chosen by event type), so events need not be kept. The
 * details column follows what Hayabusa users read: for each kind of event the few fields that
 * say what happened (process and command line, registry key and value, file, service, logon).
 * Rows are sorted by time, then file and record; table, CSV and JSON lines print the same rows.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan.h"

/* ---------------------------------------------------------------- filters */

static int list_has(const char *csv, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = csv; p && *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && strncasecmp(p, word, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* A rule id, or a tag (attack.t1059, attack.execution), names the rule. */
static int names_rule(const char *sel, const vg_rule *r)
{
    if (strcasecmp(sel, r->id) == 0 || (*r->name && strcasecmp(sel, r->name) == 0))
        return 1;
    for (size_t i = 0; i < r->n_tags; i++)
        if (strcasecmp(sel, r->tags[i]) == 0)
            return 1;
    /* attack.t1059 also selects rules on its sub-techniques; tactics by short name */
    const char *s = strncasecmp(sel, "attack.", 7) == 0 ? sel + 7 : sel;
    for (size_t i = 0; i < r->n_techniques; i++) {
        const char *id = r->techniques[i]->attack_id;
        size_t n = strlen(s);
        if (strncasecmp(id, s, n) == 0 && (id[n] == 0 || id[n] == '.'))
            return 1;
    }
    for (size_t i = 0; i < r->n_tactics; i++)
        if (strcasecmp(s, r->tactics[i]->shortname) == 0 ||
            strcasecmp(s, r->tactics[i]->attack_id) == 0)
            return 1;
    return 0;
}

int scan_rule_selected(scan_state *st, const vg_rule *r)
{
    if (st->min_level && (int)r->level < st->min_level)
        return 0;
    if (st->status
            ? !list_has(st->status, r->status)
            : (strcmp(r->status, "deprecated") == 0 || strcmp(r->status, "unsupported") == 0))
        return 0;
    if (st->n_include) {
        int any = 0;
        for (int i = 0; i < st->n_include && !any; i++)
            any = names_rule(st->include[i], r);
        if (!any)
            return 0;
    }
    for (int i = 0; i < st->n_exclude; i++)
        if (names_rule(st->exclude[i], r))
            return 0;
    return 1;
}

/* A --since/--until value as a prefix of the event times vg_event_time_iso gives
 * ("2026-11-02T09:13:30.004000Z"): a space separator becomes T, a trailing Z or +00:00 goes. */
static const char *time_bound(const char *s, char *buf, size_t cap)
{
    size_t n = strlen(s);
    if (n >= cap)
        return s;
    memcpy(buf, s, n + 1);
    if (n > 10 && buf[10] == ' ')
        buf[10] = 'T';
    if (n > 0 && (buf[n - 1] == 'Z' || buf[n - 1] == 'z'))
        buf[n - 1] = 0;
    else if (n > 6 && strcmp(buf + n - 6, "+00:00") == 0)
        buf[n - 6] = 0;
    return buf;
}

/* --since/--until compare ISO times as text, the bound as a prefix, so a bound names a
 * period: "2026-11-02" is the whole day, "2026-11-02T09:13:30" the whole second; the event
 * times "2026-11-02T09:13:30.004000Z" and "2026-11-02T09:13:30.004Z" are the same instant. */
int scan_time_selected(scan_state *st, const vg_event *ev)
{
    if (!st->since && !st->until)
        return 1;
    char t[40], b[40];
    if (!vg_event_time_iso(ev, t, sizeof t))
        return 0;
    const char *since = st->since ? time_bound(st->since, b, sizeof b) : NULL;
    if (since && strncmp(t, since, strlen(since)) < 0)
        return 0;
    const char *until = st->until ? time_bound(st->until, b, sizeof b) : NULL;
    if (until && strncmp(t, until, strlen(until)) > 0)
        return 0;
    return 1;
}

/* ---------------------------------------------------------------- rows */

static char *dup_str(vg_str v)
{
    char *p = malloc(v.len + 1);
    if (!p) {
        fprintf(stderr, "vigil: out of memory\n");
        exit(EXIT_INPUT);
    }
    if (v.len)
        memcpy(p, v.ptr, v.len);
    p[v.len] = 0;
    return p;
}

/* The fields worth showing, by channel and event ID; NULL channel matches any. */
static const struct {
    const char *channel;
    int event_id;
    const char *fields[6];
} detail_fields[] = {
    {"Microsoft-Windows-Sysmon/Operational", 1, {"Image", "CommandLine", "ParentImage", "User"}},
    {"Microsoft-Windows-Sysmon/Operational",
     3,
     {"Image", "DestinationIp", "DestinationPort", "DestinationHostname", "User"}},
    {"Microsoft-Windows-Sysmon/Operational", 7, {"Image", "ImageLoaded", "Signed"}},
    {"Microsoft-Windows-Sysmon/Operational", 8, {"SourceImage", "TargetImage", "StartFunction"}},
    {"Microsoft-Windows-Sysmon/Operational", 10, {"SourceImage", "TargetImage", "GrantedAccess"}},
    {"Microsoft-Windows-Sysmon/Operational", 11, {"TargetFilename", "Image"}},
    {"Microsoft-Windows-Sysmon/Operational", 12, {"EventType", "TargetObject", "Image"}},
    {"Microsoft-Windows-Sysmon/Operational", 13, {"TargetObject", "Details", "Image"}},
    {"Microsoft-Windows-Sysmon/Operational", 22, {"QueryName", "Image"}},
    {"Security", 4624, {"TargetUserName", "LogonType", "IpAddress", "WorkstationName"}},
    {"Security", 4625, {"TargetUserName", "LogonType", "IpAddress", "Status"}},
    {"Security", 4688, {"NewProcessName", "CommandLine", "ParentProcessName", "SubjectUserName"}},
    {"Security", 4657, {"ObjectName", "ObjectValueName", "NewValue", "ProcessName"}},
    {"Security", 1102, {"SubjectUserName", "SubjectDomainName"}},
    {"System", 7045, {"ServiceName", "ImagePath", "AccountName"}},
    {"Microsoft-Windows-PowerShell/Operational", 4104, {"ScriptBlockText", "Path"}},
};

/* System fields left out of the generic details. */
static int is_system_field(vg_str n)
{
    static const char *const sys[] = {"EventID",
                                      "Channel",
                                      "Computer",
                                      "EventRecordID",
                                      "Provider_Name",
                                      "Provider_Guid",
                                      "Version",
                                      "Level",
                                      "Task",
                                      "Opcode",
                                      "Keywords",
                                      "TimeCreated_SystemTime",
                                      "Execution_ProcessID",
                                      "Execution_ThreadID",
                                      "Security_UserID",
                                      "Correlation_ActivityID",
                                      "Correlation_RelatedActivityID",
                                      "SystemTime",
                                      "Guid",
                                      "ProcessID",
                                      "ThreadID",
                                      "UserID",
                                      "@timestamp",
                                      "EventTime",
                                      "_file",
                                      "_record",
                                      "OriginalLogfile",
                                      "RuleName",
                                      "UtcTime",
                                      "ProcessGuid",
                                      "xmlns",
                                      "Qualifiers"};
    for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++)
        if (n.len == strlen(sys[i]) && strncasecmp(n.ptr, sys[i], n.len) == 0)
            return 1;
    return 0;
}

static void append(char *buf, size_t cap, size_t *k, vg_str name, vg_str value)
{
    if (*k >= cap - 1 || !value.len)
        return;
    size_t vl = value.len;
    if (vl > 300) { /* shorten long values at a character boundary */
        vl = 300;
        while (vl > 0 && ((unsigned char)value.ptr[vl] & 0xC0) == 0x80)
            vl--;
    }
    int n = snprintf(buf + *k, cap - *k, "%s%.*s: %.*s%s", *k ? " ¦ " : "", (int)name.len, name.ptr,
                     (int)vl, value.ptr, vl < value.len ? "…" : "");
    if (n > 0 && *k + (size_t)n < cap) {
        *k += (size_t)n;
        return;
    }
    /* the buffer filled: drop a last character that was cut short */
    size_t j = cap - 2;
    while (j > *k && ((unsigned char)buf[j] & 0xC0) == 0x80)
        j--;
    unsigned char lead = (unsigned char)buf[j];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    size_t e = j + need <= cap - 1 ? cap - 1 : j;
    buf[e] = 0;
    *k = e;
}

static char *details(const vg_event *ev, vg_str channel, long eid)
{
    char buf[2048];
    size_t k = 0;
    buf[0] = 0;
    for (size_t d = 0; d < sizeof detail_fields / sizeof detail_fields[0]; d++) {
        if (detail_fields[d].event_id != eid || strlen(detail_fields[d].channel) != channel.len ||
            strncasecmp(detail_fields[d].channel, channel.ptr, channel.len) != 0)
            continue;
        for (int f = 0; f < 6 && detail_fields[d].fields[f]; f++) {
            const char *name = detail_fields[d].fields[f];
            append(buf, sizeof buf, &k, (vg_str){name, strlen(name)}, vg_event_get(ev, name));
        }
        return dup_str((vg_str){buf, k});
    }
    /* anything else: the first few non-system fields */
    int shown = 0;
    for (size_t i = 0; i < vg_event_count(ev) && shown < 5; i++) {
        vg_str n, v;
        vg_event_field(ev, i, &n, &v, NULL);
        if (is_system_field(n) || !v.len)
            continue;
        append(buf, sizeof buf, &k, n, v);
        shown++;
    }
    return dup_str((vg_str){buf, k});
}

void scan_add_row(scan_state *st, scan_worker *w, const vg_rule *r)
{
    if (st->n_rows == st->cap_rows) {
        st->cap_rows = st->cap_rows ? st->cap_rows * 2 : 256;
        st->rows = realloc(st->rows, st->cap_rows * sizeof *st->rows);
        if (!st->rows) {
            fprintf(stderr, "vigil: out of memory\n");
            exit(EXIT_INPUT);
        }
    }
    const vg_event *ev = w->cur_event;
    scan_row *row = &st->rows[st->n_rows];
    char t[40];
    vg_event_time_iso(ev, t, sizeof t);
    vg_str ch = vg_event_get(ev, "Channel"), id = vg_event_get(ev, "EventID");
    row->time = dup_str((vg_str){t, strlen(t)});
    row->computer = dup_str(vg_event_get(ev, "Computer"));
    row->channel = dup_str(ch);
    row->event_id = dup_str(id);
    row->details = details(ev, ch, id.ptr ? strtol(row->event_id, NULL, 10) : -1);
    row->file =
        dup_str((vg_str){w->cur_info.file, strlen(w->cur_info.file)}); /* or archive:member */
    row->record_id = w->cur_info.record_id;
    row->line = w->cur_info.line;
    row->offset = w->cur_info.offset;
    row->rule = r;
    row->seq = st->n_rows;
    st->n_rows++;
    if (st->store) {
        const char *json = NULL;
        size_t jlen = 0;
        if (vg_input_json(w->cur_input, &json, &jlen))
            json = NULL;
        vg_store_match m = {
            st->scan_id,    row->time, row->computer, row->channel, row->event_id,
            row->record_id, r,         row->file,     row->line,    w->cur_info.offset,
            json,           jlen};
        if (vg_store_add_rule(st->store, r) || vg_store_add_match(st->store, &m))
            st->input_errors++;
        else if (st->rk)
            scan_risk_match(st, r);
    }
}

static int cmp_row(const void *pa, const void *pb)
{
    const scan_row *a = pa, *b = pb;
    int c = strcmp(a->time, b->time);
    if (!c)
        c = strcmp(a->file, b->file);
    if (!c)
        c = (a->record_id > b->record_id) - (a->record_id < b->record_id);
    if (!c) /* ranges of one file are read at once: their line order, not arrival order */
        c = (a->line > b->line) - (a->line < b->line);
    if (!c) /* the same for EVTX records with the same time and number */
        c = (a->offset > b->offset) - (a->offset < b->offset);
    if (!c)
        c = (a->seq > b->seq) - (a->seq < b->seq);
    return c;
}

/* ---------------------------------------------------------------- output */

static void join_tactics(const vg_rule *r, char *buf, size_t cap, int ids)
{
    size_t k = 0;
    buf[0] = 0;
    size_t n = ids ? r->n_techniques : r->n_tactics;
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? "," : "",
                              ids ? r->techniques[i]->attack_id : r->tactics[i]->shortname);
}

static void csv_field(FILE *f, const char *s, int last)
{
    int quote = strpbrk(s, ",\"\n\r") != NULL;
    if (quote) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static const char *level_color(vg_level l)
{
    switch (l) {
    case VG_LEVEL_CRITICAL:
        return "\033[1;31m";
    case VG_LEVEL_HIGH:
        return "\033[31m";
    case VG_LEVEL_MEDIUM:
        return "\033[33m";
    case VG_LEVEL_LOW:
        return "\033[32m";
    default:
        return "";
    }
}

static void print_table(scan_state *st)
{
    int color = st->opts->color;
    int width = st->opts->width;
    printf("%-24s %-16s %-12s %6s %-8s %-22s %9s  %-40s %s\n", "Timestamp", "Computer", "Channel",
           "Event", "Level", "Tactics", "RecordID", "Rule", "Details");
    for (size_t i = 0; i < st->n_rows; i++) {
        const scan_row *r = &st->rows[i];
        char tac[512];
        join_tactics(r->rule, tac, sizeof tac, 0);
        const char *ch = r->channel;
        if (strcmp(ch, "Microsoft-Windows-Sysmon/Operational") == 0)
            ch = "Sysmon";
        else if (strncmp(ch, "Microsoft-Windows-", 18) == 0)
            ch += 18;
        int used = 0;
        /* 2026-11-02T09:12:09.870000Z shown to the millisecond, with its Z, in 24 columns */
        char tm[25];
        size_t tl = strlen(r->time);
        if (tl == 27 && r->time[19] == '.' && r->time[26] == 'Z')
            snprintf(tm, sizeof tm, "%.23sZ", r->time);
        else
            snprintf(tm, sizeof tm, "%s", r->time);
        printf("%-24.24s %-16.16s %-12.12s %6.6s %s%-8.8s%s %-22.22s %9llu  ", tm, r->computer, ch,
               r->event_id, color ? level_color(r->rule->level) : "", vg_level_name(r->rule->level),
               color ? "\033[0m" : "", tac, (unsigned long long)r->record_id);
        used = 24 + 1 + 16 + 1 + 12 + 1 + 6 + 1 + 8 + 1 + 22 + 1 + 9 + 2;
        cli_put_cell(stdout, r->rule->title, 40, 1);
        used += 41;
        fputc(' ', stdout);
        int left = width - used;
        cli_put_cell(stdout, r->details, left > 20 ? left : 20, 0);
        fputc('\n', stdout);
    }
}

static void print_csv(scan_state *st)
{
    printf("timestamp,computer,channel,event_id,record_id,level,tactics,techniques,rule_title,"
           "rule_id,details,file\n");
    for (size_t i = 0; i < st->n_rows; i++) {
        const scan_row *r = &st->rows[i];
        char tac[512], tech[1024], rec[32];
        join_tactics(r->rule, tac, sizeof tac, 0);
        join_tactics(r->rule, tech, sizeof tech, 1);
        snprintf(rec, sizeof rec, "%llu", (unsigned long long)r->record_id);
        csv_field(stdout, r->time, 0);
        csv_field(stdout, r->computer, 0);
        csv_field(stdout, r->channel, 0);
        csv_field(stdout, r->event_id, 0);
        csv_field(stdout, rec, 0);
        csv_field(stdout, vg_level_name(r->rule->level), 0);
        csv_field(stdout, tac, 0);
        csv_field(stdout, tech, 0);
        csv_field(stdout, r->rule->title, 0);
        csv_field(stdout, r->rule->id, 0);
        csv_field(stdout, r->details, 0);
        csv_field(stdout, r->file, 1);
    }
}

static void print_jsonl(scan_state *st)
{
    jw w;
    jw_init(&w, stdout);
    for (size_t i = 0; i < st->n_rows; i++) {
        const scan_row *r = &st->rows[i];
        jw_obj(&w);
        jw_kstr(&w, "timestamp", r->time);
        jw_kstr(&w, "computer", r->computer);
        jw_kstr(&w, "channel", r->channel);
        jw_key(&w, "event_id");
        if (*r->event_id && strspn(r->event_id, "0123456789") == strlen(r->event_id))
            jw_int(&w, strtoll(r->event_id, NULL, 10));
        else
            jw_str(&w, r->event_id);
        jw_kint(&w, "record_id", (long long)r->record_id);
        jw_kstr(&w, "level", vg_level_name(r->rule->level));
        jw_kstr(&w, "rule_id", r->rule->id);
        jw_kstr(&w, "rule_title", r->rule->title);
        jw_key(&w, "tactics");
        jw_arr(&w);
        for (size_t k = 0; k < r->rule->n_tactics; k++)
            jw_str(&w, r->rule->tactics[k]->shortname);
        jw_end(&w, ']');
        jw_key(&w, "techniques");
        jw_arr(&w);
        for (size_t k = 0; k < r->rule->n_techniques; k++)
            jw_str(&w, r->rule->techniques[k]->attack_id);
        jw_end(&w, ']');
        jw_kstr(&w, "details", r->details);
        jw_kstr(&w, "file", r->file);
        if (r->line)
            jw_kint(&w, "line", (long long)r->line);
        jw_end(&w, '}');
    }
}

/* ---------------------------------------------------------------- summary */

typedef struct tally {
    const char *key;
    size_t n;
    uint64_t tactics; /* per host: bit per tactic index in tactic_names */
} tally;

static size_t tally_add(tally *t, size_t *n, size_t cap, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(t[i].key, key) == 0) {
            t[i].n++;
            return i;
        }
    if (*n >= cap)
        return cap;
    t[*n] = (tally){key, 1, 0};
    return (*n)++;
}

static int by_count(const void *a, const void *b)
{
    const tally *x = a, *y = b;
    return x->n != y->n ? (x->n < y->n) - (x->n > y->n) : strcmp(x->key, y->key);
}

static void summary(scan_state *st, FILE *f)
{
    size_t by_level[6] = {0};
    size_t cap = st->n_rows + 1, nr = 0, nh = 0;
    tally *rules = calloc(cap, sizeof *rules), *hosts = calloc(cap, sizeof *hosts);
    const vg_attack_obj *const *tac;
    size_t nt = vg_attack_tactics(st->kb, VG_DOMAIN_ENTERPRISE, &tac);
    for (size_t i = 0; rules && hosts && i < st->n_rows; i++) {
        const scan_row *r = &st->rows[i];
        by_level[r->rule->level < 6 ? r->rule->level : 0]++;
        tally_add(rules, &nr, cap, r->rule->title);
        size_t h = tally_add(hosts, &nh, cap, *r->computer ? r->computer : "(unknown)");
        for (size_t k = 0; h < cap && k < r->rule->n_tactics; k++)
            for (size_t t = 0; t < nt && t < 64; t++)
                if (tac[t] == r->rule->tactics[k])
                    hosts[h].tactics |= 1ull << t;
    }
    fprintf(f,
            "\n%llu events in %zu file%s (%zu unreadable), %.2f s, %.0f events/s; %zu "
            "detection rule%s (profile %s)\n",
            st->events, st->n_inputs, st->n_inputs == 1 ? "" : "s", st->input_errors, st->elapsed,
            st->elapsed > 0 ? (double)st->events / st->elapsed : 0.0, st->n_detection,
            st->n_detection == 1 ? "" : "s", vg_profile_name(st->prof));
    fprintf(f, "%zu match%s: critical %zu, high %zu, medium %zu, low %zu, informational %zu\n",
            st->n_rows, st->n_rows == 1 ? "" : "es", by_level[VG_LEVEL_CRITICAL],
            by_level[VG_LEVEL_HIGH], by_level[VG_LEVEL_MEDIUM], by_level[VG_LEVEL_LOW],
            by_level[VG_LEVEL_INFORMATIONAL]);
    if (st->warnings)
        fprintf(f, "%zu warning%s while reading (shown above)\n", st->warnings,
                st->warnings == 1 ? "" : "s");
    if (nr) {
        qsort(rules, nr, sizeof *rules, by_count);
        fprintf(f, "\ntop rules:\n");
        for (size_t i = 0; i < nr && i < 10; i++)
            fprintf(f, "  %6zu  %s\n", rules[i].n, rules[i].key);
        qsort(hosts, nh, sizeof *hosts, by_count);
        fprintf(f, "\nATT&CK tactics seen per host:\n");
        for (size_t i = 0; i < nh; i++) {
            int count = __builtin_popcountll(hosts[i].tactics);
            fprintf(f, "  %-28s %4zu match%s, %2d tactic%s:", hosts[i].key, hosts[i].n,
                    hosts[i].n == 1 ? "" : "es", count, count == 1 ? "" : "s");
            for (size_t t = 0; t < nt && t < 64; t++)
                if (hosts[i].tactics & (1ull << t))
                    fprintf(f, " %s", tac[t]->shortname);
            fputc('\n', f);
        }
    }
    free(rules);
    free(hosts);
}

void scan_output(scan_state *st)
{
    if (!st->no_sort && st->n_rows)
        qsort(st->rows, st->n_rows, sizeof *st->rows, cmp_row);
    if (strcmp(st->format, "csv") == 0)
        print_csv(st);
    else if (strcmp(st->format, "jsonl") == 0)
        print_jsonl(st);
    else
        print_table(st);
    fflush(stdout);
    if (!st->no_summary && !st->opts->quiet)
        summary(st, strcmp(st->format, "table") == 0 ? stdout : stderr);
}

/* ---------------------------------------------------------------- store */

int scan_db_open(scan_state *st)
{
    vg_diags *d = vg_diags_new();
    int rc = st->store ? 0 : vg_store_open(st->db, &st->store, d); /* --risk opened it */
    if (!rc) {
        char cmd[2048];
        size_t k = (size_t)snprintf(cmd, sizeof cmd, "vigil scan");
        for (int i = 0; i < st->n_paths && k < sizeof cmd; i++)
            k += (size_t)snprintf(cmd + k, sizeof cmd - k, " %s", st->paths[i]);
        rc = vg_store_scan_begin(st->store, cmd, &st->scan_id);
    }
    if (rc) {
        cli_print_diags(d, stderr, 0);
        fprintf(stderr, "vigil: %s: cannot use the database: %s\n", st->db ? st->db : "memory",
                vg_strerror(rc));
    }
    vg_diags_free(d);
    return rc;
}

void scan_db_close(scan_state *st)
{
    if (!st->store)
        return;
    int rc = 0;
    if (st->inv)
        rc = vg_store_add_inventory(st->store, st->scan_id, st->inv);
    if (!rc)
        rc = vg_store_scan_end(st->store, st->scan_id, st->n_inputs, st->events, st->n_rows);
    if (rc) {
        fprintf(stderr, "vigil: %s: the scan was not stored: %s\n", st->db, vg_strerror(rc));
        st->input_errors++;
    } else if (!st->opts->quiet && st->db) {
        fprintf(stderr, "stored scan %lld in %s\n", (long long)st->scan_id, st->db);
    }
    if (st->rk)
        return; /* scan_risk_free closes it */
    vg_store_close(st->store);
    st->store = NULL;
}

void scan_free(scan_state *st)
{
    scan_risk_free(st);
    for (size_t i = 0; i < st->n_rows; i++) {
        scan_row *r = &st->rows[i];
        free(r->time);
        free(r->computer);
        free(r->channel);
        free(r->event_id);
        free(r->details);
        free(r->file);
    }
    free(st->rows);
    for (size_t i = 0; i < st->n_files; i++)
        free(st->files[i]);
    free(st->files);
    free(st->sizes);
    free(st->rstart);
    free(st->rend);
    free(st->rlines);
    free(st->origin);
    free(st->iout);
    free(st->by_order);
    vg_inventory_free(st->inv);
    vg_store_close(st->store);
    vg_ruleset_free(st->rs);
    vg_profile_free(st->prof);
    vg_attack_free(st->kb);
}
