#!/usr/bin/env bash
# The detector benchmarks of docs/benchmarks.md ("Detectors"), in one run, one after the other on
# a quiet machine:
#   1. JMH DetectorBenchmark: decode / preprocess / bare model run / postprocess / end to end, per
#      model (objects at 640 and 320, faces) and per STREAM_MODEL_THREADS (1, 2)
#   2. the model packages' own Node.js pipelines and a bare onnxruntime-node session.run, same
#      model files, same frames (streaming-benchmarks/baseline/node-detectors)
#   3. the server (app on Tyrus) with the `bench` load generator: 1 and 4 sessions at 30 fps per
#      pipeline, STREAM_MODEL_THREADS 2 (the default on 2 cores) and 1
# Needs: ./mvnw -B -q -DskipTests install, tools/fetch-models yolov8n retinaface_mnet25 yolov8n_320,
# node + npm (the baseline's `npm ci` runs here). Writes everything to $OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
OUT="${OUT:-/tmp/detectors-$(date +%Y%m%d-%H%M)}"
mkdir -p "$OUT"
CP="streaming-benchmarks/target/classes:streaming-benchmarks/target/lib/*"
FRAMES="$ROOT/streaming-tck/src/main/resources/io/streaminfer/tck/frames"
MODELS="${STREAM_MODELS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/streaminfer/models}"
echo "results in $OUT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. JMH (SKIP_JMH=1 to rerun only the rest)
[ -n "${SKIP_JMH:-}" ] || java -cp "$CP" org.openjdk.jmh.Main DetectorBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
  -p threads=1,2 -p model=objects,objects_320,faces -rf json -rff "$OUT/jmh.json" | tee "$OUT/jmh.txt" | grep -E "^Detector|^Benchmark"

# 2. Node.js baseline
( cd streaming-benchmarks/baseline/node-detectors && npm ci --silent --no-audit --no-fund >/dev/null \
  && node bench.mjs --models "$MODELS" --frames "$FRAMES/qr_scene.jpg" --iterations 50 --warmup 5 --threads 2 ) \
  > "$OUT/node.json" 2> "$OUT/node.txt"
cat "$OUT/node.txt"

# 3. The server under 1 and 4 cameras at 30 fps
cat > "$OUT/pipelines.json" <<'JSON'
{"objects": {"steps": [{"step": "objects"}]},
 "objects_320": {"steps": [{"step": "objects", "imgsz": 320}]},
 "faces": {"steps": [{"step": "faces", "engine": "retinaface"}]}}
JSON
for threads in 2 1; do
  STREAM_PORT=18180 STREAM_MANAGEMENT_PORT=18181 STREAM_LOG_LEVEL=warn STREAM_MODEL_THREADS=$threads \
    STREAM_PIPELINES="$OUT/pipelines.json" java -jar streaming-app/target/streaming-app.jar > "$OUT/server-$threads.log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do curl -sf http://127.0.0.1:18181/ready >/dev/null && break; sleep 1; done
  for pipeline in objects objects_320 faces; do
    for sessions in 1 4; do
      java -jar streaming-app/target/streaming-app.jar bench --url ws://127.0.0.1:18180/ws/video/stream \
        -p "$pipeline" -n "$sessions" --fps 30 --duration 20s --warmup 5s --server-pid "$server" --json \
        > "$OUT/bench-$pipeline-$sessions-threads$threads.json"
      echo "threads=$threads $pipeline x$sessions: $(tr -d '\n' < "$OUT/bench-$pipeline-$sessions-threads$threads.json" | head -c 400)"
    done
  done
  kill "$server"; wait "$server" 2>/dev/null || true
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
