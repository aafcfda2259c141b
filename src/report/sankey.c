/*
 * sankey.c - the data source -> tactic -> technique sankey of the HTML report.
 *
 * Flow units are (rule, tactic, parent technique) triples: a rule tagged T1059.001 under
 * execution adds one unit from its log source to execution and one from execution to T1059.
 * Sources are named as the rule writes its log source (category, else service, else product);
 * the 12 largest are drawn and the others gathered as "other sources", the 24 largest
 * techniques likewise. Nodes are stacked per column with heights proportional to their units;
 * each link is a band whose ends keep the order of the nodes, drawn as a filled cubic path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "charts.h"
#include "report.h"

#define MAX_NODES   256
#define MAX_SOURCES 12
#define MAX_TECHS   24
#define CHART_H     560.0
#define PAD         4.0

typedef struct node {
    const char *name;
    double units, y, out_off, in_off;
    int col, keep;
} node;

typedef struct link {
    int a, b;
    double units;
} link;

typedef struct sankey {
    node nodes[MAX_NODES];
    int n;
    link *links;
    size_t n_links, cap_links;
} sankey;

static int node_of(sankey *s, int col, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (s->nodes[i].col == col && strcmp(s->nodes[i].name, name) == 0)
            return i;
    if (s->n >= MAX_NODES)
        return -1;
    s->nodes[s->n] = (node){.name = name, .col = col};
    return s->n++;
}

static void add_link(sankey *s, int a, int b)
{
    if (a < 0 || b < 0)
        return;
    for (size_t i = 0; i < s->n_links; i++)
        if (s->links[i].a == a && s->links[i].b == b) {
            s->links[i].units++;
            return;
        }
    if (s->n_links == s->cap_links) {
        size_t cap = s->cap_links ? s->cap_links * 2 : 64;
        link *l = realloc(s->links, cap * sizeof *l);
        if (!l)
            return;
        s->links = l;
        s->cap_links = cap;
    }
    s->links[s->n_links++] = (link){a, b, 1};
}

static const char *source_name(const vg_rule *r)
{
    return *r->category ? r->category : *r->service ? r->service : *r->product ? r->product : "?";
}

/* Units per node of column col, to pick the largest. */
static void rank(sankey *s, int col, int keep_n)
{
    for (int k = 0; k < keep_n; k++) {
        int besti = -1;
        for (int i = 0; i < s->n; i++)
            if (s->nodes[i].col == col && !s->nodes[i].keep &&
                (besti < 0 || s->nodes[i].units > s->nodes[besti].units))
                besti = i;
        if (besti < 0)
            return;
        s->nodes[besti].keep = 1;
    }
}

static void collect(sankey *s, const vg_coverage *c, int pass)
{
    const vg_cov_rule *rules;
    size_t nr = vg_coverage_rules(c, &rules);
    for (size_t i = 0; i < nr; i++) {
        const vg_rule *r = rules[i].rule;
        for (size_t k = 0; k < r->n_techniques; k++) {
            const vg_attack_obj *t = vg_attack_resolve(r->techniques[k]);
            const vg_attack_obj *p = t->parent ? t->parent : t;
            for (size_t j = 0; j < t->n_tactics; j++) {
                if (!(t->tactics[j]->domains & vg_coverage_domain(c)))
                    continue;
                int a = node_of(s, 0, source_name(r)), m = node_of(s, 1, t->tactics[j]->name);
                int z = node_of(s, 2, p->attack_id);
                if (pass == 0) {
                    for (int q = 0; q < 3; q++)
                        if ((q == 0 ? a : q == 1 ? m : z) >= 0)
                            s->nodes[q == 0 ? a : q == 1 ? m : z].units += 1;
                    continue;
                }
                if (a >= 0 && !s->nodes[a].keep)
                    a = node_of(s, 0, "other sources");
                if (z >= 0 && !s->nodes[z].keep)
                    z = node_of(s, 2, "other techniques");
                add_link(s, a, m);
                add_link(s, m, z);
            }
        }
    }
}

