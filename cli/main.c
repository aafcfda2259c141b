/*
 * main.c - entry point of the vigil command-line tool.
 *
 * Options common to every command (--attack, --json, --no-color, --quiet) are taken out of
 * argv wherever they appear; what remains is dispatched to a command. Commands return one of
 * the EXIT_* codes documented in `vigil --help` and the man page.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cov.h"

/* Remove common options from argv; returns the new argc, or -1 on a usage error. */
static int take_common(int argc, char **argv, cli_opts *o)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--no-color") == 0) {
            o->color = 0;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--attack") == 0 || strncmp(a, "--attack=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v || !*v) {
                cli_usage_error(NULL, "--attack needs a file");
                return -1;
            }
            if (o->n_attack_files >= CLI_MAX_ATTACK_FILES) {
                cli_usage_error(NULL, "at most %d --attack files", CLI_MAX_ATTACK_FILES);
                return -1;
            }
            o->attack_files[o->n_attack_files++] = v;
        } else if (strcmp(a, "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        } else {
            argv[out++] = argv[i];
        }
    }
    argv[out] = NULL;
    return out;
}

int main(int argc, char **argv)
{
    cli_opts o = {0};
    o.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    o.width = cli_term_width();
    argc = take_common(argc, argv, &o);
    if (argc < 0)
        return EXIT_USAGE;
    if (argc < 2) {
        cli_help(NULL, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cli_help(NULL, stdout);
    if (strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(argv[2], "--man") == 0)
            return cli_help_man(stdout);
        char topic[128] = "";
        for (int i = 2; i < argc; i++) {
            size_t n = strlen(topic);
            snprintf(topic + n, sizeof topic - n, "%s%s", n ? " " : "", argv[i]);
        }
        return cli_help(topic, stdout);
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("vigil %s\n", vg_version());
        return EXIT_OK;
    }
    if (strcmp(cmd, "attack") == 0)
        return cmd_attack(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "scan") == 0)
        return cmd_scan(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "data") == 0)
        return cmd_data(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "coverage") == 0)
        return cmd_coverage(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "gaps") == 0)
        return cmd_gaps(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "baseline") == 0)
        return cmd_baseline(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "dump") == 0)
        return cmd_dump(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "risk") == 0)
        return cmd_risk(argc - 1, argv + 1, &o);
    if (strcmp(cmd, "notables") == 0)
        return cmd_notables(argc - 1, argv + 1, &o);
    cli_usage_error(NULL, "unknown command '%s'", cmd);
    return EXIT_USAGE;
}
