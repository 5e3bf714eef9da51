#!/usr/bin/env bash
# A local relay cluster on loopback, for trying the cluster on one machine:
#
#   ops/cluster/local-cluster.sh start [options]   create the database, build the jar if missing,
#                                                  start the nodes, wait until all are ready
#   ops/cluster/local-cluster.sh status            each node's process and /health
#   ops/cluster/local-cluster.sh stop              SIGTERM each node (graceful) and wait for it
#
# Every node is a JVM running relay-node.jar on the shared PostgreSQL database (journal, snapshots
# and spool); node i (1..N) listens for SMTP on SMTP_PORT+i-1, HTTP on HTTP_PORT+i-1 and Pekko
# Artery on ARTERY_PORT+i-1, all on 127.0.0.1. Node 1 is the first seed: it forms the cluster.
# Run with --help for the options; each has an environment variable of the same meaning.
#
# "check && check || die" is used on purpose below: die exits, so it runs only when a check fails.
# shellcheck disable=SC2015
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
readonly REPO

usage() {
  cat <<EOF
Usage: ${0##*/} start|stop|status [options]

Options for start (environment variable in brackets, default after it):
  --nodes N            number of nodes, odd            [LOCAL_CLUSTER_NODES, 3]
  --smtp-port P        SMTP port of node 1            [LOCAL_CLUSTER_SMTP_PORT, 2525]
  --http-port P        HTTP port of node 1            [LOCAL_CLUSTER_HTTP_PORT, 8025]
  --artery-port P      cluster (Artery) port of node 1 [LOCAL_CLUSTER_ARTERY_PORT, 25520]
  --heap SIZE          JVM heap of each node (-Xmx)   [LOCAL_CLUSTER_HEAP, 384m]
  --pool-size N        database connections per node  [LOCAL_CLUSTER_POOL_SIZE, 8]
  --db NAME            PostgreSQL database            [LOCAL_CLUSTER_DB, relay_cluster]
  --reset-db           drop and recreate the database first (loses every queued message)
  --pg-host HOST       PostgreSQL host                [LOCAL_CLUSTER_PG_HOST, 127.0.0.1]
  --pg-port P          PostgreSQL port                [LOCAL_CLUSTER_PG_PORT, 5432]
  --pg-user USER       PostgreSQL user (trust auth)   [LOCAL_CLUSTER_PG_USER, postgres]
  --smarthost H:P      send all mail to this host     [LOCAL_CLUSTER_SMARTHOST, none: MX lookup]
  --build              rebuild the jar even if it exists
  --timeout SECONDS    wait this long for /ready      [LOCAL_CLUSTER_TIMEOUT, 180]
Options for every command:
  --work-dir DIR       configs, data, logs, pid files [LOCAL_CLUSTER_DIR, $REPO/data/cluster]
Extra JVM options for every node: LOCAL_CLUSTER_JAVA_OPTS (word-split).
EOF
}

die() { echo "local-cluster: $*" >&2; exit 1; }
say() { echo "local-cluster: $*"; }

# ---- options ------------------------------------------------------------------------------------

COMMAND=${1:-}
case "$COMMAND" in
  start|stop|status) shift ;;
  -h|--help|help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

NODES=${LOCAL_CLUSTER_NODES:-3}
SMTP_PORT=${LOCAL_CLUSTER_SMTP_PORT:-2525}
HTTP_PORT=${LOCAL_CLUSTER_HTTP_PORT:-8025}
ARTERY_PORT=${LOCAL_CLUSTER_ARTERY_PORT:-25520}
HEAP=${LOCAL_CLUSTER_HEAP:-384m}
POOL_SIZE=${LOCAL_CLUSTER_POOL_SIZE:-8}
DB=${LOCAL_CLUSTER_DB:-relay_cluster}
PG_HOST=${LOCAL_CLUSTER_PG_HOST:-127.0.0.1}
PG_PORT=${LOCAL_CLUSTER_PG_PORT:-5432}
PG_USER=${LOCAL_CLUSTER_PG_USER:-postgres}
SMARTHOST=${LOCAL_CLUSTER_SMARTHOST:-}
TIMEOUT=${LOCAL_CLUSTER_TIMEOUT:-180}
WORK=${LOCAL_CLUSTER_DIR:-$REPO/data/cluster}
RESET_DB=no
BUILD=no

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "option $1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes)       need_value "$@"; NODES=$2; shift 2 ;;
    --smtp-port)   need_value "$@"; SMTP_PORT=$2; shift 2 ;;
    --http-port)   need_value "$@"; HTTP_PORT=$2; shift 2 ;;
    --artery-port) need_value "$@"; ARTERY_PORT=$2; shift 2 ;;
    --heap)        need_value "$@"; HEAP=$2; shift 2 ;;
    --pool-size)   need_value "$@"; POOL_SIZE=$2; shift 2 ;;
    --db)          need_value "$@"; DB=$2; shift 2 ;;
    --pg-host)     need_value "$@"; PG_HOST=$2; shift 2 ;;
    --pg-port)     need_value "$@"; PG_PORT=$2; shift 2 ;;
    --pg-user)     need_value "$@"; PG_USER=$2; shift 2 ;;
    --smarthost)   need_value "$@"; SMARTHOST=$2; shift 2 ;;
    --timeout)     need_value "$@"; TIMEOUT=$2; shift 2 ;;
    --work-dir)    need_value "$@"; WORK=$2; shift 2 ;;
    --reset-db)    RESET_DB=yes; shift ;;
    --build)       BUILD=yes; shift ;;
    -h|--help)     usage; exit 0 ;;
    *) die "unknown option \"$1\" (see --help)" ;;
  esac
