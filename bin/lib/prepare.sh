# Sourced by bin/sluice when launch.env does not hold (first use, sources or bin/ edited, another JDK or
# environment): finds the JDK, (re)builds the jar, trains its AOT cache, then writes launch.env for the
# fast path (launch.sh). Needs $root, $target and $launch.
. "$root/bin/lib/java.sh"

sluice_prepare() {
  local env_key="${JAVA_HOME:-}|${PATH:-}"
  sluice_find_jdk
  jar=$target/sluice.jar
  # JDK 25+: an AOT cache (classes loaded and linked, and method profiles, JEPs 483/514/515): the first
  # requests of a run run warmer (measured: 50-80 ms less in a 4 s run than with a class-data archive).
  # Older JDKs: a class-data archive. Either one that does not fit (another JDK) is ignored silently.
  # Two of them: one for the help alone, which needs a tenth of the classes (mapping and loading all of a
  # run's classes made sluice --help 30 % slower), and one for everything else.
  quiet=('-Xlog:cds*=off')
  if [ "$(sluice_java_feature "$JAVA")" -ge 25 ]; then
    jsa=$target/sluice.aot; jsa_help=$target/sluice-help.aot; record=-XX:AOTCacheOutput=; use=-XX:AOTCache=
    quiet+=('-Xlog:aot*=off') # the 'aot' log tag does not exist before JDK 24: older JVMs refuse to start with it
  else
    jsa=$target/sluice.jsa; jsa_help=$target/sluice-help.jsa; record=-XX:ArchiveClassesAtExit=; use=-XX:SharedArchiveFile=
  fi
  sluice_gc
  native_dir=$target/native/org/sqlite/native/Linux/$HOSTTYPE

  if sluice_stale || sluice_untrained; then
    exec 9>"$root/.sluice-build.lock" # one build at a time, even when several commands start together
    flock 9
    if sluice_stale; then sluice_build; fi
    if sluice_untrained; then sluice_train; fi
    exec 9>&-
  fi
  sluice_write_launch "$env_key"
  . "$launch"
}

sluice_stale() {
  [ ! -f "$jar" ] || sluice_sources_newer "$jar"
}

sluice_build() {
  echo "sluice: building the jar (first use or sources changed; needs Maven Central the first time)…" >&2
  # clean: a file deleted from the sources must not live on in target/ and the jar
  sluice_quiet_maven
  (cd "$root" && mvn -q -B -ntp -Dstyle.color=never -DskipTests -Dmaven.test.skip=true clean install -pl sluice-cli -am >&2) || {
    echo "sluice: the build failed; run 'cd $root && mvn -DskipTests install' to see why." >&2; exit 1; }
}

# A short run of the common commands (the hidden 'training' command) records what they load and run, and
# a run of the help what it loads: every later start is faster. Made again whenever the jar, the JDK or
# the collector changes. The help is recorded with the JIT it runs with (sluice_jit).
sluice_train() {
  rm -f "$jsa" "$jsa_help"
  # sqlite-jdbc otherwise copies its native library out of the jar on every start.
  rm -rf "$target/native"
  mkdir -p "$target/native"
  (cd "$target/native" && "$JAVA_HOME/bin/jar" xf "$jar" "org/sqlite/native/Linux/$HOSTTYPE/libsqlitejdbc.so" 2>/dev/null) || true
  sluice_sqlite_opts
  local dir
  dir=$(mktemp -d /tmp/sluice-training.XXXXXX)
  "$JAVA" "$record$jsa" "${quiet[@]}" "${SLUICE_GC[@]}" "${sqlite[@]}" -jar "$jar" training "$dir" \
    >/dev/null 2>&1 || rm -f "$jsa"
  rm -rf "$dir"
  "$JAVA" "$record$jsa_help" "${quiet[@]}" "${SLUICE_GC[@]}" -XX:TieredStopAtLevel=1 -jar "$jar" --help \
    >/dev/null 2>&1 || rm -f "$jsa_help"
  sluice_training_key > "$jsa.jdk"
}

sluice_untrained() {
  # the stamp is written even when training failed, so a failure is not retried on every start
  [ ! -f "$jsa.jdk" ] || [ "$jar" -nt "$jsa.jdk" ] || [ "$(cat "$jsa.jdk")" != "$(sluice_training_key)" ]
}

sluice_training_key() { # what the caches depend on besides the jar: the JDK, the collector, which caches
  echo "$JAVA ${SLUICE_GC[*]} ${jsa##*/} ${jsa_help##*/}"
}

sluice_sqlite_opts() { # sets sqlite: the options that load the library extracted by sluice_train
  sqlite=()
  [ -f "$native_dir/libsqlitejdbc.so" ] && sqlite=(-Dorg.sqlite.lib.path="$native_dir" -Dorg.sqlite.lib.name=libsqlitejdbc.so)
  return 0
}

# sluice_write_launch KEY: writes launch.env, the JDK and JVM options found now, for every start until
# something changes. KEY is this start's JAVA_HOME|PATH. Other keys already known to lead to the same JDK
# and collector are kept (a benchmark script that exports JAVA_HOME and a shell that does not then both
# take the fast path), unless a JDK was installed or removed since.
sluice_write_launch() {
  local found=$JAVA envs=("$1") k tmp
  if [ -f "$launch" ] && [ ! /usr/lib/jvm -nt "$launch" ] && [ ! /etc/alternatives -nt "$launch" ]; then
    local JAVA SLUICE_L_ENVS=() SLUICE_L_GC=() SLUICE_L_OPTS=() # shadows: the old file's values stay here
    . "$launch"
    if [ "$JAVA" = "$found" ] && [ "${SLUICE_L_GC[*]}" = "${SLUICE_GC[*]}" ]; then
      for k in "${SLUICE_L_ENVS[@]:0:7}"; do [ "$k" = "$1" ] || envs+=("$k"); done
    fi
  fi
  sluice_sqlite_opts
  local opts=("${quiet[@]}" "${sqlite[@]}") cache=() help_cache=()
  [ ! -f "$jsa" ] || cache=("$use$jsa")
  [ ! -f "$jsa_help" ] || help_cache=("$use$jsa_help")
  tmp=$(mktemp "$launch.XXXXXX")
  {
    echo "# Written by bin/lib/prepare.sh; read by bin/sluice on every start (see bin/lib/launch.sh)."
    printf 'JAVA=%q\n' "$found"
    sluice_array SLUICE_L_ENVS "${envs[@]}"
    sluice_array SLUICE_L_GC "${SLUICE_GC[@]}"
    sluice_array SLUICE_L_OPTS "${opts[@]}"
    sluice_array SLUICE_L_CACHE "${cache[@]}"
    sluice_array SLUICE_L_HELP_CACHE "${help_cache[@]}"
  } >"$tmp"
  mv -f "$tmp" "$launch"
}

sluice_array() { # NAME VALUE...: prints NAME=(VALUE...) quoted for bash
  printf '%s=(' "$1"; shift
  [ $# -eq 0 ] || printf ' %q' "$@"
  printf ' )\n'
}