static void layout(sankey *s, double *scale)
{
    double total[3] = {0}, count[3] = {0};
    /* a node is as tall as the larger of what flows in and out of it */
    for (int i = 0; i < s->n; i++)
        s->nodes[i].units = s->nodes[i].out_off = s->nodes[i].in_off = 0;
    for (size_t i = 0; i < s->n_links; i++) {
        s->nodes[s->links[i].a].out_off += s->links[i].units;
        s->nodes[s->links[i].b].in_off += s->links[i].units;
    }
    for (int i = 0; i < s->n; i++) {
        node *n = &s->nodes[i];
        n->units = n->out_off > n->in_off ? n->out_off : n->in_off;
        n->out_off = n->in_off = 0;
    }
    for (int i = 0; i < s->n; i++)
        if (s->nodes[i].units > 0) {
            total[s->nodes[i].col] += s->nodes[i].units;
            count[s->nodes[i].col]++;
        }
    *scale = 1e9;
    for (int col = 0; col < 3; col++)
        if (total[col] > 0) {
            double sc = (CHART_H - PAD * count[col]) / total[col];
            *scale = sc < *scale ? sc : *scale;
        }
    double y[3] = {20, 20, 20};
    for (int i = 0; i < s->n; i++) {
        node *n = &s->nodes[i];
        if (n->units <= 0)
            continue;
        n->y = y[n->col];
        y[n->col] += n->units * *scale + PAD;
    }
}

void vg__chart_sankey(vg__buf *b, const vg_coverage *c)
{
    sankey *s = calloc(1, sizeof *s);
    if (!s)
        return;
    collect(s, c, 0);
    rank(s, 0, MAX_SOURCES);
    rank(s, 2, MAX_TECHS);
    for (int i = 0; i < s->n; i++)
        s->nodes[i].keep |= s->nodes[i].col == 1;
    collect(s, c, 1);
    double scale;
    layout(s, &scale);
    const double x[3] = {150, 470, 790}, nw = 12;
    vg__buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"%.0f\" "
                   "class=\"sankey\" font-family=\"Helvetica, Arial, sans-serif\" "
                   "font-size=\"10\">\n",
                   CHART_H + 60);
    for (size_t i = 0; i < s->n_links; i++) {
        node *a = &s->nodes[s->links[i].a], *z = &s->nodes[s->links[i].b];
        double h = s->links[i].units * scale, y0 = a->y + a->out_off, y1 = z->y + z->in_off;
        double x0 = x[a->col] + nw, x1 = x[z->col], mx = (x0 + x1) / 2;
        a->out_off += h;
        z->in_off += h;
        vg__buf_printf(b,
                       "<path d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f L%.1f,%.1f C%.1f,%.1f "
                       "%.1f,%.1f %.1f,%.1f Z\" fill=\"%s\" fill-opacity=\"0.35\"><title>",
                       x0, y0, mx, y0, mx, y1, x1, y1, x1, y1 + h, mx, y1 + h, mx, y0 + h, x0,
                       y0 + h, a->col == 0 ? "#6baed6" : "#74c476");
        vg__xml(b, a->name);
        vg__buf_adds(b, " \u2192 ");
        vg__xml(b, z->name);
        vg__buf_printf(b, ": %.0f</title></path>\n", s->links[i].units);
    }
    for (int i = 0; i < s->n; i++) {
        node *n = &s->nodes[i];
        if (n->units <= 0)
            continue;
        vg__buf_printf(b,
                       "<rect class=\"node\" x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" "
                       "fill=\"#333f4f\"/><text x=\"%.0f\" y=\"%.1f\" text-anchor=\"%s\">",
                       x[n->col], n->y, nw, n->units * scale > 1 ? n->units * scale : 1,
                       n->col == 0 ? x[0] - 4 : x[n->col] + nw + 4, n->y + n->units * scale / 2 + 3,
                       n->col == 0 ? "end" : "start");
        vg__xml(b, n->name);
        vg__buf_printf(b, " (%.0f)</text>\n", n->units);
    }
    vg__buf_printf(b,
                   "<text x=\"%.0f\" y=\"12\" font-weight=\"bold\" text-anchor=\"end\">data "
                   "source</text><text x=\"%.0f\" y=\"12\" font-weight=\"bold\">tactic</text>"
                   "<text x=\"%.0f\" y=\"12\" font-weight=\"bold\">technique</text>\n</svg>\n",
                   x[0] + nw, x[1], x[2]);
    free(s->links);
    free(s);
}
