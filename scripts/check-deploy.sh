#!/usr/bin/env bash
# Checks the deployment files in deploy/ as far as this machine can without AWS or a Docker engine:
#   1. cfn-lint on deploy/cloudformation.yaml (installed with pip when missing); errors and warnings fail
#   2. the template does what the service needs (its serve command, S3 -> SQS for .json, redrive, ...)
#   3. deploy/Dockerfile, read: stages, COPY sources exist, the build stage installs every -dev package
#      in scripts/ensure-deps.sh build_packages and the runtime stage their libraries, non-root user,
#      EXPOSE, HEALTHCHECK, ENTRYPOINT
#   4. the systemd units with systemd-analyze verify (skipped, with a note, where it is missing)
#   5. the contract with the source: every serve option the files pass, and the health check path, are
#      defined in Sources/. Reported as warnings, failures with --strict (once the options have landed).
#
#   scripts/check-deploy.sh [--strict]
# Exits non-zero on any failure, after printing every check it made.
set -euo pipefail

cd "$(dirname "$0")/.."
strict=0
case "${1:-}" in
  --strict) strict=1 ;;
  "") ;;
  *) echo "usage: $0 [--strict]" >&2; exit 2 ;;
esac

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

# ─── 1. cfn-lint ──────────────────────────────────────────────────────────────────────────────────────────
echo "== cfn-lint deploy/cloudformation.yaml"
if ! python3 -c "import cfnlint" 2>/dev/null; then
  echo "Installing missing Python package: cfn-lint"
  python3 -m pip install --quiet cfn-lint || python3 -m pip install --quiet --break-system-packages cfn-lint
fi
cfn_lint=(cfn-lint)
command -v cfn-lint >/dev/null || cfn_lint=(python3 -c "import sys; from cfnlint.runner import main; sys.exit(main())")
echo "$("${cfn_lint[@]}" --version 2>&1)"
# Informational findings are printed but do not fail; warnings and errors do.
if "${cfn_lint[@]}" --include-checks I --non-zero-exit-code warning -- deploy/cloudformation.yaml; then
  ok "cfn-lint: no errors or warnings"
else
  fail "cfn-lint found errors or warnings (above)"
fi

# ─── 2, 3, 5. The template's and the Dockerfile's content, and the source contract ───────────────────────
echo "== template, Dockerfile and source contract"
set +e
python3 - "$strict" <<'PYTHON'
import glob, json, os, re, shlex, subprocess, sys

strict = sys.argv[1] == "1"
failures = 0

def ok(message): print(f"ok:   {message}")
def fail(message):
    global failures
    failures += 1
    print(f"FAIL: {message}")
def contract(message):
    global failures
    if strict:
        failures += 1
        print(f"FAIL: {message}")
    else:
        print(f"warn: {message} (fails with --strict)")
def check(condition, message):
    ok(message) if condition else fail(message)

# ── the template ──
from cfnlint.decode import decode
template, errors = decode("deploy/cloudformation.yaml")
if errors or template is None:
    fail(f"deploy/cloudformation.yaml does not parse: {errors}")
    sys.exit(1)
resources = template["Resources"]
parameters = template.get("Parameters", {})

def of_type(kind): return {name: r for name, r in resources.items() if r.get("Type") == kind}

