/*
 * help.c - every word of vigil's help, and the man page made from it.
 *
 * One table holds, per command, its synopsis, a one-line summary and a longer text with its
 * options. `vigil --help`, `vigil help COMMAND` and `vigil help --man` (which the build turns
 * into vigil.1) all print from this table, so the three never disagree.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

typedef struct help_entry {
    const char *name;
    const char *synopsis;
    const char *summary;
    const char *text;
} help_entry;

static const help_entry entries[] = {
    {"attack info", "vigil attack info [--attack FILE]... [--json]",
     "Show the loaded ATT&CK version and what it holds.",
     "Prints the ATT&CK release, where it came from (the embedded catalogue or the --attack\n"
     "files), and counts per object kind and domain: tactics, techniques and sub-techniques,\n"
     "groups, software, campaigns, mitigations, data sources and components, detection\n"
     "strategies, analytics, and relationships by type.\n"},
    {"attack show", "vigil attack show ID|NAME [--json]",
     "Show one object: technique, tactic, group, software, campaign, mitigation, ...",
     "ID is any ATT&CK ID (T1059.001, TA0002, G0016, S0002, C0022, M1038, DS0009, DC0001,\n"
     "DET0001, AN0001) or a STIX id; NAME is a name or alias. Case does not matter. A revoked ID\n"
     "is shown with a note naming its replacement, followed by the replacement itself.\n"},
    {"attack search", "vigil attack search TEXT [--kind KIND] [--json]",
     "Find objects whose ID, name or alias contains TEXT.",
     "KIND limits the search: tactic, technique, group, software, campaign, mitigation,\n"
     "data-source, data-component, detection-strategy, analytic.\n"},
    {"attack matrix",
     "vigil attack matrix [--domain enterprise|mobile|ics] [--platform P] [--width N]",
     "Print the ATT&CK matrix: tactics as columns in matrix order.",
     "Each cell is a technique with its number of sub-techniques in brackets. Revoked and\n"
     "deprecated techniques are left out. --platform keeps techniques for that platform\n"
     "(Windows, Linux, macOS, ...). The width defaults to the terminal's (or $COLUMNS).\n"},
    {"attack group", "vigil attack group NAME|ID [--json]",
     "List the techniques a group, campaign or software uses, by tactic.",
     "For a group, techniques used directly and through campaigns attributed to it are listed,\n"
     "with the source of each. Software the group uses is listed after.\n"},
    {"attack export-catalogue", "vigil attack export-catalogue --attack FILE... > catalogue.json",
     "Write the compact facts-only bundle that vigil embeds.",
     "Maintainers regenerate data/attack-catalogue.json with this command from MITRE's STIX\n"
     "bundles. It keeps IDs, names, URLs, tactics, platforms, relationships and log sources\n"
     "and drops descriptions.\n"},
    {"rules check", "vigil rules check PATH... [--profile P] [--placeholders FILE] [-v] [--json]",
     "Compile Sigma rules; report every problem and a summary.",
     "PATH is a rule file or a folder (searched recursively for .yml and .yaml). Each rule that\n"
     "does not compile is reported with file:line:col, the source line, a caret and the reason;\n"
     "the other rules still load. The summary counts rules by kind, status, level, log source\n"
     "and ATT&CK tactic (tags resolved through the knowledge base, across ATT&CK versions).\n"
     "-v lists every file that compiled. Exit status 1 when any rule was rejected.\n"
     "--profile sysmon|windows|both|FILE chooses how log sources map to events (default both);\n"
     "--placeholders FILE gives values for %placeholders% used with the expand modifier.\n"},
    {"rules test", "vigil rules test RULE... --on EVENTS [--profile P] [-v] [--json]",
     "Show which events a rule matches, and why.",
     "EVENTS is a JSON-lines file (or - for standard input): flat events or the nested form of\n"
     "the evtx crate. For every event a rule matches, the routing branch, each search\n"
     "identifier's value and the field and value that matched are printed; -v also explains\n"
     "the events that did not match. Malformed lines are reported and skipped.\n"},
    {"dump", "vigil dump FILE... [-q]", "Print every record of EVTX files as JSON lines.",
     "Each record is one line in the nested form of the Rust evtx crate: Event, System,\n"
     "EventData or UserData, with XML attributes under \"#attributes\" and element text beside\n"
     "them under \"#text\". Damaged input does not stop the dump: each problem is reported on\n"
     "standard error as FILE:chunk N (byte X): reason, and every intact record is printed.\n"
     "-q hides these warnings. Exit status 3 if a file cannot be read or is not EVTX.\n"},
    {"scan",
     "vigil scan PATH... [-r RULES]... [--profile P] [--format table|csv|jsonl] [--db FILE]",
     "Scan EVTX and JSON-lines files with Sigma rules; print an ATT&CK-tagged timeline.",
     "PATH is a file or a folder (searched recursively for .evtx, .json, .jsonl, .ndjson, .gz\n"
     "and .zip files; each member of a zip archive that holds EVTX or JSON lines is read as a\n"
     "file named ARCHIVE:MEMBER); - reads JSON lines from standard input. Without -r the\n"
     "built-in starter rules are used. One row per match, sorted by time: timestamp, computer,\n"
     "channel, event ID, level, ATT&CK tactics and techniques, record ID, rule, details and\n"
     "file. The table is the default on a terminal, JSON lines otherwise (docs/scan.md has the\n"
     "schema).\n"
     "Options:\n"
     "  --min-level L         informational, low, medium, high or critical\n"
     "  --status S,...        rule statuses to use (default: all but deprecated, unsupported)\n"
     "  --since T, --until T  event time window, ISO 8601 (2026-11-02 or 2026-11-02T10:00:00)\n"
     "  --include X           only rules with this id, name, tag, technique or tactic\n"
     "  --exclude X           leave out rules with this id, name, tag, technique or tactic\n"
     "  --json-form F         auto (default), flat, evtx, ecs or nxlog\n"
     "  --db FILE             also store matches, their events and the data inventory in\n"
     "                        SQLite (appends; docs/store.md)\n"
     "  --risk                risk-based alerting while scanning: matches become risk events\n"
     "                        and notables are raised (on standard error) the moment an\n"
     "                        incident rule holds; with --db stored as `vigil risk` would\n"
     "  --risk-config F, --incident-rules F, --assets CSV, --identities CSV\n"
     "                        as for `vigil risk` (--config there)\n"
     "  --notables FILE       with --risk: the final notables as JSON lines\n"
     "  --placeholders FILE   values for %placeholders% of expand rules\n"
     "  -j, --threads N       worker threads (default: one per core); files are shared out\n"
     "  --split-mb N          a plain JSON-lines or EVTX file of N MB or more (default 16;\n"
     "                        0: never) is read by all workers at once, in ranges of whole\n"
     "                        lines or chunks\n"
     "  --exact               evaluate every rule on every event (no index; for checking)\n"
     "  --no-summary, --no-sort, -q\n"
     "The summary (events, files, matches by level, top rules, tactics per host) goes to\n"
     "standard error unless the output is a table. A progress line is shown on a terminal.\n"
     "Exit status 3 when a file could not be read (the others are still scanned).\n"},
    {"data inventory", "vigil data inventory PATH... [--json]",
     "What the logs contain: sources, hosts, time range and field fill rates.",
     "Per channel and event ID: the number of events, the hosts that sent them, the first and\n"
     "last event time, and for each field the share of events that carry it. PATH is read as\n"
     "by `vigil scan` (EVTX, JSON lines, zip archives, folders).\n"},
    {"data needs",
     "vigil data needs TECHNIQUE...|--group NAME...|--all-gaps [--format text|markdown|json]\n"
     "               [-o FILE] [--sources FILE] [-r RULES]... [--logs PATH]... [--inventory FILE]",
     "What data techniques need, how to turn it on, and which rules it makes active.",
     "For each technique (an ATT&CK ID or name; --group NAME: every technique a group, campaign\n"
     "or software uses; --all-gaps: every technique with no rule or only rules needing data):\n"
     "the data components and log sources ATT&CK's detection strategies name, the Windows\n"
     "channels and event IDs that carry them and our rules' log sources, each marked present,\n"
     "partial (fields missing), absent or unknown (no data given) with the audit policy, Sysmon\n"
     "element or setting that turns it on, and the rules now and once their data is there.\n"
     "Then what to enable: the sources that would make a rule active, most techniques first.\n"
     "Rules, --enabled, --profile, --logs and --inventory are those of `vigil coverage`; with\n"
     "neither --logs nor --inventory no source counts as present.\n"
     "Options:\n"
     "  --format F             text (default), markdown (a short case for IT operations: what\n"
     "                         to enable, on which hosts, and why), json; --markdown = markdown\n"
     "  -o FILE                write markdown or json there\n"
     "  --sources FILE         facts of where events come from instead of the built-in\n"
     "                         data/sources/windows.yml (same format, docs/coverage.md)\n"},
    {"data next",
     "vigil data next [-n N] [--group NAME]... [--json] [-o FILE] [--sources FILE] [-r RULES]...\n"
     "               [--logs PATH]... [--inventory FILE]",
     "Rank the log sources not yet present by the techniques they would make active.",
     "Greedy: each step takes the absent or partial source (a channel and event ID) whose\n"
     "onboarding brings the most techniques to their first active rule given the steps before\n"
     "(then the most rules made active), and shows the marginal and cumulative gain. Techniques\n"
     "counted: every parent technique, or with --group the techniques those groups, campaigns\n"
     "or software use, each weighted by how many of them use it. -n N steps (default 10, 0:\n"
     "until nothing more is gained). Rules and data options are those of `vigil coverage`.\n"},
    {"coverage",
     "vigil coverage [-r RULES]... [--enabled LIST|FILE] [--logs PATH]... [--db FILE]\n"
     "               [--inventory FILE] [--color-by M] [--by TABLE] [--format F] [-o FILE]\n"
     "               [--html FILE]",
     "Detection coverage against ATT&CK: rule statuses, the MITRE map, exports.",
     "Each detection rule is active (deployed, and its log source is present with every field it\n"
     "reads), available (data present, not deployed) or needs data (what is missing is named);\n"
     "validated marks rules that fired on labelled attack data (--validated MANIFEST). Techniques\n"
     "count their rules with sub-techniques rolled up; tactics and platforms count techniques\n"
     "with an active rule. Without -r the starter rules are used; without --logs, --db or\n"
     "--inventory data is assumed present wherever the profile routes a rule's log source\n"
     "(docs/coverage.md).\n"
     "Options:\n"
     "  --enabled LIST|FILE    deployed rules (ids or names, comma list or one per line)\n"
     "  --logs PATH            observed data: EVTX / JSON-lines files, zip archives, folders\n"
     "  --db FILE              observed data: the inventory of every scan stored by\n"
     "                         `vigil scan --db FILE` (with --logs: both count)\n"
     "  --inventory FILE       declared data (YAML); --host-group G picks one group of it\n"
     "  --profile P            log-source profile (sysmon, windows, both, FILE)\n"
     "  --color-by M           total, active (default), available, needs-data, validated\n"
     "  --colors C             truecolor, 256 or none (default: from the terminal)\n"
     "  --platform P           only techniques of a platform (Windows, Linux, ...)\n"
     "  --by TABLE             tactic, platform, technique, technique-all or rule instead of the "
     "map\n"
     "  --format F             map (default), json, csv, navigator (layer 4.5), svg, html\n"
     "  -o FILE                write the export there; --html FILE also writes the HTML report\n"
     "  --width N              map width (default: the terminal's)\n"},
    {"coverage diff", "vigil coverage diff A.json B.json [--json]",
     "What a rule change or a new log source gains and loses.",
     "A and B are files of `vigil coverage --format json` (before and after). Prints the overall\n"
     "and per-tactic figures that moved, techniques that gained or lost an active rule, and rules\n"
     "whose status changed; --json writes the same as one JSON object (docs/coverage.md).\n"},
    {"gaps",
     "vigil gaps --group NAME... [--assets FILE] [-r RULES]... [--logs PATH]... [--format F]",
     "Techniques of groups, campaigns or software against our coverage, ranked.",
     "NAME is an ATT&CK ID, name or alias of a group, campaign or software (--group may repeat;\n"
     "bare names count too). A group brings the techniques of the campaigns attributed to it.\n"
     "Each technique used gets our best level: validated, active, available, needs-data or\n"
     "none. Ranked: gaps (below active) first, then priority = actors using it x asset weight,\n"
     "then weakest level, then ID. Rules, --enabled, --logs, --db, --inventory and --validated\n"
     "are those of `vigil coverage`.\n"
     "Options:\n"
     "  --assets FILE          CSV with columns asset,platform,criticality (1-5 or low, medium,\n"
     "                         high, critical): a technique weighs the highest criticality of\n"
     "                         an asset on one of its platforms (0 when none)\n"
     "  --format F             text (default), json, navigator (layer 4.5 overlay: score = actors\n"
     "                         using it, colour = our level)\n"
     "  -o FILE                write json or navigator there\n"
     "  -n N                   show the first N rows only\n"},
    {"validate", "vigil validate MANIFEST [--base DIR] [-r RULES]... [--json]",
     "Scan labelled attack recordings; per technique or tactic: detected, missed, no data.",
     "MANIFEST (YAML, docs/coverage.md) lists files or folders of recorded attacks (EVTX, JSON\n"
     "lines or zip archives of them) with the techniques and/or tactics they contain. Every\n"
     "loaded rule is matched against them. A label is detected when a rule for it fired (a\n"
     "technique: the rule is tagged with it, a sub-technique of it or its parent; a tactic: the\n"
     "rule has the tactic), missed when events were read but no such rule fired, no data when\n"
     "no event was read.\n"
     "Paths are relative to --base DIR, else to the manifest's 'base', else to its folder.\n"
     "`vigil coverage --validated MANIFEST` marks what is detected as validated.\n"
     "data/validate/otrf.yml labels the OTRF Security-Datasets in ../shared/otrf by technique,\n"
     "data/validate/evtx-tactics.yml the EVTX-ATTACK-SAMPLES in ../shared/evtx by tactic.\n"},
    {"baseline check",
     "vigil baseline check BASELINE [--logs PATH]... [-r RULES]... [--enabled LIST|FILE]\n"
     "               [--inventory FILE] [--profile P] [--validated MANIFEST] [--json]",
     "Pass or fail rules and data against a baseline; exit status 1 on a failure.",
     "BASELINE (YAML, docs/coverage.md \"Baselines\") sets requirements: per tactic a minimum\n"
     "share of techniques covered end to end (with an active rule, or validated), log sources\n"
     "(channel and event IDs) that must be present with fields, and groups, campaigns or\n"
     "software whose techniques must be covered (all, or a minimum share). Each requirement is\n"
     "printed as PASS or FAIL with its reason: the share reached and required, events and\n"
     "field counts seen, the techniques left uncovered. Gate a supplier's feed with --logs\n"
     "SAMPLE and a sources-only baseline, or a CI pipeline with -r RULES and tactic targets.\n"
     "Rules, --enabled, --logs, --db, --inventory, --profile and --validated are those of\n"
     "`vigil coverage`; sources are checked against --logs or --db (counts) and --inventory\n"
     "(declared).\n"
     "Exit status 0 when every requirement passed, 1 when one failed, 3 for a bad baseline.\n"},
    {"risk",
     "vigil risk --db FILE [-r RULES]... [--config C] [--incident-rules R] [--assets A] "
     "[--identities I] [--json]",
     "Score alerts into risk events and raise notables (risk-based alerting).",
     "Turns the matches that `vigil scan --db FILE` stored, and not yet scored, into risk\n"
     "events: one per risk object (the system and the user the event names), with the base\n"
     "score of the rule's level (low 21, medium 47, high 73, critical 99) and the risk factors\n"
     "applied. Then evaluates the incident rules per object over sliding windows in event time\n"
     "(defaults: ATT&CK tactics >= 3 and rules >= 4 over 7 days; risk score > 100 over 24\n"
     "hours), each source rule's score capped at 3 x its largest, and prints every notable\n"
     "with its score arithmetic and timeline. docs/risk.md has the files and formats.\n"
     "Options:\n"
     "  -r RULES              Sigma correlation rules (and the rules they reference)\n"
     "  --config FILE         risk configuration (data/risk/risk.yml is the default)\n"
     "  --incident-rules FILE incident rules (data/risk/incident-rules.yml is the default)\n"
     "  --assets CSV, --identities CSV   inventories read by the risk factors\n"
     "  --risk-events FILE    evaluate risk events given as JSON lines (no store needed)\n"
     "  --max-events N        timeline events shown per notable (default 100)\n"},
    {"risk show", "vigil risk show OBJECT --db FILE [--json]",
     "Print one risk object's timeline: every risk event with its score arithmetic.",
     "OBJECT may be written any way its events write it (alice finds CORP\\alice and\n"
     "alice@corp.local; wks-1 finds WKS-1.corp.local): risk objects are normalised as\n"
     "--config says (docs/risk.md, \"Risk objects\").\n"},
    {"risk correlate", "vigil risk correlate -r RULES PATH... [--json]",
     "Evaluate Sigma correlation rules over event files and print their matches.",
     "All seven types (event_count, value_count, temporal, temporal_ordered, value_sum,\n"
     "value_avg, value_percentile), group-by across every referenced rule, aliases, and\n"
     "windows that never exceed the timespan. A correlation may reference correlations\n"
     "(its matches are then alerts with that correlation's group-by fields); a reference\n"
     "cycle is an error and its correlations are skipped. Exit status 1 when nothing matched.\n"},
    {"notables", "vigil notables --db FILE [ID] [--json]",
     "List the notables in the store, or show one (by id or id prefix).", ""},
    {"help", "vigil help [COMMAND] | vigil help --man", "Show help for a command, or the man page.",
     ""},
    {"version", "vigil version", "Print the version.", ""},
};

static const char common_text[] =
    "Options for every command:\n"
    "  --attack FILE   load this ATT&CK STIX bundle instead of the embedded catalogue\n"
    "                  (repeat for enterprise, mobile and ICS)\n"
    "  --json          write the result as JSON\n"
    "  --no-color      no terminal colours\n"
    "  -q, --quiet     no progress or notes\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  a check found something (for commands that check)\n"
    "  2  usage error\n"
    "  3  input error (unreadable or invalid file)\n";

int cli_help(const char *topic, FILE *out)
{
    if (!topic || !*topic) {
        fprintf(out,
                "vigil %s - ATT&CK-driven detection: knowledge, detection, coverage\n\n"
                "Usage: vigil COMMAND [ARGS] [OPTIONS]\n\nCommands:\n",
                vg_version());
        for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
            fprintf(out, "  %-24s %s\n", entries[i].name, entries[i].summary);
        fprintf(out, "\n%s\nRun 'vigil help COMMAND' for more.\n", common_text);
        return EXIT_OK;
    }
    int found = 0;
    size_t tl = strlen(topic);
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        const help_entry *e = &entries[i];
        /* "attack" shows every attack subcommand; "attack show" just one */
        if (strcmp(e->name, topic) != 0 &&
            !(strncmp(e->name, topic, tl) == 0 && e->name[tl] == ' '))
            continue;
        fprintf(out, "%sUsage: %s\n\n%s\n%s", found ? "\n" : "", e->synopsis, e->summary,
                *e->text ? "\n" : "");
        fputs(e->text, out);
        found = 1;
    }
    if (!found) {
        fprintf(stderr, "vigil: no help for '%s'; run 'vigil --help' for the commands\n", topic);
        return EXIT_USAGE;
    }
    fprintf(out, "\n%s", common_text);
    return EXIT_OK;
}

