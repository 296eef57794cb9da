#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_tape.c to tests/fuzz/corpus/tape/.

For every seed scenario (scenarios/seed/*.scn, in name order: the index
fuzz_tape's first byte selects) and each of its variants: an input with the
default schedule (two bytes: scenario, variant), and for a variant expected
to fail, the counterexample `pcsim explore --stop` finds, its tape turned
into bytes (a scheduling choice: the index of the chosen option among the
enabled ones; any other choice: its value).

usage: tests/fuzz/make_tape_corpus.py [PCSIM]   (default build/pcsim)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PCSIM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "pcsim")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus", "tape")


def tape_bytes(tape):
    out = []
    for ent in tape.split()[1:]:
        kind, rest = ent[0], ent[1:]
        value, dom = rest.split("/")
        value = int(value)
        if kind == "s":
            mask = int(dom, 16)
            out.append(bin(mask & ((1 << value) - 1)).count("1"))
        else:
            out.append(value)
    assert all(b < 256 for b in out), tape
    return bytes(out)


def variants(path):
    vs = []
    for line in open(path):
        m = re.match(r"variant\s+(\S+).*expect\s+(pass|fail)", line)
        if m:
            vs.append((m.group(1), m.group(2) == "fail"))
    if not vs:
        m = re.search(r"^expect\s+(pass|fail)", open(path).read(), re.M)
        vs.append((None, bool(m and m.group(1) == "fail")))
    return vs


def counterexample(path, variant):
    for bound in range(0, 5):
        cmd = [PCSIM, "explore", path, "--bound", str(bound), "--stop"]
        if variant:
            cmd += ["--variant", variant]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        m = re.search(r"--replay '([^']*)'", res.stdout)
        if m:
            return m.group(1)
    return None


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = sorted(f for f in os.listdir(os.path.join(ROOT, "scenarios", "seed"))
                   if f.endswith(".scn"))
    for k, name in enumerate(seeds):
        path = os.path.join("scenarios", "seed", name)
        for vi, (v, buggy) in enumerate(variants(os.path.join(ROOT, path))):
            stem = "%02d-%s-%s" % (k, name[:-4], v or "x")
            with open(os.path.join(OUT, stem + "-default"), "wb") as f:
                f.write(bytes([k, vi]))
            tape = counterexample(path, v) if buggy else None
            if tape:
                with open(os.path.join(OUT, stem + "-counterexample"), "wb") as f:
                    f.write(bytes([k, vi]) + tape_bytes(tape))
            print(stem, "counterexample" if tape else "")


main()
