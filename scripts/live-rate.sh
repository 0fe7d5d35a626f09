#!/usr/bin/env bash
# Measures the live capture rate: runs `impacket-sensor live` on one end of a veth pair inside a
# private network namespace and replays a capture into the other end with tcpreplay at rising
# packet rates; prints, per rate, what the sender sent and the sensor's kernel drops, how often
# its capture ring was full (frames then wait in the kernel buffer), and what it received.
# Needs root, iproute2, tcpreplay, libpcap (and tcpdump for RECEIVER=tcpdump). Only the two
# namespaces it creates see any traffic; they are removed at the end.
#   scripts/live-rate.sh [PCAP] [SECONDS] [RATE...]      RATE: packets/s, or "top" (--topspeed)
# Environment:
#   RECEIVER=sensor|tcpdump|none  what captures (default sensor); tcpdump -w /dev/null and no
#                                 receiver at all give the sender's and the kernel's ceiling
#   UNIQUE=1                      tcpreplay --unique-ip: every loop of the capture is a new pair
#                                 of addresses, so every loop is new flows, decoded and detected
#                                 in full (without it, the capture's flows repeat and after the
#                                 first loop the sensor sees retransmissions of closed flows)
#   REPEAT=N                      runs per rate (default 1); quote the median
#   SENSOR_ARGS="..."             extra `live` arguments (default: --eve '' --http '')
#   JAVA_OPTS="..."               the sensor's JVM options (default none: the JVM's default heap;
#                                 the systemd unit runs it with -Xms64m -Xmx1g). The rss_mib and
#                                 peak_mib columns are its resident memory when the sender stops and
#                                 the most it reached (VmRSS, VmHWM)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pcap="${1:-$here/samples/atk_psexec.pcap}"; shift || true
secs="${1:-6}"; shift || true
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(100000 150000 200000 250000 top)
receiver="${RECEIVER:-sensor}"; repeat="${REPEAT:-1}"
sensor_args="${SENSOR_ARGS:---eve '' --http ''}"
java_opts="${JAVA_OPTS:-}"
jar="$here/sensor-cli/target/impacket-sensor.jar"
[ "$receiver" != sensor ] || [ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
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
# -K: the capture is loaded into memory once; without it tcpreplay re-reads the file on every
# loop and, with a small capture, becomes the bottleneck well below 200,000 packets/s.
tr_opts=(-K --loop=0 --duration="$secs")
[ "${UNIQUE:-0}" != 1 ] || tr_opts+=(--unique-ip)
printf '%-9s %-11s %-10s %-12s %-10s %-11s %-8s %-8s %s\n' rate sent_pps sent kernel_drops ring_full received \
    rss_mib peak_mib load
for r in "${rates[@]}"; do
  for i in $(seq 1 "$repeat"); do
    log="$work/rx-$r.log"; : >"$log"
    pid=
    case "$receiver" in
      sensor)
        eval "set -- $sensor_args"
        # shellcheck disable=SC2086 # JVM options are words
        ip netns exec "$sns" java $java_opts -jar "$jar" live -i isrB --state-dir "$work/state-$r-$i" --buffer-size 64 \
            --stats-interval 0 "$@" >"$log" 2>&1 &
        pid=$!
        for _ in $(seq 1 300); do grep -q "capturing on" "$log" 2>/dev/null && break; sleep 0.1; done ;;
      tcpdump)
        ip netns exec "$sns" tcpdump -i isrB -B 65536 -s 65535 -w /dev/null >"$log" 2>&1 &
        pid=$!
        for _ in $(seq 1 100); do grep -q "listening on" "$log" 2>/dev/null && break; sleep 0.1; done ;;
      none) ;;
      *) echo "RECEIVER must be sensor, tcpdump or none" >&2; exit 2 ;;
    esac
    sleep 1
    if [ "$r" = top ]; then rate_opt=--topspeed; else rate_opt="--pps=$r"; fi
    out=$(ip netns exec "$snd" timeout $((secs + 10)) tcpreplay -i isrA "$rate_opt" "${tr_opts[@]}" "$pcap" 2>&1 || true)
    sent_pps=$(printf '%s\n' "$out" | sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' | head -1)
    sent=$(printf '%s\n' "$out" | sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' | head -1)
    load=$(cut -d' ' -f1 /proc/loadavg)
    kdrop=-; ring=-; got=-; rss=-; peak=-
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
      # 'ip netns exec' execs the receiver, so $! is its process.
      rss=$(awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
      peak=$(awk '/^VmHWM:/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
    fi
    if [ -n "$pid" ]; then
      sleep 1; kill -TERM "$pid"; wait "$pid" || true
      if [ "$receiver" = sensor ]; then
        kdrop=$(sed -n 's/.*drops *kernel \([0-9,]*\) of.*/\1/p' "$log" | tail -1)
        ring=$(sed -n 's/.*ring full \([0-9,]*\) times.*/\1/p' "$log" | tail -1)
        got=$(sed -n 's/^live[^:]*: \([0-9,]*\) packets.*/\1/p' "$log" | tail -1)
      else
        kdrop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$log" | tail -1)
        got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$log" | tail -1)
      fi
    fi
    printf '%-9s %-11s %-10s %-12s %-10s %-11s %-8s %-8s %s\n' "$r" "${sent_pps:-?}" "${sent:-?}" "${kdrop:-?}" \
        "${ring:-?}" "${got:-?}" "${rss:-?}" "${peak:-?}" "$load"
  done
done
