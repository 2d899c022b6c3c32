# Sourced by bin/sluice: the fast path of every start. Nothing here starts a process (no $(…), no
# external command): only bash builtins and file tests. Needs $root, $target and $launch.
# target/launch.env (written by prepare.sh) sets JAVA, SLUICE_L_ENVS (the JAVA_HOME|PATH pairs that
# led to that JDK), SLUICE_L_GC (the collector options the caches were trained with), SLUICE_L_OPTS, and
# the options that use the AOT cache (or class-data archive) of the help and of everything else:
# SLUICE_L_HELP_CACHE and SLUICE_L_CACHE (empty when training failed).

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
# (measured: same throughput, peak RSS about 250 MB instead of 459 MB for a million URLs). With survivor
# spaces a third of the young generation each (SurvivorRatio=2, not 8): what is in flight when a young
# collection runs (the window's URLs, bodies being processed, a batch waiting for its commit: 15-30 MB) lives
# a few hundred milliseconds, and with 12 MB survivors most of it was promoted, died in the old generation,
# and made the collector grow the heap (a 1,000,000-page crawl reached 623 MB RSS with a live set of 25 MB);
# with room to age in the survivors, nothing is promoted and the heap stays at its start (191 MB RSS against
# 298 MB for 300,000 pages, same pages/s). More cores: the JVM's default. A collector named in
# SLUICE_JAVA_OPTS wins.
sluice_gc() {
  SLUICE_GC=()
  [[ ${SLUICE_JAVA_OPTS:-} == *GC* ]] && return 0
  sluice_cpus
  ((SLUICE_CPUS <= 2)) && SLUICE_GC=(-XX:+UseSerialGC -XX:SurvivorRatio=2)
  return 0
}

# sluice_table_gc ARGS...: a run into typed tables (--table) takes the parallel collector where the serial one is
# the default. Its rows wait for the writer's commit in hundreds of MB of young objects, which the serial collector,
# growing its young generation slowly, copied 178 times in a run of 2,000 JSON bodies of 2,400 rows (17 s of pauses,
# each stopping the writer; 48 s in all, 3.7 GB peak RSS), where the parallel one sized it at once and collected
# 16 times (1.5 s of pauses; 32 s in all, 1.6 GB). GCTimeRatio=9 (up to 10 % of the time collecting, not 1 %) keeps
# its heap from growing where the rows are few: a crawl of 19,167 pages extracting two fields peaked at 284 MB RSS
# with it, 922 MB without (the JSON load was as fast either way).
sluice_table_gc() {
  [[ ${1:-} == run && ${SLUICE_GC[*]} == *UseSerialGC* ]] && sluice_writes_tables "${@:2}" &&
    SLUICE_GC=(-XX:+UseParallelGC -XX:GCTimeRatio=9)
  return 0
}

# sluice_heap: sets SLUICE_HEAP_OPT, the heap's bound: SLUICE_HEAP (e.g. 2g) when set, else half the memory this
# process may use (the machine's, or its cgroup's limit when lower), at most 4 GiB. The pipeline's own bounds
# (bodies in flight, the CPU queue, --process-memory per processing thread) are what it needs; the run warns at
# start when they may add up to more. An -Xmx in SLUICE_JAVA_OPTS wins.
sluice_heap() {
  SLUICE_HEAP_OPT=()
  [[ ${SLUICE_JAVA_OPTS:-} == *-Xmx* ]] && return 0
  if [[ -n ${SLUICE_HEAP:-} ]]; then
    SLUICE_HEAP_OPT=("-Xmx$SLUICE_HEAP")
    return 0
  fi
  local kib=0 key value limit
  if [[ -r /proc/meminfo ]]; then
    while read -r key value _; do
      [[ $key == MemTotal: ]] && kib=$value && break
    done </proc/meminfo
  fi
  if [[ -r /sys/fs/cgroup/memory.max ]]; then
    read -r limit </sys/fs/cgroup/memory.max || true
    [[ $limit =~ ^[0-9]+$ ]] && ((limit / 1024 < kib || kib == 0)) && kib=$((limit / 1024))
  fi
  local mib=$((kib / 2048))
  ((mib == 0 || mib > 4096)) && mib=4096
  SLUICE_HEAP_OPT=("-Xmx${mib}m")
  return 0
}

# sluice_jvm ARGS...: sets SLUICE_JVM, the options for this command: its cache and its JIT (sluice_jit).
sluice_jvm() {
  sluice_jit "$@"
  case "${1:-}" in
    "" | -h | --help | -V | --version | help) SLUICE_JVM=("${SLUICE_L_HELP_CACHE[@]}" "${SLUICE_JIT[@]}") ;;
    *) SLUICE_JVM=("${SLUICE_L_CACHE[@]}" "${SLUICE_JIT[@]}") ;;
  esac
}