/* roff needs leading dots/quotes and backslashes escaped */
static void roff(FILE *out, const char *s)
{
    int bol = 1;
    for (; *s; s++) {
        if (bol && (*s == '.' || *s == '\''))
            fputs("\\&", out);
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
        bol = *s == '\n';
    }
}

int cli_help_man(FILE *out)
{
    fprintf(out, ".TH VIGIL 1 \"\" \"vigil %s\" \"User Commands\"\n", vg_version());
    fputs(".SH NAME\nvigil \\- ATT&CK\\-driven detection platform\n", out);
    fputs(".SH SYNOPSIS\n.B vigil\n.I COMMAND\n[ARGS] [OPTIONS]\n.SH COMMANDS\n", out);
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        fputs(".TP\n.B ", out);
        roff(out, entries[i].synopsis);
        fputs("\n", out);
        roff(out, entries[i].summary);
        fputs("\n", out);
        if (*entries[i].text) {
            fputs(".br\n", out);
            roff(out, entries[i].text);
        }
    }
    fputs(".SH OPTIONS AND EXIT STATUS\n.nf\n", out);
    roff(out, common_text);
    fputs(".fi\n.SH NOTICE\n", out);
    roff(out, vg_attack_notice());
    fputs("\n", out);
    return EXIT_OK;
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vigil: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        if (cmd && strcmp(entries[i].name, cmd) == 0)
            fprintf(stderr, "Usage: %s\n", entries[i].synopsis);
    fprintf(stderr, "Run 'vigil help%s%s' for more.\n", cmd ? " " : "", cmd ? cmd : "");
}
