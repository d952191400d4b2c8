#!/usr/bin/env bash
# Ensure the local services Segmento needs are up:
#   - PostgreSQL >= 15 on $PGHOST:$PGPORT (default 127.0.0.1:5432) with pgvector available
#   - Redis >= 7 on $REDIS_HOST:$REDIS_PORT (default 127.0.0.1:6379)
#   - databases `segmento` and `segmento_test`
#
# Idempotent; when everything is already there it only probes (well under 2 s).
# If pgvector is missing and we are root on Debian/Ubuntu, it is installed
# (distribution package if one exists, otherwise built from Debian trixie's
# source package). Without local services, use `docker compose up -d` with the
# docker-compose.yml at the repository root instead.
#
# Env overrides: PGHOST PGPORT PGUSER REDIS_HOST REDIS_PORT
#                SERVICES_WAIT_SECONDS (default 30) - how long to wait for a server to come up
#                PG_CLUSTER (default <newest version in /etc/postgresql>/main) - cluster to start
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-30}"
# psql must not pick up a PGDATABASE/PGOPTIONS from the caller's environment for our probes.
unset PGDATABASE PGOPTIONS

LOG=""        # created lazily, only when something noisy runs
TMPDIRS=()

say() { printf 'services: %s\n' "$*"; }

die() {
  printf 'services: ERROR: %s\n' "$*" >&2
  exit 1
}

log_file() {
  if [[ -z "$LOG" ]]; then
    LOG="$(mktemp /tmp/segmento-services.XXXXXX.log)"
  fi
}

# Run a noisy command with its output appended to the log.
quiet() {
  log_file
  printf '\n$ %s\n' "$*" >>"$LOG"
  "$@" >>"$LOG" 2>&1
}

on_exit() {
  local rc=$?
  local d
  for d in "${TMPDIRS[@]+"${TMPDIRS[@]}"}"; do rm -rf -- "$d"; done
  if [[ -n "$LOG" ]]; then
    if [[ $rc -ne 0 ]]; then
      printf 'services: failed (exit %d); details in %s\n' "$rc" "$LOG" >&2
    else
      rm -f -- "$LOG"
    fi
  fi
}
trap on_exit EXIT

is_local_host() {
  case "$1" in
    127.0.0.1 | localhost | ::1 | /*) return 0 ;; # /* = unix socket directory
    *) return 1 ;;
  esac
}

# psql with fixed connection, no psqlrc, stop on error, unaligned tuples-only output.
pg() { psql -X -q -v ON_ERROR_STOP=1 -At -d "${PGDB:-postgres}" "$@"; }

# ---------------------------------------------------------------------------
# 1. PostgreSQL
# ---------------------------------------------------------------------------
command -v pg_isready >/dev/null && command -v psql >/dev/null ||
  die "PostgreSQL client tools (pg_isready, psql) not found. Install PostgreSQL >= 15, or run: docker compose up -d"

pg_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2 >/dev/null 2>&1; }

if pg_ready; then
  pg_state="up"
else
  is_local_host "$PGHOST" ||
    die "PostgreSQL at $PGHOST:$PGPORT is not reachable (not a local host, so not starting it)"
  command -v pg_ctlcluster >/dev/null ||
    die "PostgreSQL is not running on $PGHOST:$PGPORT and pg_ctlcluster is unavailable; start it yourself or run: docker compose up -d"
  cluster="${PG_CLUSTER:-}"
  if [[ -z "$cluster" ]]; then
    pg_version_dir="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)"
    [[ -n "$pg_version_dir" ]] || die "no PostgreSQL cluster found under /etc/postgresql"
    cluster="$pg_version_dir/main"
  fi
  quiet pg_ctlcluster --skip-systemctl-redirect "${cluster%%/*}" "${cluster#*/}" start ||
    pg_ready || die "pg_ctlcluster ${cluster%%/*} ${cluster#*/} start failed"
  for ((i = 0; i < WAIT_SECONDS * 4; i++)); do
    pg_ready && break
    sleep 0.25
  done
  pg_ready || die "PostgreSQL did not become ready on $PGHOST:$PGPORT within ${WAIT_SECONDS}s (see /var/log/postgresql/)"
  pg_state="started"
fi

server_version_num="$(pg -c 'SHOW server_version_num')" ||
  die "PostgreSQL on $PGHOST:$PGPORT accepts connections but psql as user '$PGUSER' failed"