# sluice_jit ARGS...: sets SLUICE_JIT, by how long the command is likely to run. Commands that end within a
# second or so (the help, --version, status, runs of input files under 16 KiB: a few hundred URLs) get only
# the JIT's first tier (C1): C2's compilations cost about as much CPU as the rest of such a command (more so
# with the AOT cache's profiles, which make the JIT compile at once what was hot while training).
# Runs of input files under 2 MiB (about 60,000 URLs) keep C2 for the loops that run once per byte of a body
# (SHA-256, reading JSON: jit-hot-loops.json) and C1 for everything else: C1 alone hashes at 72 MB/s where
# C2's SHA intrinsic does 1 GB/s, so it lost wherever bodies are larger than a few KiB, and C2 everywhere
# compiles for seconds (5.6 s of compiling in a 4.6 s run of 2,000 bodies of 200 KB). Measured on 2 cores:
# 2,000 bodies of 200 KB through --jq: C1 alone 5.7-7.5 s, both tiers 4.8-5.0 s, this 3.8-4.2 s; 50,000
# bodies of 1 KiB from nginx: C1 alone 4.5-5.0 s, this 5.5-5.7 s, both tiers 5.4-6.9 s; one URL: C1 alone
# 0.37-0.41 s, this 0.45-0.62 s. Larger inputs, or standard input, keep both tiers everywhere (C1 alone was
# 30 % slower over 500,000 URLs). Runs into typed tables (--table) keep both tiers whatever their input: their work
# per URL is the rows' (flattening, typing, binding), millions of rows from a few thousand URLs (600 JSON bodies
# of 2,400 rows: 22.5 s with the per-byte loops only, 15.5 s with both tiers).
# -XX:-DisplayVMOutput: HotSpot prints "N compiler directives added" on standard output, which is the
# summary's; it hides only such tty messages (VM warnings and -Xlog are not tty output). Diagnostic options
# that print on the tty (-XX:+CITime, PrintCompilation) need SLUICE_JAVA_OPTS=-XX:+DisplayVMOutput as well.
sluice_jit() {
  SLUICE_JIT=()
  case "${1:-}" in
    "" | -h | --help | -V | --version | help | status) SLUICE_JIT=(-XX:TieredStopAtLevel=1) ;;
    run)
      sluice_writes_tables "${@:2}" && return 0
      sluice_input_bytes "${@:2}"
      if ((SLUICE_INPUT_BYTES >= 0 && SLUICE_INPUT_BYTES < 16384)); then
        SLUICE_JIT=(-XX:TieredStopAtLevel=1)
      elif ((SLUICE_INPUT_BYTES >= 0 && SLUICE_INPUT_BYTES < 2097152)); then
        SLUICE_JIT=(-XX:+UnlockDiagnosticVMOptions "-XX:CompilerDirectivesFile=$root/bin/lib/jit-hot-loops.json" -XX:-DisplayVMOutput)
      fi ;;
  esac
  return 0
}

# sluice_writes_tables RUN-ARGS...: whether the run writes typed tables (--table NAME or --table=NAME).
sluice_writes_tables() {
  local a
  for a in "$@"; do
    [[ $a == --table || $a == --table=* ]] && return 0
  done
  return 1
}

# sluice_input_bytes RUN-ARGS...: sets SLUICE_INPUT_BYTES to the size of the run's input files, counted up to
# 2 MiB (reading that much costs bash about 40 ms, against a run of seconds); -1 when the run reads standard
# input or names no file. The files are the arguments that name one, but --db's value.
sluice_input_bytes() {
  local cap=2097152 total=0 files=0 chunk skip="" a
  SLUICE_INPUT_BYTES=-1
  for a in "$@"; do
    if [[ -n $skip ]]; then skip=""; continue; fi
    case $a in
      --db) skip=1; continue ;;
      -) return 0 ;;
    esac
    [[ -f $a ]] || continue
    files=$((files + 1))
    LC_ALL=C read -r -d '' -N "$((cap - total))" chunk <"$a" || true
    total=$((total + ${#chunk}))
    ((total < cap)) || break
  done
  ((files > 0)) && SLUICE_INPUT_BYTES=$total
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
  sluice_jvm "$@"
  sluice_table_gc "$@"
  sluice_heap
  # SLUICE_JAVA_OPTS is split on spaces on purpose (several options in one variable).
  # shellcheck disable=SC2086
  exec "$JAVA" "${SLUICE_JVM[@]}" "${SLUICE_L_OPTS[@]}" "${SLUICE_GC[@]}" "${SLUICE_HEAP_OPT[@]}" ${SLUICE_JAVA_OPTS:-} -jar "$target/sluice.jar" "$@"
}
