# Sourced by ./jtc, ./test and bench/run: finds a JDK 25 or newer and exports JAVA_HOME.
# Order: JAVA_HOME, then `java` on PATH, then the usual install locations.

jtc_java_major() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release"
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

jtc_find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    v=$(jtc_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  echo "jtc needs a JDK 25 or newer: none was found in JAVA_HOME, on PATH or under /usr/lib/jvm; install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

jtc_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven itself runs on this JDK; keep its own warnings about JDK internals quiet.
export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
