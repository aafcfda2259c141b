#!/usr/bin/env python3
"""gen-risk-defaults.py - writes src/risk/defaults.c from data/risk/risk.yml and
data/risk/incident-rules.yml (the built-in risk configuration and incident rules).
Run from the repository root: python3 tools/gen-risk-defaults.py"""


def cstr(t):
    out = []
    for line in t.splitlines(True):
        s = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
        out.append('    "' + s + '"')
    return '\n'.join(out)


a = open('data/risk/risk.yml').read()
b = open('data/risk/incident-rules.yml').read()
head = open('src/risk/defaults.c').read().split('static const char config_text')[0]
open('src/risk/defaults.c', 'w').write(head + '''static const char config_text[] =
%s;

static const char rules_text[] =
%s;

const char *vg_risk_default_text(int which)
{
    return which ? rules_text : config_text;
}
''' % (cstr(a), cstr(b)))