done
WORK=$(realpath -m "$WORK")
readonly STATE=$WORK/cluster.env   # what start chose; stop and status read it

is_int() { [[ $1 =~ ^[0-9]+$ ]]; }

# Every value is checked before anything is created or started.
check_start_options() {
  is_int "$NODES" && [ "$NODES" -ge 1 ] && [ "$NODES" -le 9 ] \
    || die "--nodes must be a number from 1 to 9, not \"$NODES\""
  [ $((NODES % 2)) -eq 1 ] \
    || die "--nodes must be odd: the split brain resolver keeps the majority, and an even cluster can lose it to a single failure"
  local name value option
  for name in SMTP_PORT HTTP_PORT ARTERY_PORT PG_PORT; do
    value=${!name}
    option=${name,,}
    is_int "$value" && [ "$value" -ge 1 ] && [ $((value + NODES - 1)) -le 65535 ] \
      || die "--${option//_/-} must be a port number with room for $NODES nodes, not \"$value\""
  done
  ranges_apart "$SMTP_PORT" "$HTTP_PORT" && ranges_apart "$SMTP_PORT" "$ARTERY_PORT" \
    && ranges_apart "$HTTP_PORT" "$ARTERY_PORT" \
    || die "the SMTP ($SMTP_PORT), HTTP ($HTTP_PORT) and Artery ($ARTERY_PORT) port ranges of $NODES nodes overlap"
  [[ $HEAP =~ ^[0-9]+[mMgG]$ ]] || die "--heap must look like 384m or 1g, not \"$HEAP\""
  is_int "$POOL_SIZE" && [ "$POOL_SIZE" -ge 2 ] && [ "$POOL_SIZE" -le 200 ] \
    || die "--pool-size must be a number from 2 to 200, not \"$POOL_SIZE\""
  [[ $DB =~ ^[a-z_][a-z0-9_]{0,62}$ ]] \
    || die "--db must be a lower-case SQL identifier (letters, digits, _), not \"$DB\""
  [ "$DB" != postgres ] && [[ $DB != template* ]] || die "--db \"$DB\" is a system database"
  [[ $PG_HOST =~ ^[A-Za-z0-9.:-]+$ ]] || die "--pg-host \"$PG_HOST\" is not a host name or address"
  [[ $PG_USER =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--pg-user \"$PG_USER\" is not a user name"
  if [ -n "$SMARTHOST" ]; then
    [[ $SMARTHOST =~ ^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([0-9]+)$ ]] && [ "${BASH_REMATCH[2]}" -le 65535 ] \
      || die "--smarthost must be host:port or [ip]:port, not \"$SMARTHOST\""
  fi
  is_int "$TIMEOUT" && [ "$TIMEOUT" -ge 1 ] || die "--timeout must be a number of seconds, not \"$TIMEOUT\""
}

ranges_apart() { [ $(($1 + NODES)) -le "$2" ] || [ $(($2 + NODES)) -le "$1" ]; }

# ---- nodes --------------------------------------------------------------------------------------

node_dir() { echo "$WORK/node$1"; }

# The pid of node i if that process is alive and is this node's JVM (a stale pid file whose
# number now belongs to another process does not count), else nothing.
node_pid() {
  local file pid
  file=$(node_dir "$1")/relay.pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  is_int "$pid" || return 0
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(node_dir "$1")/relay.conf"; then
    echo "$pid"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_get() { curl -s --max-time 3 "http://127.0.0.1:$1$2"; }

ready() { curl -sf -o /dev/null --max-time 3 "http://127.0.0.1:$1/ready"; }

# ---- start --------------------------------------------------------------------------------------

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }

prepare_database() {
  command -v psql >/dev/null || die "psql is not installed (Debian: postgresql-client)"
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || die "PostgreSQL does not answer on $PG_HOST:$PG_PORT"
  if [ "$RESET_DB" = yes ]; then
    say "dropping database $DB (--reset-db)"
    psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
  fi
  if [ "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    say "creating database $DB on $PG_HOST:$PG_PORT"
    psql_admin -c "CREATE DATABASE $DB"
  fi
}

JAR=$REPO/relay-node/target/relay-node.jar

build_jar() {
  if [ "$BUILD" = yes ] || [ ! -f "$JAR" ]; then
    say "building $JAR (mvn -B -q -DskipTests package)"
    (cd "$REPO" && mvn -B -q -DskipTests package) || die "the build failed"
  fi
}

seed_nodes() {
  local i seeds=""
  for ((i = 1; i <= NODES; i++)); do
    seeds+="${seeds:+,}pekko://relay@127.0.0.1:$((ARTERY_PORT + i - 1))"
  done
  echo "$seeds"
}

# cluster.conf: what all nodes share. nodeI/relay.conf: includes it and adds the node's own
# addresses. Values are HOCON strings; the checks above keep quotes out of them.
write_configs() {
  local i dir
  {
    echo "# Generated by ops/cluster/local-cluster.sh; shared by every node of this local cluster."
    echo "relay {"
    echo "  hostname = \"relay.localhost\""
    echo "  clients = [ { name = \"local\", ips = [\"127.0.0.1\", \"::1\"] } ]"
    echo "  storage {"
    echo "    kind = \"postgres\""
    echo "    postgres { url = \"jdbc:postgresql://$PG_HOST:$PG_PORT/$DB\", user = \"$PG_USER\", password = \"\" }"
    echo "    pool-size = $POOL_SIZE"
    echo "  }"
    if [ -n "$SMARTHOST" ]; then
      echo "  routes { \"*\" = \"$SMARTHOST\" }"
    fi
    echo "}"
  } > "$WORK/cluster.conf"
  for ((i = 1; i <= NODES; i++)); do
    dir=$(node_dir "$i")
    mkdir -p "$dir"
    {
      echo "# Generated by ops/cluster/local-cluster.sh: node $i of $NODES."
      echo "include file(\"$WORK/cluster.conf\")"
      echo "relay {"
      echo "  data-dir = \"$dir/data\""
      echo "  listeners = [ { name = \"smtp\", host = \"127.0.0.1\", port = $((SMTP_PORT + i - 1)) } ]"
      echo "  http { host = \"127.0.0.1\", port = $((HTTP_PORT + i - 1)) }"
      echo "  cluster { host = \"127.0.0.1\", port = $((ARTERY_PORT + i - 1)) }"
      echo "}"
    } > "$dir/relay.conf"
  done
  {
    echo "NODES=$NODES"
    echo "SMTP_PORT=$SMTP_PORT"
    echo "HTTP_PORT=$HTTP_PORT"
    echo "ARTERY_PORT=$ARTERY_PORT"
    echo "DB=$DB"
    echo "PG_HOST=$PG_HOST"
    echo "PG_PORT=$PG_PORT"
    echo "PG_USER=$PG_USER"
    echo "SMARTHOST=$SMARTHOST"
  } > "$STATE"
}

# Starts node i in its own session (it outlives this shell and the terminal); stdout carries the
# relay's JSON event lines, stderr its log.
start_node() {
  local i=$1 dir
  dir=$(node_dir "$i")
  # The seeds come from the environment, as on systemd and Kubernetes.
  RELAY_SEED_NODES=$(seed_nodes) RELAY_CLUSTER_MIN_MEMBERS=$(( NODES / 2 + 1 )) \
    RELAY_JAR="$JAR" JAVA_OPTS="-Xmx$HEAP ${LOCAL_CLUSTER_JAVA_OPTS:-}" \
    setsid "$REPO/ops/bin/relay-node" "-Dconfig.file=$dir/relay.conf" \
    < /dev/null > "$dir/events.log" 2> "$dir/relay.log" &
  echo $! > "$dir/relay.pid"
}

wait_until_ready() {
  local deadline i pending
  deadline=$(($(date +%s) + TIMEOUT))
  while :; do
    pending=""
    for ((i = 1; i <= NODES; i++)); do
      [ -n "$(node_pid "$i")" ] || {
        echo "local-cluster: node $i exited during start; the end of $(node_dir "$i")/relay.log:" >&2
        tail -n 15 "$(node_dir "$i")/relay.log" >&2
        return 1
      }
      ready $((HTTP_PORT + i - 1)) || pending+=" $i"
    done
    [ -z "$pending" ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "local-cluster: node(s)$pending not ready after ${TIMEOUT}s; see their relay.log" >&2
      return 1
    fi
    sleep 1
  done
}

print_summary() {
  local i
  echo
  echo "Local relay cluster: $NODES nodes, database $DB on $PG_HOST:$PG_PORT, work dir $WORK"
  printf '  %-4s %-8s %-15s %-29s %-16s %s\n' node pid smtp health artery files
  for ((i = 1; i <= NODES; i++)); do
    printf '  %-4s %-8s %-15s %-29s %-16s %s\n' "$i" "$(node_pid "$i")" \
      "127.0.0.1:$((SMTP_PORT + i - 1))" "http://127.0.0.1:$((HTTP_PORT + i - 1))/health" \
      "127.0.0.1:$((ARTERY_PORT + i - 1))" "$(node_dir "$i")/{relay.conf,relay.log,events.log}"
  done
  local target="the MX hosts of the recipients"
  [ -z "$SMARTHOST" ] || target="the smarthost $SMARTHOST"
  echo "  clients: 127.0.0.1 and ::1 may relay; mail goes to $target"
  echo "  try:     swaks --server 127.0.0.1:$SMTP_PORT --from me@example.org --to you@example.net"
  local where=""
  [ "$WORK" = "$(realpath -m "${LOCAL_CLUSTER_DIR:-$REPO/data/cluster}")" ] || where=" --work-dir $WORK"
  echo "  then:    $0 status$where | $0 stop$where"
}

cmd_start() {
  check_start_options
  local i running="" busy="" port
  for ((i = 1; i <= 9; i++)); do
    [ -z "$(node_pid "$i")" ] || running+=" $i"
  done
  [ -z "$running" ] || die "node(s)$running of $WORK are running; stop them first ($0 stop)"
  for ((i = 0; i < NODES; i++)); do
    for port in $((SMTP_PORT + i)) $((HTTP_PORT + i)) $((ARTERY_PORT + i)); do
      ! port_in_use "$port" || busy+=" $port"
    done
  done
  [ -z "$busy" ] || die "port(s)$busy on 127.0.0.1 are taken; choose others (see --help)"
  command -v java >/dev/null || die "java is not installed"
  prepare_database
  build_jar
  mkdir -p "$WORK"
  write_configs
  for ((i = 1; i <= NODES; i++)); do
    start_node "$i"
  done
  say "started $NODES nodes; waiting up to ${TIMEOUT}s until each answers /ready"
  local started=$SECONDS
  if ! wait_until_ready; then
    say "stopping what was started"
    cmd_stop >&2 || true
    exit 1
  fi
  say "all $NODES nodes ready after $((SECONDS - started))s"
  print_summary
}

# ---- stop and status ----------------------------------------------------------------------------

load_state() {
  [ -f "$STATE" ] || die "no cluster was started in $WORK (no $STATE)"
  # shellcheck source=/dev/null
  . "$STATE"
}

# Stops the nodes one at a time, last first, so that each one's queues are handed over to nodes
# that stay up and node 1 (the first seed) leaves last. The relay drains within
# relay.shutdown.drain-timeout (20s); a node still running after 90s is reported, not killed.
cmd_stop() {
  load_state
  local i pid waited failed=""
  for ((i = NODES; i >= 1; i--)); do
    pid=$(node_pid "$i")
    if [ -z "$pid" ]; then
      say "node $i is not running"
      continue
    fi
    say "node $i (pid $pid): SIGTERM, waiting for the graceful shutdown"
    kill -TERM "$pid"
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 900 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      failed+=" $i"
      echo "local-cluster: node $i (pid $pid) still runs after 90s; see $(node_dir "$i")/relay.log" >&2
    else
      rm -f "$(node_dir "$i")/relay.pid"
      say "node $i stopped after $((waited / 10)).$((waited % 10))s"
    fi
  done
  [ -z "$failed" ] || exit 1
}

# Exit status 0 when every node is ready, 1 otherwise.
cmd_status() {
  load_state
  local i pid health all_ready=yes
  echo "Local relay cluster in $WORK: $NODES nodes, database $DB on $PG_HOST:$PG_PORT"
  for ((i = 1; i <= NODES; i++)); do
    pid=$(node_pid "$i")
    if [ -z "$pid" ]; then
      echo "  node $i: not running"
      all_ready=no
      continue
    fi
    health=$(http_get $((HTTP_PORT + i - 1)) /health || true)
    echo "  node $i: pid $pid, smtp 127.0.0.1:$((SMTP_PORT + i - 1)), health ${health:-(no answer)}"
    ready $((HTTP_PORT + i - 1)) || all_ready=no
  done
  [ "$all_ready" = yes ]
}

"cmd_$COMMAND"
