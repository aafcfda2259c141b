/*
 * cov_map.c - coverage in the terminal: the ATT&CK matrix coloured by a measure, and tables.
 *
 * The map has the tactics as columns in matrix order and one line per technique (sub-techniques
 * folded into their parent, their rules rolled up). A cell reads "T1059 2/5": the technique, its
 * score under the measure (--color-by) and its number of rules; a mark before the ID gives the
 * best status of its rules so the map reads without colour too: '#' active, '+' available,
 * '!' needs data only, '*' validated, ' ' no rule. With colours the cell background is the
 * measure's palette step (the same colours as the SVG, HTML and Navigator views), as 24-bit
 * colour or the nearest of xterm's 256.
 */
#include <stdlib.h>
#include <string.h>

#include "cov.h"

static char mark(const vg_cov_tech *t)
{
    if (t->validated || t->tech_validated)
        return '*';
    if (t->n[VG_COV_ACTIVE])
        return '#';
    if (t->n[VG_COV_AVAILABLE])
        return '+';
    if (t->n[VG_COV_NEEDS_DATA])
        return '!';
    return ' ';
}

static void set_bg(FILE *f, const char *hex, cov_colors colors)
{
    unsigned r, g, b;
    if (colors == COV_COLORS_NONE || sscanf(hex, "#%2x%2x%2x", &r, &g, &b) != 3)
        return;
    if (colors == COV_COLORS_TRUE)
        fprintf(f, "\x1b[30;48;2;%u;%u;%um", r, g, b);
    else
        fprintf(f, "\x1b[30;48;5;%um",
                16 + 36 * ((r * 5 + 127) / 255) + 6 * ((g * 5 + 127) / 255) + (b * 5 + 127) / 255);
}

static int has_platform(const vg_coverage *c, const vg_cov_tech *t, const char *platform)
{
    if (!platform)
        return 1;
    int bit = vg_attack_platform_bit(vg_coverage_kb(c), platform);
    return bit >= 0 && (t->tech->platforms >> bit & 1);
}

typedef struct column {
    const vg_cov_tally *tally;
    const vg_cov_tech **techs;
    size_t n;
} column;

static void header(FILE *f, const column *cols, size_t nc, int cw)
{
    for (int line = 0; line < 2; line++) {
        for (size_t i = 0; i < nc; i++) {
            /* wrap the name at the last space that fits, else cut it at the cell */
            const char *name = cols[i].tally->name;
            size_t len = strlen(name), cut = len;
            if (len > (size_t)cw) {
                cut = (size_t)cw;
                while (cut && name[cut] != ' ')
                    cut--;
                if (!cut)
                    cut = (size_t)cw;
            }
            char part[128];
            const char *from = line == 0 ? name : name + cut + (name[cut] == ' ');
            size_t n = line == 0 ? cut : strlen(from);
            snprintf(part, sizeof part, "%.*s", (int)(n < sizeof part ? n : sizeof part - 1),
                     cut < len || line == 0 ? from : "");
            cli_put_cell(f, part, cw, i + 1 < nc);
            if (i + 1 < nc)
                fputc(' ', f);
        }
        fputc('\n', f);
    }
    for (size_t i = 0; i < nc; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%zu/%zu %.0f%%", cols[i].tally->active,
                 cols[i].tally->techniques, cols[i].tally->pct_active);
        cli_put_cell(f, buf, cw, i + 1 < nc);
        if (i + 1 < nc)
            fputc(' ', f);
    }
    fputc('\n', f);
    for (size_t i = 0; i < nc; i++) {
        for (int k = 0; k < cw; k++)
            fputs("\u2500", f);
        if (i + 1 < nc)
            fputc(' ', f);
    }
    fputc('\n', f);
}

void cov_print_map(const vg_coverage *c, vg_cov_measure by, cov_colors colors, int width,
                   const char *platform, FILE *f)
{
    const vg_cov_tally *tal;
    size_t nc = vg_coverage_tactics(c, &tal);
    if (!nc)
        return;
    column *cols = calloc(nc, sizeof *cols);
    size_t rows = 0;
    for (size_t i = 0; cols && i < nc; i++) {
        cols[i].tally = &tal[i];
        size_t n = vg_coverage_column(c, tal[i].tactic, NULL, 0);
        cols[i].techs = calloc(n + 1, sizeof *cols[i].techs);
        if (!cols[i].techs)
            continue;
        vg_coverage_column(c, tal[i].tactic, cols[i].techs, n);
        for (size_t k = 0; k < n; k++)
            if (has_platform(c, cols[i].techs[k], platform))
                cols[i].techs[cols[i].n++] = cols[i].techs[k];
        if (cols[i].n > rows)
            rows = cols[i].n;
    }
    int cw = (width - (int)nc + 1) / (int)nc;
    if (cw < 6)
        cw = 6;
    if (cols)
        header(f, cols, nc, cw);
    for (size_t r = 0; cols && r < rows; r++) {
        for (size_t i = 0; i < nc; i++) {
            char buf[64] = "";
            const char *bg = NULL;
            if (r < cols[i].n) {
                const vg_cov_tech *t = cols[i].techs[r];
                size_t score = vg_cov_score(t, by);
                if (t->total)
                    snprintf(buf, sizeof buf, "%c%s %zu/%zu", mark(t), t->tech->attack_id, score,
                             t->total);
                else
                    snprintf(buf, sizeof buf, " %s", t->tech->attack_id);
                bg = score ? vg_cov_color(by, score) : NULL;
            }
            if (bg)
                set_bg(f, bg, colors);
            cli_put_cell(f, buf, cw, bg || i + 1 < nc);
            if (bg && colors != COV_COLORS_NONE)
                fputs("\x1b[0m", f);
            if (i + 1 < nc)
                fputc(' ', f);
        }
        fputc('\n', f);
    }
    for (size_t i = 0; cols && i < nc; i++)
        free(cols[i].techs);
    free(cols);
    fprintf(f,
            "\nEach cell: mark, technique, rules %s / all rules (sub-techniques rolled up). "
            "Marks: # active, + available,\n! needs data only, * validated. Column heads: "
            "techniques with an active rule / techniques.\n",
            vg_cov_measure_name(by));
}

