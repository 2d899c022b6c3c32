# Sourced by bin/sluice and bin/test. Finds a JDK >= 21 and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME, the java on PATH, then every JDK in the system's JVM directory (newest first).

sluice_java_feature() { # prints the feature version (17, 21, 25, …) of the java binary $1, or nothing
  # The JDK's release file answers without starting a JVM (which costs 0.1 s on every command).
  local release
  release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  if [ -f "$release" ]; then
    sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$release" | head -n 1
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
  fi
}

sluice_find_jdk() {
  local candidates=() home v seen=""
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${home%/}"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    v=$(sluice_java_feature "$home/bin/java")
    seen="$seen ${home}(${v:-?})"
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      export JAVA_HOME="$home" JAVA="$home/bin/java"
      return 0
    fi
  done
  echo "sluice: needs a JDK 21 or newer and found none (looked at:${seen:- nothing}). Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21/25, or point JAVA_HOME at it." >&2
  return 1
}

# Maven's own noise, not ours: its Guava warns about sun.misc.Unsafe on JDK 24+; and Debian's Maven (3.8.7, whose
# jansi has no native library to tell a terminal) writes ESC[0m to stdout and stderr (a reset) even with
# -B, so 'bin/sluice demo > demo.log 2>&1' got four of them from the first build (jansi.noreset: none).
sluice_quiet_maven() {
  export MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true"
  if [ "$(sluice_java_feature "$JAVA")" -ge 24 ]; then
    export MAVEN_OPTS="$MAVEN_OPTS --sun-misc-unsafe-memory-access=allow"
  fi
}