def sub_text(value):
    """The text of a !Sub (either form), with ${X} and ${!X} left in place."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        value = value["Fn::Sub"]
        return value[0] if isinstance(value, list) else value
    return value if isinstance(value, str) else ""

containers = [c for t in of_type("AWS::ECS::TaskDefinition").values() for c in t["Properties"]["ContainerDefinitions"]]
check(len(containers) == 1, "one container definition")
container = containers[0]
command_text = " ".join(sub_text(part) for part in container.get("EntryPoint", []) + container.get("Command", []))
# ${Name} placeholders become plain words so the command can be split like a shell would.
words = shlex.split(re.sub(r"\$\{!?([^}]+)\}", r"\1", command_text))
template_flags = {w.split("=")[0] for w in words if w.startswith("--")}
needed = {"--host", "--port", "--storage", "--media", "--presign-expiry", "--database", "--events",
          "--dead-letter-queue", "--public-url", "--log-level"}
check(needed <= template_flags, f"the task runs termplayer serve with {' '.join(sorted(needed))}"
      + (f" (missing: {' '.join(sorted(needed - template_flags))})" if not needed <= template_flags else ""))
check("exec termplayer serve" in command_text, "the task's shell execs termplayer (so it gets SIGTERM)")
host = words[words.index("--host") + 1] if "--host" in words else None
check(host == "0.0.0.0", "the task listens on 0.0.0.0")
env_names = {e["Name"] for e in container.get("Environment", [])} | {s["Name"] for s in container.get("Secrets", [])}
check({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "TERMPLAYER_TOKEN", "TERMPLAYER_PASSWORD_KEY"} <= env_names,
      "the task gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, TERMPLAYER_TOKEN and TERMPLAYER_PASSWORD_KEY as variables")
used_vars = set(re.findall(r"\$\{!([A-Z_][A-Z0-9_]*)\}", command_text))
check(used_vars <= env_names, f"the shell variables the command uses are set: {' '.join(sorted(used_vars))}")

buckets = of_type("AWS::S3::Bucket")
check(len(buckets) == 1, "one S3 bucket")
bucket_name, bucket = next(iter(buckets.items()))
props = bucket["Properties"]
block = props.get("PublicAccessBlockConfiguration", {})
check(all(block.get(k) is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")),
      "the bucket blocks public access")
check("BucketEncryption" in props, "the bucket is encrypted")
queues = props.get("NotificationConfiguration", {}).get("QueueConfigurations", [])
json_rule = [q for q in queues if q.get("Event") == "s3:ObjectCreated:*"
             and {"Name": "suffix", "Value": ".json"} in q.get("Filter", {}).get("S3Key", {}).get("Rules", [])]
check(len(json_rule) == 1, "the bucket sends s3:ObjectCreated:* for suffix .json to a queue")
ingest_queue = json_rule[0]["Queue"]["Fn::GetAtt"][0] if json_rule else None
depends = bucket.get("DependsOn", [])
depends = [depends] if isinstance(depends, str) else depends
policies = {n for n, r in of_type("AWS::SQS::QueuePolicy").items()
            if {"Ref": ingest_queue} in r["Properties"]["Queues"]}
check(bool(policies & set(depends)), "the bucket waits for the ingest queue's policy (S3 checks it)")
policy_text = repr([resources[p]["Properties"]["PolicyDocument"] for p in policies])
check("aws:SourceArn" in policy_text and "aws:SourceAccount" in policy_text and "s3.amazonaws.com" in policy_text,
      "the queue policy admits s3.amazonaws.com for this bucket and account only")
redrive = resources.get(ingest_queue, {}).get("Properties", {}).get("RedrivePolicy", {})
check(int(redrive.get("maxReceiveCount", 0)) > 5, f"the ingest queue redrives to a dead-letter queue after more than the service's 5 tries ({redrive.get('maxReceiveCount')})")

databases = of_type("AWS::RDS::DBInstance")
check(len(databases) == 1, "one RDS instance")
db = next(iter(databases.values()))["Properties"]
check(db.get("Engine") == "postgres" and db.get("StorageEncrypted") is True and db.get("PubliclyAccessible") is False,
      "the database is PostgreSQL, encrypted, not publicly accessible")
check("{{resolve:secretsmanager:" in sub_text(db.get("MasterUserPassword")) or db.get("ManageMasterUserPassword") is True,
      "the database password comes from Secrets Manager")

services = of_type("AWS::ECS::Service")
check(len(services) == 1, "one ECS service")
service = next(iter(services.values()))["Properties"]
desired = service["DesiredCount"]
desired = parameters[desired["Ref"]]["Default"] if isinstance(desired, dict) else desired
check(int(desired) >= 2, f"the service runs {desired} replicas by default")
check(service.get("LaunchType") == "FARGATE" and service.get("LoadBalancers"), "the service is on Fargate behind a load balancer")
groups = of_type("AWS::ElasticLoadBalancingV2::TargetGroup")
health = next(iter(groups.values()))["Properties"].get("HealthCheckPath") if groups else None
health = parameters[health["Ref"]]["Default"] if isinstance(health, dict) else health
check(health == "/healthz", f"the target group's health check is /healthz ({health})")
outputs = template.get("Outputs", {})
check({"ApiUrl", "BucketName", "IngestQueueUrl"} <= set(outputs), "outputs: ApiUrl, BucketName, IngestQueueUrl")

# ── the Dockerfile ──
def instructions(path):
    """(line number, INSTRUCTION, arguments) with continuations joined and comments dropped."""
    result, pending, start = [], "", 0
    for number, line in enumerate(open(path), 1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        text = pending + stripped
        pending = ""
        keyword, _, arguments = text.partition(" ")
        result.append((start, keyword.upper(), arguments.strip()))
    return result

dockerfile = "deploy/Dockerfile"
steps = instructions(dockerfile)
known = {"FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "WORKDIR", "USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT",
         "CMD", "LABEL", "STOPSIGNAL", "VOLUME", "SHELL", "ONBUILD"}
unknown = [f"line {n}: {k}" for n, k, _ in steps if k not in known]
check(not unknown, "every Dockerfile instruction is a known one" + (f" (not: {', '.join(unknown)})" if unknown else ""))
check(steps and steps[0][1] in ("FROM", "ARG"), "the Dockerfile starts with FROM (or ARG)")

stages, current = [], None
for number, keyword, arguments in steps:
    if keyword == "FROM":
        parts = arguments.split()
        current = {"image": parts[0], "name": parts[2].lower() if len(parts) >= 3 and parts[1].upper() == "AS" else None,
                   "steps": []}
        stages.append(current)
    elif current is not None:
        current["steps"].append((number, keyword, arguments))
check(len(stages) >= 2, f"multi-stage ({len(stages)} stages)")
names = {s["name"] for s in stages if s["name"]}
build, runtime = stages[0], stages[-1]
check(re.match(r"^swift:\$\{SWIFT_VERSION\}-(bookworm|noble|jammy)$|^swift:6\.\d+(\.\d+)?-(bookworm|noble|jammy)$", build["image"]) is not None,
      f"the build stage uses the official Swift image on Debian/Ubuntu ({build['image']})")
first_from = next(i for i, (_, k, _) in enumerate(steps) if k == "FROM")
args = {a.split("=")[0]: a.split("=", 1)[1] for _, k, a in steps[:first_from] if k == "ARG" and "=" in a}
version = args.get("SWIFT_VERSION", "")
if "${SWIFT_VERSION}" in build["image"]:
    check(re.match(r"^6\.(\d+)", version) is not None and int(re.match(r"^6\.(\d+)", version).group(1)) >= 1,
          f"SWIFT_VERSION defaults to 6.1 or later ({version})")
build_distro = build["image"].rsplit("-", 1)[-1]
runtime_distro = {"debian:12-slim": "bookworm", "debian:bookworm-slim": "bookworm", "debian:12": "bookworm",
                  "ubuntu:24.04": "noble", "ubuntu:22.04": "jammy"}.get(runtime["image"])
check(runtime_distro == build_distro, f"the runtime image is the build's distribution ({runtime['image']} vs {build_distro})")

def installed(stage):
    packages = set()
    for _, keyword, arguments in stage["steps"]:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;", arguments):
            tokens = command.split()
            if "apt-get" in tokens and "install" in tokens:
                packages |= {t for t in tokens[tokens.index("install") + 1:] if not t.startswith("-")}
                check("--no-install-recommends" in tokens, f"apt-get install in stage {stage['name'] or stage['image']} skips recommends")
        if "apt-get update" in arguments:
            check("rm -rf /var/lib/apt/lists" in arguments, f"stage {stage['name'] or stage['image']} removes the apt lists in the layer that fetched them")
    return packages

ensure = open("scripts/ensure-deps.sh").read()
build_packages = re.search(r"^build_packages=\(([^)]*)\)", ensure, re.M).group(1).split()
build_installs = installed(build)
missing = [p for p in build_packages if p not in build_installs]
check(not missing, f"the build stage installs ensure-deps.sh build_packages: {' '.join(build_packages)}"
      + (f" (missing: {' '.join(missing)})" if missing else ""))
# What each -dev package leaves for the linked binary to load, on bookworm (noble renamed some with t64).
runtime_of = {"libncursesw5-dev": "libncursesw6", "libmpg123-dev": "libmpg123-0", "libpulse-dev": "libpulse0",
              "libcurl4-openssl-dev": "libcurl4", "libsqlite3-dev": "libsqlite3-0", "libturbojpeg0-dev": "libturbojpeg0",
              "libpng-dev": "libpng16-16", "libchafa-dev": "libchafa0", "libglib2.0-dev": "libglib2.0-0"}
if build_distro == "noble":
    runtime_of.update({"libmpg123-dev": "libmpg123-0t64", "libcurl4-openssl-dev": "libcurl4t64", "libturbojpeg0-dev": "libturbojpeg",
                       "libpng-dev": "libpng16-16t64", "libchafa-dev": "libchafa0t64", "libglib2.0-dev": "libglib2.0-0t64"})
unmapped = [p for p in build_packages if p not in runtime_of and p != "pkg-config"]
check(not unmapped, "every build package has a known runtime library" + (f" (add: {' '.join(unmapped)})" if unmapped else ""))
needed_runtime = {runtime_of[p] for p in build_packages if p in runtime_of} | {"libxml2", "ca-certificates", "curl"}
runtime_packages = installed(runtime)
missing = sorted(needed_runtime - runtime_packages)
check(not missing, f"the runtime stage installs {' '.join(sorted(needed_runtime))}" + (f" (missing: {' '.join(missing)})" if missing else ""))
check(not any(p.endswith("-dev") for p in runtime_packages), "the runtime stage installs no -dev packages")

build_runs = " ".join(a for _, k, a in build["steps"] if k == "RUN")
check("swift build -c release" in build_runs and "--static-swift-stdlib" in build_runs,
      "the build stage runs swift build -c release --static-swift-stdlib")

copy_problems = []
for stage in stages:
    for number, keyword, arguments in stage["steps"]:
        if keyword not in ("COPY", "ADD"):
            continue
        if arguments.startswith("["):
            parts = json.loads(arguments)
        else:
            parts = arguments.split()
        options = [p for p in parts if p.startswith("--")]
        paths = [p for p in parts if not p.startswith("--")]
        sources = paths[:-1]
        source_stage = next((o.split("=", 1)[1] for o in options if o.startswith("--from=")), None)
        if source_stage is not None:
            if source_stage.lower() not in names:
                copy_problems.append(f"line {number}: --from={source_stage} is not a stage")
            continue
        if keyword == "ADD" and any(re.match(r"^https?://", s) for s in sources):
            copy_problems.append(f"line {number}: ADD of a URL")
        for source in sources:
            matches = glob.glob(source.rstrip("/"))
            if not matches:
                copy_problems.append(f"line {number}: {source} is not in the repository")
            elif not subprocess.run(["git", "ls-files", "--", *matches], capture_output=True, text=True).stdout.strip():
                copy_problems.append(f"line {number}: {source} exists here but git does not track it (a fresh clone lacks it)")
check(not copy_problems, "every COPY source is a tracked file or folder of the repository, every --from a stage"
      + (f" ({'; '.join(copy_problems)})" if copy_problems else ""))
check(os.path.exists("deploy/Dockerfile.dockerignore"), "deploy/Dockerfile.dockerignore keeps .build out of the context")
if os.path.exists("deploy/Dockerfile.dockerignore"):
    ignored = open("deploy/Dockerfile.dockerignore").read().split()
    check(".build" in ignored, "the build context excludes .build")

final = runtime["steps"]
users = [a for _, k, a in final if k == "USER"]
check(users and users[-1].split(":")[0] not in ("root", "0"), f"the runtime stage runs as a non-root user ({users[-1] if users else 'none'})")
exposes = " ".join(a for _, k, a in final if k == "EXPOSE").split()
check("8080" in exposes or "8080/tcp" in exposes, "EXPOSE 8080")
healthchecks = [a for _, k, a in final if k == "HEALTHCHECK"]
polled = re.findall(r'https?://[^/\s"]+(/[^\s"]*)', healthchecks[-1]) if healthchecks else []
check(bool(healthchecks) and "curl" in healthchecks[-1] and polled == ["/healthz"],
      f"HEALTHCHECK runs curl on /healthz ({' '.join(polled) or 'nothing'})")
entrypoints = [a for _, k, a in final if k == "ENTRYPOINT"]
try:
    entrypoint = json.loads(entrypoints[-1]) if entrypoints else []
except ValueError:
    entrypoint = None
check(entrypoint is not None and entrypoint[:2] == ["termplayer", "serve"] and "--host" in entrypoint
      and entrypoint[entrypoint.index("--host") + 1] == "0.0.0.0",
      "ENTRYPOINT is exec form: termplayer serve --host 0.0.0.0")
dockerfile_flags = {w for w in (entrypoint or []) if w.startswith("--")}

# ── the contract with the source (warnings until the options exist) ──
def kebab(name):
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    return name.lower()

serve_source = open("Sources/TermPlayer/Commands/ServeCommand.swift").read()
defined = set()
for match in re.finditer(r"@(Option|Flag)\b", serve_source):
    declaration = re.compile(r"\bvar\s+(\w+)").search(serve_source, match.end())
    attribute = serve_source[match.end():declaration.start()]
    long_name = re.search(r'customLong\("([^"]+)"', attribute)
    defined.add("--" + (long_name.group(1) if long_name else kebab(declaration.group(1))))

unit_flags = set()
for unit in sorted(glob.glob("deploy/*.service")):
    for line in open(unit):
        if line.startswith("ExecStart="):
            unit_flags |= {w for w in line.split() if w.startswith("--")}
readme = open("deploy/README.md").read() if os.path.exists("deploy/README.md") else ""
readme_flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", " ".join(re.findall(r"termplayer serve[^\n`]*", readme))))
used = template_flags | dockerfile_flags | unit_flags | readme_flags
undefined = sorted(used - defined)
if undefined:
    contract(f"serve options used in deploy/ but not (yet) in ServeCommand.swift: {' '.join(undefined)}")
else:
    ok(f"every serve option deploy/ uses is defined in ServeCommand.swift ({len(used)})")

source_text = "".join(open(p, errors="replace").read() for p in glob.glob("Sources/**/*.swift", recursive=True))
if re.search(r'"/healthz"', source_text):
    ok("the service defines the /healthz path the load balancer and HEALTHCHECK poll")
else:
    contract('the load balancer and HEALTHCHECK poll /healthz, but no "/healthz" path is defined in Sources/ (APIPath.health is '
             + (re.search(r'static let health = ("[^"]*")', source_text).group(1) if re.search(r'static let health = ("[^"]*")', source_text) else "absent") + ")")

sys.exit(1 if failures else 0)
PYTHON
python_status=$?
set -e
((python_status == 0)) || failures=$((failures + 1))

# ─── 4. systemd units ─────────────────────────────────────────────────────────────────────────────────────
echo "== systemd units"
units=(deploy/*.service)
for unit in "${units[@]}"; do
  for directive in "User=termplayer" "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
      "Restart=on-failure" "KillSignal=SIGTERM" "TimeoutStopSec=" "EnvironmentFile=" "StateDirectory=termplayer"; do
    grep -q "^$directive" "$unit" || fail "$unit lacks $directive"
  done
  grep -q "^ExecStart=/usr/local/bin/termplayer serve .*--library /var/lib/termplayer" "$unit" \
    || fail "$unit does not run termplayer serve --library /var/lib/termplayer…"
done
ok "units set User, sandboxing, StateDirectory, Restart, SIGTERM stop: ${units[*]}"
if command -v systemd-analyze >/dev/null; then
  # verify wants ExecStart's binary to exist: a stand-in executable takes its place in copies of the units.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  printf '#!/bin/sh\nexit 0\n' >"$scratch/termplayer"
  chmod +x "$scratch/termplayer"
  copies=()
  for unit in "${units[@]}"; do
    name=$(basename "$unit")
    [[ $name == *@.service ]] && name=${name/@.service/@8081.service}  # a template is verified as an instance
    sed "s#/usr/local/bin/termplayer#$scratch/termplayer#g" "$unit" >"$scratch/$name"
    copies+=("$scratch/$name")
  done
  # verify exits 0 on unknown keys and bad values (it only logs them), so any output is a failure.
  if output=$(timeout 120 systemd-analyze verify "${copies[@]}" 2>&1) && [ -z "$output" ]; then
    ok "systemd-analyze verify: $(systemd-analyze --version | head -1) found nothing in ${copies[*]##*/}"
  else
    echo "$output"
    fail "systemd-analyze verify complained (above)"
  fi
else
  echo "skip: systemd-analyze is not installed here; the units were not verified by systemd"
fi

echo
if ((failures)); then
  echo "check-deploy: $failures check group(s) failed"
  exit 1
fi
echo "check-deploy: all checks passed$([ "$strict" = 1 ] && echo " (strict)")"
