#!/usr/bin/env bash
# What an operator sees: a real Prometheus server (Debian's `prometheus` package) scraping the
# demo's services under steady traffic (a consumer and two providers, each with Farcall's admin
# endpoint), then a screenshot of its graphs of Farcall's metrics taken with headless Chromium.
#
#   ./mvnw -B -q -DskipTests package && ops/prometheus/run.sh [seconds of traffic] [out.png]
#
# Everything listens on 127.0.0.1 (Prometheus on 19090, admin endpoints on 19464-19466) and stops
# when the script ends, Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/../.."
traffic_seconds=${1:-150}
out=${2:-ops/prometheus/prometheus-graphs.png}
agent=rpc-agent/target/rpc-agent.jar
demo=demo/target/farcall-demo.jar
for f in "$agent" "$demo"; do
  [ -f "$f" ] || { echo "missing $f: run ./mvnw -B -q -DskipTests package first" >&2; exit 2; }
done
for tool in prometheus chromium; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  exec 3>&- 2>/dev/null || true # the providers read their input until it closes
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

prometheus --config.file=ops/prometheus/prometheus.yml --storage.tsdb.path="$work/tsdb" \
  --web.listen-address=127.0.0.1:19090 >"$work/prometheus.log" 2>&1 &
pids+=($!)

mkfifo "$work/providers-input"
exec 3<>"$work/providers-input"
for i in 1 2; do
  java -javaagent:"$agent"=adminport=1946$((4 + i)) -Ddemo.provider="provider-$i" \
    -cp "$demo" io.farcall.demo.provider.ProviderMain <"$work/providers-input" \
    >"$work/provider-$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2; do
  for _ in $(seq 120); do grep -q READY "$work/provider-$i.log" && break; sleep 0.5; done
  grep -q READY "$work/provider-$i.log" || { cat "$work/provider-$i.log" >&2; exit 1; }
done
echo "providers ready; traffic for ${traffic_seconds}s"
java -javaagent:"$agent"=adminport=19464 -cp "$demo" io.farcall.demo.consumer.TrafficMain \
  "$traffic_seconds" 4

# The classic UI's graph page, four panels over the traffic's minutes.
query() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
range="$(((traffic_seconds + 59) / 60))m"
url="http://127.0.0.1:19090/classic/graph?"
n=0
for expr in \
  'sum by (service) (rate(farcall_client_calls_total[20s]))' \
  '1000 * histogram_quantile(0.99, sum by (le, service) (rate(farcall_client_duration_seconds_bucket[20s])))' \
  'sum by (status) (rate(farcall_server_calls_total[20s]))' \
  'sum by (instance) (farcall_server_executor_busy)'; do
  url+="g$n.expr=$(query "$expr")&g$n.tab=0&g$n.range_input=${range}&"
  n=$((n + 1))
done
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,3000 \
  --virtual-time-budget=20000 --screenshot="$out" "$url" 2>"$work/chromium.log" ||
  { cat "$work/chromium.log" >&2; exit 1; }
echo "graphs in $out"
