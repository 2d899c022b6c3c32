# Sourced by bin/sluice: the fast path of every start. Nothing here starts a process (no $(…), no
# external command): only bash builtins and file tests. Needs $root, $target and $launch.
# target/launch.env (written by prepare.sh) sets JAVA, SLUICE_L_ENVS (the JAVA_HOME|PATH pairs that
# led to that JDK), SLUICE_L_GC (the collector options the cache was trained with) and SLUICE_L_OPTS.

# sluice_cpus: sets SLUICE_CPUS to the CPUs this process may run on (what nproc prints); 4 when unknown.
sluice_cpus() {
  local line part n=0
  SLUICE_CPUS=4
  [[ -r /proc/self/status ]] || return 0
  while IFS= read -r line; do
    [[ $line == Cpus_allowed_list:* ]] || continue
    line=${line#*:}
    for part in ${line//,/ }; do
      if [[ $part == *-* ]]; then n=$((n + ${part#*-} - ${part%-*} + 1)); else n=$((n + 1)); fi
    done
    break
  done </proc/self/status
  ((n > 0)) && SLUICE_CPUS=$n
  return 0
}

# sluice_gc: sets SLUICE_GC. On two cores or fewer, the serial collector: the pipeline's live data is
# small (bounded queues), and G1's concurrent threads and growing heap cost CPU and memory there
# (measured: same throughput, peak RSS about 250 MB instead of 459 MB for a million URLs). More cores:
# the JVM's default. A collector named in SLUICE_JAVA_OPTS wins.
sluice_gc() {
  SLUICE_GC=()
  [[ ${SLUICE_JAVA_OPTS:-} == *GC* ]] && return 0
  sluice_cpus
  ((SLUICE_CPUS <= 2)) && SLUICE_GC=(-XX:+UseSerialGC)
  return 0
}

# sluice_sources_newer FILE: true when a build input (a pom, a file or folder under src/main) is newer
# than FILE. A file added or deleted makes its folder newer. A glob walk in bash: no find to start.
sluice_sources_newer() {
  local f found=1
  shopt -s globstar nullglob # off again below: bin/sluice globs nothing else
  for f in "$root"/pom.xml "$root"/sluice-*/pom.xml "$root"/sluice-*/src/main/**; do
    if [[ $f -nt $1 ]]; then found=0; break; fi
  done
  shopt -u globstar nullglob
  return $found
}

# sluice_launch_fresh: true when launch.env still holds: same environment, same collector, no JDK
# installed or removed since, bin/ unchanged, and the jar (trained after its build) newer than its sources.
sluice_launch_fresh() {
  local key="${JAVA_HOME:-}|${PATH:-}" k ok="" f
  for k in "${SLUICE_L_ENVS[@]}"; do [[ $k == "$key" ]] && ok=1 && break; done
  [[ -n $ok && -x $JAVA ]] || return 1
  sluice_gc
  [[ "${SLUICE_GC[*]}" == "${SLUICE_L_GC[*]}" ]] || return 1
  for f in /usr/lib/jvm /etc/alternatives "$root"/bin/sluice "$root"/bin/lib/*.sh; do
    [[ $f -nt $launch ]] && return 1
  done
  [[ -f $target/sluice.jar && ! $target/sluice.jar -nt $launch ]] || return 1
  ! sluice_sources_newer "$target/sluice.jar"
}

sluice_launch() {
  # SLUICE_JAVA_OPTS is split on spaces on purpose (several options in one variable).
  # shellcheck disable=SC2086
  exec "$JAVA" "${SLUICE_L_OPTS[@]}" "${SLUICE_GC[@]}" ${SLUICE_JAVA_OPTS:-} -jar "$target/sluice.jar" "$@"
}
