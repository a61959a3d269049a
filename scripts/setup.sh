#!/usr/bin/env bash
# Install everything sohoa needs, then either start it or run the whole test suite.
#
#   bash scripts/setup.sh serve [sohoa serve options]   # install, then `sohoa serve`
#   bash scripts/setup.sh test  [pytest options]        # install, then lint, type-check, test
#   bash scripts/setup.sh demo  [sohoa serve options]   # install, `sohoa demo`, then serve
#
# As root it installs the Debian/Ubuntu packages with apt-get; otherwise it names the ones
# missing. Python packages go into .venv at the repository root, exactly as pinned (with
# hashes) in requirements/lock.txt, or requirements/lock-dev.txt for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"; shift || true
case "$mode" in serve|test|install|demo) ;; *)
  echo "usage: bash scripts/setup.sh serve|test|install|demo [options]" >&2; exit 2;; esac

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

system_packages=(tesseract-ocr tesseract-ocr-vie fonts-liberation fonts-liberation2 fonts-dejavu-core poppler-utils softhsm2)
[ "$mode" = test ] && system_packages+=(postgresql postgresql-contrib redis-server chromium)

missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing system packages: ${missing[*]}" >&2
    echo "install them first:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

python=""
for candidate in python3.11 python3.13 python3.12 python3; do  # the lock is for 3.11
  if command -v "$candidate" >/dev/null &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python="$candidate"; break
  fi
done
[ -n "$python" ] || { echo "sohoa needs Python 3.11 or newer" >&2; exit 1; }

extras=""; lock=requirements/lock.txt
[ "$mode" = test ] && { extras="[dev]"; lock=requirements/lock-dev.txt; }
stamp=".venv/.installed$extras"
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $python"
  "$python" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  say "installing Python packages into .venv from $lock"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --require-hashes -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  touch "$stamp"
fi

if [ "$mode" = install ]; then exit 0; fi
if [ "$mode" = demo ]; then
  say "seeding the demo office (units, users, PKI, sample dossiers) into ${SOHOA_DATA_DIR:-./sohoa-data}"
  .venv/bin/sohoa demo
  mode=serve
fi
if [ "$mode" = serve ]; then
  say "starting sohoa on the embedded defaults (data in ./sohoa-data)"
  exec .venv/bin/sohoa serve "$@"
fi

# --- test: the real servers the suite uses -------------------------------------------
pg_url="${SOHOA_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
redis_url="${SOHOA_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
if ! .venv/bin/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$pg_url" 2>/dev/null; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 30); do
    .venv/bin/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$pg_url" 2>/dev/null && break
    sleep 1
  done
fi
if ! .venv/bin/python -c "import redis,sys; redis.Redis.from_url(sys.argv[1]).ping()" "$redis_url" 2>/dev/null; then
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  sleep 1
fi
export SOHOA_TEST_POSTGRES_URL="$pg_url" SOHOA_TEST_REDIS_URL="$redis_url"

say "ruff"
.venv/bin/ruff check .
say "mypy"
.venv/bin/mypy
say "import-linter (the layers of ../shared/spec/architecture.md)"
.venv/bin/lint-imports --no-cache
# The slow end-to-end tests run on a sample (marked ci_sample) unless SOHOA_TESTS=all, so
# a CI run stays well under 30 minutes; the slowest tests are listed at the end.
selection=(-m "not slow or ci_sample")
[ "${SOHOA_TESTS:-}" = all ] && selection=()
# One pytest worker per core (at most 4; SOHOA_TEST_WORKERS overrides, 0 runs in this
# process): much of the suite waits on Tesseract, servers and the browser, so two workers
# on two cores finish far sooner. A test file stays on one worker (its module fixtures,
# such as a served office, are made once).
workers="${SOHOA_TEST_WORKERS:-$(n=$(nproc); echo $(( n > 4 ? 4 : n )))}"
say "pytest ${selection[*]} on $workers workers"
exec .venv/bin/pytest "${selection[@]}" -n "$workers" --dist loadfile --durations=25 "$@"