void cov_print_summary(const vg_coverage *c, FILE *f)
{
    const vg_cov_rule *rules;
    size_t nr = vg_coverage_rules(c, &rules), n[VG_COV_STATUS_COUNT] = {0}, val = 0;
    for (size_t i = 0; i < nr; i++) {
        n[rules[i].status]++;
        val += rules[i].validated != 0;
    }
    vg_cov_tally all;
    vg_coverage_overall(c, &all);
    static const char *const modes[] = {"assumed present where the profile routes a log source",
                                        "observed", "declared"};
    fprintf(f,
            "%zu detection rules: %zu active, %zu available, %zu need data, %zu validated "
            "(data %s)\n",
            nr, n[VG_COV_ACTIVE], n[VG_COV_AVAILABLE], n[VG_COV_NEEDS_DATA], val,
            modes[vg_coverage_data_mode(c)]);
    fprintf(f,
            "%zu techniques: %zu with rules, %zu with an active rule (%.1f%%), %zu available, "
            "%zu needing data, %zu validated\n",
            all.techniques, all.covered, all.active, all.pct_active, all.available, all.needs_data,
            all.validated);
}

void cov_print_tallies(const vg_coverage *c, int platforms, FILE *f)
{
    const vg_cov_tally *t;
    size_t n = platforms ? vg_coverage_platforms(c, &t) : vg_coverage_tactics(c, &t);
    fprintf(f, "%-22s %10s %7s %6s %9s %10s %9s %8s\n", platforms ? "platform" : "tactic",
            "techniques", "covered", "active", "available", "needs-data", "validated", "%active");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%-22s %10zu %7zu %6zu %9zu %10zu %9zu %7.1f%%\n", t[i].name, t[i].techniques,
                t[i].covered, t[i].active, t[i].available, t[i].needs_data, t[i].validated,
                t[i].pct_active);
    vg_cov_tally all;
    vg_coverage_overall(c, &all);
    fprintf(f, "%-22s %10zu %7zu %6zu %9zu %10zu %9zu %7.1f%%\n", "all", all.techniques,
            all.covered, all.active, all.available, all.needs_data, all.validated, all.pct_active);
}

void cov_print_rules(const vg_coverage *c, FILE *f)
{
    const vg_cov_rule *rules;
    size_t nr = vg_coverage_rules(c, &rules);
    for (size_t i = 0; i < nr; i++) {
        const vg_cov_rule *r = &rules[i];
        fprintf(f, "%-10s %-12s %s%s", vg_cov_status_name(r->status),
                r->deployed ? "deployed" : "not-deployed", r->validated ? "validated " : "",
                *r->rule->title ? r->rule->title : r->rule->id);
        for (size_t k = 0; k < r->rule->n_techniques; k++)
            fprintf(f, "%s%s", k ? "," : "  [", r->rule->techniques[k]->attack_id);
        fprintf(f, "%s\n", r->rule->n_techniques ? "]" : "");
        if (*r->missing)
            fprintf(f, "           needs: %s\n", r->missing);
        else if (*r->source)
            fprintf(f, "           data:  %s\n", r->source);
    }
}

void cov_print_techniques(const vg_coverage *c, int all, FILE *f)
{
    const vg_cov_tech *const *t;
    size_t n = vg_coverage_techniques(c, &t);
    fprintf(f, "%-10s %6s %6s %9s %10s %9s  %s\n", "technique", "rules", "active", "available",
            "needs-data", "validated", "name");
    for (size_t i = 0; i < n; i++) {
        if (!all && !t[i]->total && !t[i]->tech_validated)
            continue;
        fprintf(f, "%-10s %6zu %6zu %9zu %10zu %9zu  %s\n", t[i]->tech->attack_id, t[i]->total,
                t[i]->n[VG_COV_ACTIVE], t[i]->n[VG_COV_AVAILABLE], t[i]->n[VG_COV_NEEDS_DATA],
                vg_cov_score(t[i], VG_COV_BY_VALIDATED), t[i]->tech->name);
    }
}
