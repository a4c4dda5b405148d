"""The API attacked from its own OpenAPI document at length: schemathesis `--checks all` (less ignored_auth; see
Tests/Tools/schemathesis.toml) against `termplayer serve --demo`, with the service's token and without it, over
several seeds. `make test` runs the same briefly (ContractTests, 6 examples, one seed).

    python3 scripts/bench_contract.py [--examples 100] [--seeds 1,2,3]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "Tests" / "Tools" / "schemathesis.toml"
TOKEN = "bench-contract-token-0123456789"


def attack(url, token, examples, seed):
    """(cases generated, unique failures, seconds, the tail of the output)."""
    command = ["schemathesis", "--config-file", str(CONFIG), "run", url + "/openapi.json", "--checks", "all",
               "--exclude-checks", "ignored_auth", "--max-examples", str(examples), "--seed", str(seed), "--no-color"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - started
    generated = re.search(r"(\d+) generated", result.stdout)
    failures = re.search(r"found (\d+) unique failures?", result.stdout)
    return (int(generated.group(1)) if generated else 0, int(failures.group(1)) if failures else (0 if result.returncode == 0 else -1),
            seconds, "\n".join(result.stdout.splitlines()[-15:]))


def rows(work, Server, examples=100, seeds=(1, 2, 3)):
    if shutil.which("schemathesis") is None:
        sys.exit("bench: schemathesis is missing (`make bench` installs it)")
    out = []
    for with_token in (True, False):
        cases = failures = 0
        seconds = 0.0
        for seed in seeds:
            library = Path(tempfile.mkdtemp(prefix="contract-", dir=work))
            server = Server(library, "--demo", "--token", TOKEN)
            try:
                generated, found, took, tail = attack(server.url, TOKEN if with_token else None, examples, seed)
            finally:
                server.stop()
            cases += generated
            failures += max(found, 0) if found >= 0 else 1
            seconds += took
            if found != 0:
                print(f"bench: schemathesis seed {seed}, token {with_token}:\n{tail}", file=sys.stderr)
        out.append((f"schemathesis --checks all, 49 operations, {'with the service token' if with_token else 'anonymous'}",
                    f"{failures} failures in {cases:,} cases ({examples} examples, seeds {','.join(map(str, seeds))}; {seconds:.0f} s)",
                    "0 failures", "—"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seeds", default="1,2,3")
    arguments = parser.parse_args()
    sys.path.insert(0, str(REPO / "scripts"))
    import bench
    from bench_table import print_table
    work = Path(tempfile.mkdtemp(prefix="termplayer-bench-contract-"))
    try:
        table = rows(work, bench.Server, arguments.examples, tuple(int(seed) for seed in arguments.seeds.split(",")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(table)


if __name__ == "__main__":
    main()
