# A private Postfix instance as the comparison relay (sourced after common.sh).
#
# Everything lives under one directory: config (main.cf, master.cf), queue,
# data and the mail log. The system Postfix and port 25 are never touched:
# the instance listens on 127.0.0.1:<free port> and relays every message to
# [127.0.0.2]:<sink port>. Must run as root (Postfix's master needs it).

POSTFIX_TEMPLATES=${POSTFIX_TEMPLATES:-$(cd "$BENCH_LIB/../postfix" && pwd)}

# postfix_ctl DIR COMMAND: run `postfix -c DIR/etc COMMAND`, output appended to
# DIR/setup.log. The postfix command reports errors on stderr only when stderr is
# a terminal (otherwise to syslog, which may not run here), so give it one.
postfix_ctl() {
  local dir=$1
  shift
  if command -v script >/dev/null 2>&1; then
    script -qec "postfix -c '$dir/etc' $*" /dev/null </dev/null >>"$dir/setup.log" 2>&1
  else
    postfix -c "$dir/etc" "$@" >>"$dir/setup.log" 2>&1
  fi
}

# postfix_setup DIR SMTP_PORT SINK_PORT SESSIONS: write the instance under DIR.
postfix_setup() {
  local dir=$1 port=$2 sink_port=$3 sessions=$4 limit
  [ "$(id -u)" = 0 ] || bench_die "the Postfix target needs root (postfix -c DIR start)"
  # smtpd per client session, plus cleanup per smtpd, plus delivery agents (20) and daemons.
  limit=$(( sessions * 2 + 50 ))
  (( limit >= 100 )) || limit=100
  mkdir -p "$dir/etc" "$dir/queue" "$dir/data"
  chmod 755 "$dir" "$dir/etc"
  chown postfix "$dir/data"
  # Postfix opens its data directory as the mail_owner: every parent must let it through.
  su -s /bin/sh postfix -c "test -w '$dir/data'" \
    || bench_die "user postfix cannot write $dir/data: make its parent directories world-searchable (chmod 755)"
  sed -e "s|@CONFIG_DIR@|$dir/etc|" -e "s|@QUEUE_DIR@|$dir/queue|" \
      -e "s|@DATA_DIR@|$dir/data|" -e "s|@MAILLOG@|$dir/maillog|" \
      -e "s|@INSTANCE_DIR@|$dir|" -e "s|@SINK_PORT@|$sink_port|" -e "s|@PROCESS_LIMIT@|$limit|" \
      "$POSTFIX_TEMPLATES/main.cf.in" > "$dir/etc/main.cf"
  sed -e "s|@LISTEN@|127.0.0.1:$port|" "$POSTFIX_TEMPLATES/master.cf.in" > "$dir/etc/master.cf"
  # `postfix check` creates the instance's queue subdirectories with Postfix's
  # ownerships (post-install create-missing) and reports configuration errors.
  postfix_ctl "$dir" check || bench_die "postfix check failed: $(tail -5 "$dir/setup.log")"
}

# postfix_enable_tls_sasl DIR CERT KEY USER PASSWORD: make the instance's smtpd a submission
# port for the TLS load: postfix/main-tls.cf.in's settings (STARTTLS required, AUTH through Cyrus
# SASL's sasldb, relay only when authenticated) set with postconf -e, so each replaces the
# default rather than repeating it; tlsmgr added to master.cf; USER@bench.example in
# DIR/sasldb2 (readable by group postfix only). Run after postfix_setup, before postfix_start.
postfix_enable_tls_sasl() {
  local dir=$1 cert=$2 key=$3 user=$4 password=$5 realm=bench.example settings=()
  # The SASL configuration in <config_directory>/sasl/smtpd.conf: Debian's Postfix looks there
  # whatever cyrus_sasl_config_path says; upstream's finds it through cyrus_sasl_config_path.
  mkdir -p "$dir/etc/sasl"
  sed -e "s|@SASLDB@|$dir/sasldb2|" "$POSTFIX_TEMPLATES/smtpd-sasl.conf.in" > "$dir/etc/sasl/smtpd.conf"
  rm -f "$dir/sasldb2"
  printf '%s' "$password" | saslpasswd2 -p -c -f "$dir/sasldb2" -u "$realm" "$user" \
    || bench_die "saslpasswd2 could not create $dir/sasldb2"
  chown root:postfix "$dir/sasldb2"
  chmod 640 "$dir/sasldb2"
  mapfile -t settings < <(sed -e '/^#/d' -e '/^$/d' -e "s|@CERT@|$cert|" -e "s|@KEY@|$key|" \
    -e "s|@SASL_DIR@|$dir/etc/sasl|" -e "s|@REALM@|$realm|" "$POSTFIX_TEMPLATES/main-tls.cf.in")
  postconf -c "$dir/etc" -e "${settings[@]}" >>"$dir/setup.log" 2>&1 \
    || bench_die "postconf -e failed: $(tail -3 "$dir/setup.log")"
  echo "tlsmgr    unix  -       -       n       1000?   1       tlsmgr" >> "$dir/etc/master.cf"
  postfix_ctl "$dir" check || bench_die "postfix check failed: $(tail -5 "$dir/setup.log")"
}

# postfix_start DIR SMTP_PORT: start the instance; sets POSTFIX_PID (the master).
postfix_start() {
  local dir=$1 port=$2
  postfix_ctl "$dir" start || bench_die "postfix start failed: $(tail -5 "$dir/setup.log")"
  bench_on_exit "postfix_stop '$dir'"
  bench_wait_port 127.0.0.1 "$port" 20 || bench_die "Postfix is not listening on 127.0.0.1:$port"
  POSTFIX_PID=$(tr -d ' \n' < "$dir/queue/pid/master.pid")
  bench_log "Postfix master pid $POSTFIX_PID on 127.0.0.1:$port (instance $dir)"
}

# postfix_stop DIR: stop the instance and wait until its master is gone.
postfix_stop() {
  local dir=$1 pid waited=0
  [ -f "$dir/queue/pid/master.pid" ] || return 0
  pid=$(tr -d ' \n' < "$dir/queue/pid/master.pid")
  kill -0 "$pid" 2>/dev/null || return 0
  postfix_ctl "$dir" stop || true
  while kill -0 "$pid" 2>/dev/null && (( waited < 100 )); do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -0 "$pid" 2>/dev/null && postfix_ctl "$dir" abort
  return 0
}

# postfix_queue_count DIR: messages still in the instance's queue.
postfix_queue_count() {
  local dir=$1
  find "$dir/queue/maildrop" "$dir/queue/incoming" "$dir/queue/active" \
       "$dir/queue/deferred" "$dir/queue/hold" -type f 2>/dev/null | wc -l
}
