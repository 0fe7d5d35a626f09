#!/usr/bin/env bash
# JMH benchmark of the packet path per packet (L2-L4, flow table, TCP reassembly, analyzer
# dispatch) on the mix of captures in sensor-core/src/test/resources/pcaps, with the GC profiler
# (gc.alloc.rate.norm = bytes allocated per packet). Extra arguments go to JMH, e.g. -f 2 -i 10.
#   scripts/bench-flow.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mvn -q -B -o -pl sensor-core -am test-compile -DskipTests
mvn -q -B -o -pl sensor-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
cp="sensor-core/target/test-classes:sensor-core/target/classes:$(cat sensor-core/target/bench.classpath)"
exec java -cp "$cp" org.openjdk.jmh.Main 'io.impacketsensor.core.bench.FlowPathBenchmark' -prof gc "$@"
