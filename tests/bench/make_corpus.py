#!/usr/bin/env python3
"""A synthetic corpus for tests/bench/bench_check.sh: a DataPass configuration
root replicated N times under new ids.

    tests/bench/make_corpus.py SOURCE_ROOT N OUT_ROOT

Copy 0 is SOURCE_ROOT as is; copy k (1..N-1) renames every definition id
(id_xk), form uid (uid-xk), eligibility rule (id + 100000 k) and stage link
to them, and points each form's authorization_request at its renamed
definition by id; the block library's definition_extensions/ entries are
copied for the renamed definitions. Service providers and locales are shared. The result checks
like the source (same warnings, times N): `formc check OUT_ROOT`.
"""
import json
import os
import re
import shutil
import subprocess
import sys


def form_definitions(formc, root):
    """form uid -> definition id, as formc resolves them (class names need DataPass's acronyms)."""
    ir = json.loads(subprocess.run([formc, "dump-ir", root],
                                   check=True, capture_output=True, text=True).stdout)
    return {f["uid"]: f["definition"] for f in ir["forms"]}


TOP_KEY = re.compile(r"^([A-Za-z0-9_-]+):(.*)$")


def rename_definitions(text, k):
    out = []
    for line in text.splitlines(keepends=True):
        m = TOP_KEY.match(line)
        if m and m.group(1) != "$schema":
            line = f"{m.group(1)}_x{k}:{m.group(2)}\n"
        # stage links: `id: definition` and `form_id: form-uid`
        line = re.sub(r"^(\s+id:\s*)([a-z0-9_]+)\s*$", lambda mm: f"{mm.group(1)}{mm.group(2)}_x{k}\n", line)
        line = re.sub(r"^(\s+form_id:\s*)([A-Za-z0-9_-]+)\s*$", lambda mm: f"{mm.group(1)}{mm.group(2)}-x{k}\n", line)
        out.append(line)
    return "".join(out)


def rename_forms(text, k, definitions):
    out = []
    current = None
    for line in text.splitlines(keepends=True):
        m = TOP_KEY.match(line)
        if m and m.group(1) != "$schema":
            current = m.group(1)
            line = f"{current}-x{k}:{m.group(2)}\n"
        am = re.match(r"^(\s+authorization_request:\s*)\S+\s*$", line)
        if am and current in definitions:
            line = f"{am.group(1)}{definitions[current]}_x{k}\n"
        line = re.sub(r"^(\s+previous_form_uid:\s*)([A-Za-z0-9_-]+)\s*$",
                      lambda mm: f"{mm.group(1)}{mm.group(2)}-x{k}\n", line)
        out.append(line)
    return "".join(out)


def rename_rules(text, k):
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            continue
        line = re.sub(r"^(- id:\s*)(\d+)\s*$", lambda mm: f"{mm.group(1)}{int(mm.group(2)) + 100000 * k}\n", line)
        line = re.sub(r"^(\s+definition_id:\s*)([a-z0-9_]+)\s*$", lambda mm: f"{mm.group(1)}{mm.group(2)}_x{k}\n", line)
        out.append(line)
    return "".join(out)


def main():
    source, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    formc = os.environ.get("FORMC", "build/compiler/driver/formc")
    definitions = form_definitions(formc, source)
    shutil.rmtree(out, ignore_errors=True)
    for sub in ("config", "locales"):
        if os.path.isdir(os.path.join(source, sub)):
            shutil.copytree(os.path.join(source, sub), os.path.join(out, sub))
    for sub, rename in (("authorization_definitions", lambda t, k: rename_definitions(t, k)),
                        ("authorization_request_forms", lambda t, k: rename_forms(t, k, definitions))):
        os.makedirs(os.path.join(out, sub))
        for name in sorted(os.listdir(os.path.join(source, sub))):
            with open(os.path.join(source, sub, name), encoding="utf-8") as f:
                text = f.read()
            stem, ext = os.path.splitext(name)
            for k in range(n):
                with open(os.path.join(out, sub, f"{stem}_x{k}{ext}" if k else name), "w", encoding="utf-8") as f:
                    f.write(text if k == 0 else rename(text, k))
    # The block library's per-definition extensions (definition_extensions/,
    # keyed by definition id) follow the renamed definitions.
    extensions = os.path.join(os.environ.get("FORMC_LIBRARY", "definitions/library"), "definition_extensions")
    if n > 1 and os.path.isdir(extensions):
        os.makedirs(os.path.join(out, "definition_extensions"))
        for name in sorted(os.listdir(extensions)):
            with open(os.path.join(extensions, name), encoding="utf-8") as f:
                text = f.read()
            stem, ext = os.path.splitext(name)
            for k in range(1, n):
                with open(os.path.join(out, "definition_extensions", f"{stem}_x{k}{ext}"), "w", encoding="utf-8") as f:
                    f.write(rename_definitions(text, k))
    rules = os.path.join(source, "db_data", "eligibility_rules.yml")
    if os.path.isfile(rules):
        with open(rules, encoding="utf-8") as f:
            text = f.read()
        os.makedirs(os.path.join(out, "db_data"))
        with open(os.path.join(out, "db_data", "eligibility_rules.yml"), "w", encoding="utf-8") as f:
            f.write(text if text.endswith("\n") else text + "\n")
            for k in range(1, n):
                f.write(rename_rules(text, k))


if __name__ == "__main__":
    main()