PG_MAJOR=$((server_version_num / 10000))
((PG_MAJOR >= 15)) || die "PostgreSQL $PG_MAJOR on $PGHOST:$PGPORT is too old; need >= 15"
say "postgres $PG_MAJOR $pg_state ($PGHOST:$PGPORT)"

# ---------------------------------------------------------------------------
# 2. Redis
# ---------------------------------------------------------------------------
command -v redis-cli >/dev/null ||
  die "redis-cli not found. Install Redis >= 7, or run: docker compose up -d"

redis_ready() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; }

if redis_ready; then
  redis_state="up"
else
  is_local_host "$REDIS_HOST" ||
    die "Redis at $REDIS_HOST:$REDIS_PORT is not reachable (not a local host, so not starting it)"
  command -v redis-server >/dev/null ||
    die "Redis is not running on $REDIS_HOST:$REDIS_PORT and redis-server is not installed; install Redis >= 7 or run: docker compose up -d"
  mkdir -p /var/lib/redis /var/log/redis
  quiet redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
    die "redis-server failed to start (see /var/log/redis/ci.log)"
  for ((i = 0; i < WAIT_SECONDS * 4; i++)); do
    redis_ready && break
    sleep 0.25
  done
  redis_ready || die "Redis did not become ready on $REDIS_HOST:$REDIS_PORT within ${WAIT_SECONDS}s (see /var/log/redis/ci.log)"
  redis_state="started"
fi

redis_version="$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' |
  sed -n 's/^redis_version://p')"
[[ -n "$redis_version" ]] || die "could not read the Redis version from $REDIS_HOST:$REDIS_PORT"
((${redis_version%%.*} >= 7)) || die "Redis $redis_version on $REDIS_HOST:$REDIS_PORT is too old; need >= 7"
say "redis $redis_version $redis_state ($REDIS_HOST:$REDIS_PORT)"

# ---------------------------------------------------------------------------
# 3. pgvector
# ---------------------------------------------------------------------------
vector_available_version() {
  pg -c "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'"
}

apt_updated=0
apt_update_once() {
  if ((apt_updated == 0)); then
    quiet apt-get update
    apt_updated=1
  fi
}

# apt-get install, refreshing the package lists first if there are none, and
# once more on failure (stale lists give 404s on the .debs).
apt_install() {
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then apt_update_once; fi
  if ! quiet apt-get install -y --no-install-recommends "$@"; then
    ((apt_updated == 0)) || return 1
    apt_update_once
    quiet apt-get install -y --no-install-recommends "$@"
  fi
}

apt_has_candidate() {
  local cand
  cand="$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
  [[ -n "$cand" && "$cand" != "(none)" ]]
}

# The Debian mirror this machine already uses (same host/path as its main suite),
# falling back to deb.debian.org.
debian_mirror() {
  local codename="$1" f uri=""
  if [[ "${OS_ID}" == "debian" ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -r "$f" ]] || continue
      uri="$(awk -v s="$codename" '
        $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                      if ($(i + 1) == s) { print $i; exit } }' "$f")"
      [[ -n "$uri" ]] && break
    done
    if [[ -z "$uri" ]]; then
      for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r "$f" ]] || continue
        # deb822: a stanza whose Suites list contains exactly $codename.
        uri="$(awk -v s="$codename" '
          function flush() { if (ok && u != "") { print u; found = 1; exit } ok = 0; u = "" }
          /^[ \t]*$/ { flush(); next }
          /^URIs:/   { u = $2 }
          /^Suites:/ { for (k = 2; k <= NF; k++) if ($k == s) ok = 1 }
          END { if (!found) flush() }' "$f")"
        [[ -n "$uri" ]] && break
      done
    fi
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

