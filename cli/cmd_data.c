/*
 * cmd_data.c - `vigil data inventory`: what the logs really contain (`data needs` and
 * `data next` are in cmd_needs.c).
 *
 * Reads EVTX and JSON-lines files like `vigil scan` does, without rules, and prints per
 * channel and event ID the number of events, the hosts, the first and last time, and the fill
 * rate of each field (the share of events that carry it with a value), so a SOC can see which
 * data exists before asking which detections can work.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cov.h"

static int read_path(const char *path, vg_inventory *inv, vg_event *ev, size_t *files,
                     unsigned long long *events, int top)
{
    struct stat sb;
    if (strcmp(path, "-") != 0 && stat(path, &sb) != 0) {
        fprintf(stderr, "vigil: %s: no such file or folder\n", path);
        return 1;
    }
    if (strcmp(path, "-") != 0 && S_ISDIR(sb.st_mode)) {
        size_t count;
        char **names = cli_list_dir(path, &count);
        if (!names)
            return 1;
        int bad = 0;
        for (size_t i = 0; i < count; i++)
            bad |= read_path(names[i], inv, ev, files, events, 0);
        cli_free_list(names, count);
        return bad;
    }
    if (!top && !cli_log_name(path))
        return 0;
    vg_diags *dg = vg_diags_new();
    vg_input *in;
    int rc = vg_input_open(path, VG_JSON_AUTO, dg, &in);
    if (!rc) {
        (*files)++;
        while ((rc = vg_input_next(in, ev, NULL)) == 1) {
            (*events)++;
            if (vg_inventory_add(inv, ev))
                break;
        }
        vg_input_close(in);
    }
    cli_print_diags(dg, stderr, 0);
    vg_diags_free(dg);
    return rc < 0;
}

static int inventory(int argc, char **argv, cli_opts *o)
{
    vg_inventory *inv = vg_inventory_new();
    vg_event *ev = vg_event_new();
    size_t files = 0;
    unsigned long long events = 0;
    int bad = 0, n_paths = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            cli_help("data inventory", stdout);
            vg_event_free(ev);
            vg_inventory_free(inv);
            return EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_usage_error("data inventory", "bad option '%s'", argv[i]);
            vg_event_free(ev);
            vg_inventory_free(inv);
            return EXIT_USAGE;
        }
        n_paths++;
        bad |= read_path(argv[i], inv, ev, &files, &events, 1);
    }
    if (!n_paths) {
        cli_usage_error("data inventory", "give at least one file or folder");
        vg_event_free(ev);
        vg_inventory_free(inv);
        return EXIT_USAGE;
    }
    jw w;
    jw_init(&w, stdout);
    if (o->json) {
        jw_obj(&w);
        jw_kint(&w, "files", (long long)files);
        jw_kint(&w, "events", (long long)events);
        jw_key(&w, "sources");
        jw_arr(&w);
    } else {
        size_t ns = vg_inventory_count(inv);
        printf("%llu events in %zu file%s, %zu source%s (channel, event ID)\n\n", events, files,
               files == 1 ? "" : "s", ns, ns == 1 ? "" : "s");
    }
    for (size_t i = 0; i < vg_inventory_count(inv); i++) {
        vg_inventory_source s;
        vg_inventory_source_get(inv, i, &s);
        if (o->json) {
            jw_obj(&w);
            jw_kstr(&w, "channel", s.channel);
            jw_kstr(&w, "event_id", s.event_id);
            jw_kint(&w, "events", (long long)s.events);
            jw_kstr(&w, "first", s.first);
            jw_kstr(&w, "last", s.last);
            jw_key(&w, "hosts");
            jw_obj(&w);
            for (size_t h = 0; h < s.n_hosts; h++)
                jw_kint(&w, s.hosts[h], (long long)s.host_events[h]);
            jw_end(&w, '}');
            jw_key(&w, "fields");
            jw_obj(&w);
            for (size_t f = 0; f < s.n_fields; f++)
                jw_kint(&w, s.fields[f], (long long)s.field_events[f]);
            jw_end(&w, '}');
            jw_end(&w, '}');
            continue;
        }
        printf("%s  %s  %llu event%s  %zu host%s  %s .. %s\n",
               *s.channel ? s.channel : "(no channel)", *s.event_id ? s.event_id : "-",
               (unsigned long long)s.events, s.events == 1 ? "" : "s", s.n_hosts,
               s.n_hosts == 1 ? "" : "s", *s.first ? s.first : "?", *s.last ? s.last : "?");
        printf("  hosts:");
        for (size_t h = 0; h < s.n_hosts; h++)
            printf(" %s (%llu)", *s.hosts[h] ? s.hosts[h] : "(none)",
                   (unsigned long long)s.host_events[h]);
        printf("\n  fields:");
        for (size_t f = 0; f < s.n_fields; f++)
            printf(" %s %.0f%%", s.fields[f], 100.0 * (double)s.field_events[f] / (double)s.events);
        printf("\n");
    }
    if (o->json) {
        jw_end(&w, ']');
        jw_end(&w, '}');
    }
    vg_event_free(ev);
    vg_inventory_free(inv);
    return bad ? EXIT_INPUT : EXIT_OK;
}

int cmd_data(int argc, char **argv, cli_opts *o)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        cli_help("data", argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "inventory") == 0)
        return inventory(argc, argv, o);
    if (strcmp(argv[1], "needs") == 0)
        return cmd_data_needs(argc - 1, argv + 1, o);
    if (strcmp(argv[1], "next") == 0)
        return cmd_data_next(argc - 1, argv + 1, o);
    cli_usage_error("data", "unknown data command '%s'", argv[1]);
    return EXIT_USAGE;
}
