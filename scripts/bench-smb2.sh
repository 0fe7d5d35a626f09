#!/usr/bin/env bash
# JMH benchmark of the SMB2 analyzer (protocol-decoders test sources, package ...decoders.bench).
#   scripts/bench-smb2.sh                 # both benchmarks, JMH defaults from the annotations
#   scripts/bench-smb2.sh bulkCopy -f 1   # extra arguments go to JMH
#   scripts/bench-smb2.sh cpu             # per CPU-second figures (thread CPU time), both chunk sizes
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -o -pl protocol-decoders -am test-compile
cp_file="$(mktemp)"; trap 'rm -f "$cp_file"' EXIT
mvn -q -B -o -pl protocol-decoders dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="protocol-decoders/target/test-classes:protocol-decoders/target/classes:sensor-core/target/classes:$(cat "$cp_file")"
if [[ "${1:-}" == "cpu" ]]; then
  for c in 1448 65536; do java -Xms512m -Xmx512m -cp "$cp" io.impacketsensor.decoders.bench.Smb2AnalyzerBench 100 "$c"; done
  exit 0
fi
java -cp "$cp" io.impacketsensor.decoders.bench.Smb2AnalyzerBench
bench="${1:-Smb2AnalyzerBench}"; shift || true
java -cp "$cp" org.openjdk.jmh.Main "$bench" "$@"
