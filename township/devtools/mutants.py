"""`make mutants`: mutation testing (mutmut 3.8.1) of the modules that compute what users act on.

    flock /tmp/mutants.lock make mutants MODULE=township/workcalendar.py
    flock /tmp/mutants.lock make mutants                 # every module of setup.cfg, in turn

For each module: a fresh mutmut run limited to that module and to its tests ([mutants:tests] in
setup.cfg, or TESTS=...), on a PostgreSQL test database of its own (test_township_mutants_slotN,
kept with --reuse-db), then the mutants that timed out are run again with a far longer limit (a
timeout counts as killed only when the mutant still does not finish: it really loops).  Prints
mutants / killed / survived / timeout / no tests / score per module and writes the table to
mutants/scores.md, mutants/scores.json and docs/testing.md (docs/testing.md explains the counting).
"""

from __future__ import annotations

import argparse
import configparser
import datetime as dt
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUP_CFG = ROOT / "setup.cfg"
MUTANTS = ROOT / "mutants"
DOCS = ROOT / "docs" / "testing.md"
TABLE_START = "<!-- mutants-table:start -->"
TABLE_END = "<!-- mutants-table:end -->"

# mutmut's exit codes (mutmut.stats.status_by_exit_code), folded into the columns we report.
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {-24, 24, 152, 255, 36, -9}  # SIGXCPU from the wall/CPU limit, SIGKILL one second later
# Re-check of timeouts: wall limit (tests' time + 30 s) x 3, i.e. at least 90 s (three times the first).
RECHECK_CONSTANT, RECHECK_MULTIPLIER = 30.0, 3.0


def _read_cfg() -> configparser.ConfigParser:
    cp = configparser.ConfigParser()
    cp.optionxform = str  # keep paths as written
    cp.read(SETUP_CFG)
    return cp


def listed_modules() -> list[str]:
    return [x for x in _read_cfg().get("mutmut", "only_mutate").split("\n") if x.strip()]


def tests_for(module: str) -> list[str]:
    cp = _read_cfg()
    if cp.has_option("mutants:tests", module):
        return cp.get("mutants:tests", module).split()
    folder = Path(module).parent
    while str(folder) not in ("", "."):
        if (ROOT / folder / "tests").is_dir():
            return [str(folder / "tests")]
        folder = folder.parent
    raise SystemExit(f"make mutants: no tests/ folder found for {module}; give TESTS=...")


def functions_for(module: str) -> list[str]:
    """The functions of `module` under mutation testing ([mutants:functions]; none listed: all).
    Service modules list only their clock and quota computations (docs/testing.md)."""
    cp = _read_cfg()
    if cp.has_option("mutants:functions", module):
        return cp.get("mutants:functions", module).split()
    return []


def name_patterns(module: str) -> list[str]:
    """mutmut's names of the mutants of the listed functions (`pkg.mod.x_func__mutmut_7`)."""
    dotted = module[:-3].replace("/", ".")
    return [f"{dotted}.x_{fn}__mutmut_*" for fn in functions_for(module)]


def _in_scope(module: str, codes: dict[str, int | None]) -> dict[str, int | None]:
    patterns = name_patterns(module)
    if not patterns:
        return codes
    return {k: v for k, v in codes.items() if any(fnmatch.fnmatch(k, p) for p in patterns)}


def _mutants_env() -> dict[str, str]:
    """The environment of a mutation run: the caller's PostgreSQL and Redis, with a database of
    its own (township_mutants: pytest-django's test database is test_township_mutants_slotN)."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL")
    if not url:
        raise SystemExit("make mutants: DATABASE_URL is not set (the Makefile sets it)")
    env["DATABASE_URL"] = re.sub(r"(://[^/]*/)([^?]*)", r"\1township_mutants", url, count=1)
    env.pop("TEST_DATABASE_NAME", None)
    env["CACHE_KEY_PREFIX"] = "mutants"
    return env


# --- inside the mutmut process -------------------------------------------------------------------


def _mutmut_main(module: str, tests: list[str], jobs: int, names: list[str], recheck: bool) -> None:
    """Run mutmut's own `run` command with setup.cfg narrowed to one module and its tests."""
    os.chdir(ROOT)
    from mutmut import configuration

    cfg = configuration.config()
    cfg.only_mutate = [module]
    cfg.pytest_add_cli_args_test_selection = list(tests)
    if recheck:
        cfg.timeout_constant, cfg.timeout_multiplier = RECHECK_CONSTANT, RECHECK_MULTIPLIER
    from mutmut.__main__ import cli

    cli(["run", "--max-children", str(jobs), *names], standalone_mode=True)