build_pgvector_from_debian_source() {
  local work mirror keyring srcdir opts
  work="$(mktemp -d /tmp/segmento-pgvector.XXXXXX)"
  TMPDIRS+=("$work")
  chmod 755 "$work" # apt downloads as the unprivileged _apt user
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
  mirror="$(debian_mirror "${OS_CODENAME}")"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  if [[ -r "$keyring" ]]; then
    printf 'deb-src [signed-by=%s] %s trixie main\n' "$keyring" "$mirror" >"$work/sources.list"
  else
    printf 'deb-src %s trixie main\n' "$mirror" >"$work/sources.list"
  fi
  # A private apt universe: the machine's own sources, lists and caches stay untouched.
  opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
  quiet apt-get "${opts[@]}" update || die "could not fetch the Debian trixie source index from $mirror"
  (cd "$work/src" && quiet apt-get "${opts[@]}" source --download-only pgvector) ||
    die "could not download Debian's pgvector source package from $mirror"
  command -v dpkg-source >/dev/null || apt_install dpkg-dev || die "could not install dpkg-dev"
  (cd "$work/src" && quiet dpkg-source -x ./pgvector_*.dsc pgvector) || die "dpkg-source -x failed"
  srcdir="$work/src/pgvector"
  apt_install "postgresql-server-dev-$PG_MAJOR" make gcc ||
    die "could not install postgresql-server-dev-$PG_MAJOR"
  local pgc="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
  [[ -x "$pgc" ]] || die "$pgc not found after installing postgresql-server-dev-$PG_MAJOR"
  # OPTFLAGS="" : portable build (no -march=native), as Debian builds it.
  quiet make -C "$srcdir" -j"$(nproc)" PG_CONFIG="$pgc" OPTFLAGS="" || die "building pgvector failed"
  quiet make -C "$srcdir" install PG_CONFIG="$pgc" OPTFLAGS="" || die "installing pgvector failed"
}

install_pgvector() {
  local pkg="postgresql-$PG_MAJOR-pgvector"
  if ((EUID != 0)) || [[ ! -x /usr/bin/apt-get ]] || ! is_local_host "$PGHOST" ||
    [[ "$OS_ID" != "debian" && "$OS_ID" != "ubuntu" && " $OS_ID_LIKE " != *" debian "* ]]; then
    die "the pgvector extension is not installed in PostgreSQL $PG_MAJOR at $PGHOST:$PGPORT.
  Install it yourself (https://github.com/pgvector/pgvector#installation, e.g. the
  postgresql-$PG_MAJOR-pgvector package), or use the bundled containers instead:
    docker compose up -d      # pgvector/pgvector:pg16 + redis:7-alpine
  (this script installs it automatically only when run as root on a local Debian/Ubuntu server)"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then apt_update_once; fi
  if apt_has_candidate "$pkg"; then
    apt_install "$pkg" || die "apt-get install $pkg failed"
    how="from $pkg"
  else
    build_pgvector_from_debian_source
    how="built from Debian trixie source"
  fi
}

OS_ID="" OS_ID_LIKE="" OS_CODENAME=""
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  OS_ID="$(. /etc/os-release && echo "${ID:-}")"
  OS_ID_LIKE="$(. /etc/os-release && echo "${ID_LIKE:-}")"
  OS_CODENAME="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
fi

vector_version="$(vector_available_version)"
if [[ -n "$vector_version" ]]; then
  say "pgvector $vector_version present"
else
  # Serialise concurrent installs (several shells/CI steps running this at once).
  exec 9>"/tmp/segmento-services.$EUID.lock"
  flock 9
  vector_version="$(vector_available_version)"
  if [[ -n "$vector_version" ]]; then
    say "pgvector $vector_version present"
  else
    how=""
    install_pgvector
    vector_version="$(vector_available_version)"
    [[ -n "$vector_version" ]] ||
      die "pgvector was installed ($how) but PostgreSQL $PG_MAJOR does not list it in pg_available_extensions"
    say "pgvector $vector_version installed ($how)"
  fi
  exec 9>&-
fi

# ---------------------------------------------------------------------------
# 4. Verify pgvector works, and create the databases
# ---------------------------------------------------------------------------
# Inside a transaction that is rolled back: CREATE EXTENSION is transactional, so
# nothing is left behind (and an existing extension in `postgres` is not touched).
check="$(pg -c "SET client_min_messages = warning; BEGIN; CREATE EXTENSION IF NOT EXISTS vector;
  SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector; ROLLBACK;" 2>&1)" ||
  die "CREATE EXTENSION vector failed: $check"
[[ "$check" == "1" ]] || die "pgvector sanity check returned '$check', expected 1"

created=()
for db in segmento segmento_test; do
  if [[ -z "$(pg -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
    pg -c "CREATE DATABASE \"$db\" OWNER \"$PGUSER\"" >/dev/null ||
      die "could not create database $db"
    created+=("$db")
  fi
done
if ((${#created[@]})); then
  say "databases segmento, segmento_test ready (created: ${created[*]}); CREATE EXTENSION vector ok"
else
  say "databases segmento, segmento_test present; CREATE EXTENSION vector ok"
fi
