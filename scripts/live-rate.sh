#!/usr/bin/env bash
# Measures the live capture rate: runs `impacket-sensor live` on one end of a veth pair inside a
# private network namespace and replays a capture into the other end with tcpreplay at rising
# packet rates; prints, per rate, what the sender sent and the sensor's kernel and ring drops.
# Needs root, iproute2, tcpreplay, libpcap. Only the two namespaces it creates see any traffic;
# they are removed at the end.
#   scripts/live-rate.sh [PCAP] [SECONDS] [RATE...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pcap="${1:-$here/samples/atk_psexec.pcap}"; shift || true
secs="${1:-6}"; shift || true
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(50000 100000 150000 200000)
jar="$here/sensor-cli/target/impacket-sensor.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
snd="isr-snd-$$"; sns="isr-sns-$$"; work="$(mktemp -d)"
cleanup() { ip netns del "$snd" 2>/dev/null || true; ip netns del "$sns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$snd"; ip netns add "$sns"
ip link add isrA netns "$snd" type veth peer name isrB netns "$sns"
for ns in "$snd" "$sns"; do ip -n "$ns" link set lo up; done
ip -n "$snd" link set isrA up; ip -n "$sns" link set isrB up
# Real packets, not offload super-frames (as on a sensor NIC).
ip netns exec "$snd" ethtool -K isrA tso off gso off gro off >/dev/null 2>&1 || true
ip netns exec "$sns" ethtool -K isrB tso off gso off gro off >/dev/null 2>&1 || true
printf '%-10s %-12s %-14s %-14s %-12s\n' rate_pps sent_pps kernel_drops ring_drops sensor_pkts
for r in "${rates[@]}"; do
  log="$work/live-$r.log"
  ip netns exec "$sns" java -jar "$jar" live -i isrB --eve '' --http '' --state-dir "$work/state-$r" \
      --buffer-size 64 --stats-interval 0 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q "capturing on" "$log" 2>/dev/null && break; sleep 0.1; done
  out=$(ip netns exec "$snd" timeout $((secs + 5)) tcpreplay -i isrA --pps="$r" --loop=0 --duration="$secs" "$pcap" 2>&1 || true)
  sent=$(printf '%s\n' "$out" | sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' | head -1)
  sleep 1; kill -TERM "$pid"; wait "$pid" || true
  kdrop=$(sed -n 's/.*kernel \([0-9,]*\) of.*/\1/p' "$log" | tail -1)
  rdrop=$(sed -n 's/.*drops *ring \([0-9,]*\).*/\1/p' "$log" | tail -1)
  pkts=$(sed -n 's/^live[^:]*: \([0-9,]*\) packets.*/\1/p' "$log" | tail -1)
  printf '%-10s %-12s %-14s %-14s %-12s\n' "$r" "${sent:-?}" "${kdrop:-?}" "${rdrop:-?}" "${pkts:-?}"
done