# --- the driver ----------------------------------------------------------------------------------


def _meta(module: str) -> dict[str, int | None]:
    path = MUTANTS / (module + ".meta")
    if not path.exists():
        return {}
    return json.loads(path.read_text())["exit_code_by_key"]


def _run_mutmut(module: str, tests: list[str], jobs: int, names: list[str] = (), recheck=False) -> int:
    # Run as a script, not as township.devtools.mutants: the mutmut process must not import the
    # project from here, or the tests would see the original modules instead of mutants/.
    cmd = [sys.executable, str(Path(__file__).resolve()), "--inner", module, "--jobs", str(jobs)]
    cmd += ["--tests", *tests, "--names", *names]
    if recheck:
        cmd.append("--recheck")
    return subprocess.call(cmd, cwd=ROOT, env=_mutants_env())


KEEP = ("scores.json", "scores.md", "diffs")


def _fresh(module: str) -> None:
    """Forget earlier results of this module and the test stats (tests change with the code),
    and the copy of the project: mutmut copies a file only when its copy is missing, so a copy
    left from an earlier run keeps old catalogues, templates and modules."""
    if MUTANTS.exists():
        for path in MUTANTS.iterdir():
            if path.name in KEEP:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    for p in (
        MUTANTS / (module + ".meta"),
        MUTANTS / "mutmut-stats.json",
        MUTANTS / (module[:-3] + ".mutant_line_spans.json"),
    ):
        p.unlink(missing_ok=True)
    target = MUTANTS / module
    if target.exists():
        target.unlink()  # regenerated from the source


def count(codes: dict[str, int | None]) -> dict:
    c = {"mutants": len(codes), "killed": 0, "survived": 0, "timeout": 0, "no_tests": 0, "other": 0}
    for code in codes.values():
        if code in KILLED:
            c["killed"] += 1
        elif code in SURVIVED:
            c["survived"] += 1
        elif code in TIMEOUT:
            c["timeout"] += 1
        elif code in NO_TESTS:
            c["no_tests"] += 1
        else:
            c["other"] += 1  # suspicious, segfault, not checked: never counted as killed
    # A timeout left after the re-check is a mutant that really does not finish: a kill.
    c["score"] = round(100 * (c["killed"] + c["timeout"]) / c["mutants"], 1) if c["mutants"] else 0.0
    return c


def _prepare_slots(jobs: int) -> None:
    """Create or migrate the test database of each slot: the mutants' and one spare (mutmut's
    own runs).  A mutant's pytest then uses it without running migrate (mutants_plugin)."""
    for slot in range(jobs + 1):
        subprocess.check_call(
            [sys.executable, "-m", "township.devtools.mutants_plugin", str(slot)],
            cwd=ROOT,
            env=_mutants_env(),
        )


def run_module(module: str, tests: list[str], jobs: int) -> dict:
    if not (ROOT / module).is_file():
        raise SystemExit(f"make mutants: no such module {module}")
    print(f"\n=== make mutants MODULE={module}  (tests: {' '.join(tests)})", flush=True)
    started = time.monotonic()
    _fresh(module)
    _prepare_slots(jobs)
    rc = _run_mutmut(module, tests, jobs, name_patterns(module))
    codes = _in_scope(module, _meta(module))
    if rc != 0 or not codes:
        print(f"!!! mutmut failed for {module} (exit {rc})", flush=True)
        return {"module": module, "error": f"mutmut exit {rc}"}
    timeouts = sorted(k for k, v in codes.items() if v in TIMEOUT)
    first_timeouts = len(timeouts)
    if timeouts:
        print(f"--- re-checking {len(timeouts)} timeout(s) with a longer limit", flush=True)
        # mutmut copies the project into mutants/ again: migrate the slots to what it copies
        _prepare_slots(jobs)
        _run_mutmut(module, tests, jobs, timeouts, recheck=True)
        codes = _in_scope(module, _meta(module))
    result = {"module": module, **count(codes)}
    result["functions"] = functions_for(module)
    result["first_timeouts"] = first_timeouts
    result["date"] = dt.date.today().isoformat()  # noqa: DTZ011 (the local date the run was made)
    result["minutes"] = round((time.monotonic() - started) / 60, 1)
    result["tests"] = tests
    result["survivors"] = sorted(k for k, v in codes.items() if v in SURVIVED)
    result["no_tests_mutants"] = sorted(k for k, v in codes.items() if v in NO_TESTS)
    result["diffs"] = _write_diffs(module, [k for k, v in codes.items() if v not in KILLED])
    return result


