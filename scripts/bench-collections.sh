#!/usr/bin/env bash
# JMH benchmark of core.collections.LongObjectMap against Agrona's Long2ObjectHashMap on the SMB
# decoders' message-id workload, with the GC profiler (gc.alloc.rate.norm = bytes allocated per
# request/response pair). Extra arguments go to JMH, e.g. -f 2 -i 10.
#   scripts/bench-collections.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mvn -q -B -o -pl sensor-core -am test-compile -DskipTests
mvn -q -B -o -pl sensor-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
cp="sensor-core/target/test-classes:sensor-core/target/classes:$(cat sensor-core/target/bench.classpath)"
exec java -cp "$cp" org.openjdk.jmh.Main 'io.impacketsensor.core.bench.LongObjectMapBenchmark' -prof gc "$@"
