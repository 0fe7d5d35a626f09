#!/usr/bin/env bash
# Runs the detection engine benchmarks (JMH, test sources, package io.impacketsensor.detection.bench):
# throughput (events/s) and per-event latency percentiles on one thread, then the memory footprint
# with 100,000 tracked sources. Extra arguments go to JMH (e.g. -f 1 -wi 2 -i 3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
# One reactor build with sensor-core (-am): the classpath then names sensor-core's target/classes, so
# nothing needs to be installed in the local repository first. The reactor writes the file for each
# module in turn; detection-engine's comes last.
mvn -q -B -o -pl detection-engine -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$here/target/bench.classpath" -Dmdep.includeScope=test >/dev/null
# sensor-core from this checkout first (the local repository may hold another branch's snapshot).
cp="$here/target/test-classes:$here/target/classes:$here/../sensor-core/target/classes:$(cat "$here/target/bench.classpath")"
java -cp "$cp" org.openjdk.jmh.Main EngineBenchmark -bm thrpt,sample -tu us "$@"
java -Xms2g -Xmx2g -cp "$cp" io.impacketsensor.detection.bench.CpuTimeThroughput 3000000 10000 8
java -Xmx2g -cp "$cp" io.impacketsensor.detection.bench.MemoryFootprint 100000