def _write_diffs(module: str, names: list[str]) -> str:
    """The diff of every mutant not killed, kept beside the results (the next run of another
    module puts the original file back in mutants/, after which `mutmut show` cannot find it)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    source = (MUTANTS / module).read_text()
    codes = _meta(module)
    out = []
    for name in sorted(names):
        out.append(f"# {name}: exit code {codes.get(name)}")
        try:
            out.append(get_diff_for_mutant(name, source=source, path=module))
        except Exception as exc:  # noqa: BLE001 (a missing diff must not lose the scores)
            out.append(f"(no diff: {exc})")
        out.append("")
    path = MUTANTS / "diffs" / (module.replace("/", "__") + ".not-killed.diff")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out))
    return os.path.relpath(path, ROOT)


HEADER = (
    "| module | score | measured | mutants | killed | survived | timeout | no tests | minutes |\n"
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def _label(r: dict) -> str:
    fns = r.get("functions") or functions_for(r["module"])
    return f"`{r['module']}`" + (f" ({', '.join(fns)})" if fns else "")


def row(r: dict) -> str:
    if "error" in r:
        return f"| {_label(r)} | failed | {r.get('date', '')} | {r['error']} | | | | | |"
    return (
        f"| {_label(r)} | {r['score']:.1f} % | {r['date']} | {r['mutants']} | {r['killed']} | "
        f"{r['survived']} | {r['timeout']} | {r['no_tests']} | {r['minutes']} |"
    )


def table(results: dict[str, dict]) -> str:
    lines = [HEADER]
    for module in listed_modules():
        if module in results:
            lines.append(row(results[module]))
        else:
            lines.append(f"| {_label({'module': module})} | not yet run | | | | | | | |")
    return "\n".join(lines)


def _load_results() -> dict[str, dict]:
    path = MUTANTS / "scores.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _update_docs(results: dict[str, dict]) -> None:
    if not DOCS.exists():
        return
    text = DOCS.read_text()
    if TABLE_START not in text or TABLE_END not in text:
        return
    # Keep rows measured elsewhere (and committed) for modules this machine has not run.
    before, rest = text.split(TABLE_START, 1)
    old, after = rest.split(TABLE_END, 1)
    lines = [HEADER]
    for module in listed_modules():
        if module in results:
            lines.append(row(results[module]))
            continue
        old_row = next((ln for ln in old.splitlines() if ln.startswith(f"| `{module}`")), None)
        lines.append(old_row or f"| {_label({'module': module})} | not yet run | | | | | | | |")
    DOCS.write_text(before + TABLE_START + "\n" + "\n".join(lines) + "\n" + TABLE_END + after)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="make mutants")
    ap.add_argument("--module", default="", help="one module path (default: every listed module)")
    ap.add_argument("--tests", nargs="*", default=None, help="test paths (default: setup.cfg)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--inner", default="", help=argparse.SUPPRESS)
    ap.add_argument("--names", nargs="*", default=[], help=argparse.SUPPRESS)
    ap.add_argument("--recheck", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.inner:
        _mutmut_main(args.inner, args.tests or tests_for(args.inner), args.jobs, args.names, args.recheck)
        return 0

    if shutil.which("flock") and not os.environ.get("MUTANTS_NO_LOCK_HINT"):
        print("(run mutation tests one at a time: flock /tmp/mutants.lock make mutants ...)", flush=True)
    modules = [args.module] if args.module else listed_modules()
    results = _load_results()
    ran = []
    for module in modules:
        tests = args.tests if (args.tests and args.module) else tests_for(module)
        r = run_module(module, tests, args.jobs)
        results[module] = r
        ran.append(r)
        MUTANTS.mkdir(exist_ok=True)
        (MUTANTS / "scores.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        (MUTANTS / "scores.md").write_text(table(results) + "\n")
        _update_docs(results)

    print("\n" + HEADER)
    for r in ran:
        print(row(r))
    for r in ran:
        if r.get("survivors"):
            print(f"\nsurvived in {r['module']} (diffs in {r['diffs']}):")
            for name in r["survivors"]:
                print("   ", name)
        if r.get("no_tests_mutants"):
            print(f"\nno covering test in {r['module']}:")
            for name in r["no_tests_mutants"]:
                print("   ", name)
    print(f"\ntable: {MUTANTS / 'scores.md'} (and docs/testing.md)")
    return 1 if any("error" in r for r in ran) else 0


if __name__ == "__main__":
    sys.exit(main())
