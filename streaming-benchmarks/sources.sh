#!/usr/bin/env bash
# The sources benchmark of docs/benchmarks.md ("Sources: cameras per core at 10 fps through
# `motion`"): how many RTSP cameras the server pulls itself (STREAM_SOURCES) and runs through a
# pipeline, per core of CPU, while every camera keeps its frame rate. One run, on a quiet machine:
#   1. makes a camera-like clip once per size (cached in $CLIPS): the sample photo coffee.jpg as a
#      fixed scene, astronaut.jpg (a third of the frame's height) crossing it every ~7 s, temporal
#      noise like a sensor's; H.264 (libx264 veryfast, main profile, no B-frames, a key frame every
#      2 s, about 1 Mbit/s at 640x480 and 2 Mbit/s at 1280x720, like a camera's substream and main
#      stream), $CAMERA_FPS fps, $CLIP_SECONDS s: longer than a run, so no source reaches the
#      clip's end and reconnects while it is measured
#   2. serves it with the TCK's GStreamer RTSP server (rtsp-test-server.py, every client gets its
#      own pipeline from the clip's start): this is the "camera", its CPU is shown but not counted
#   3. the floor: FFmpeg alone on one stream, with the exact command a source runs
#      (FfmpegReader.command: decode, keep <= fps frames a second, encode them as MJPEG) writing to
#      /dev/null, and FFmpeg decoding only (-f null), so the H.264 decode's share is visible
#   4. for N in $COUNTS: the server jar with N sources of that URL, pipeline $PIPELINE, fps $FPS;
#      waits until all are connected, warms up $WARMUP s, then measures $WINDOW s: frames processed
#      per second per source (mean, min), dropped %, and CPU from /proc/<pid>/stat (utime+stime):
#      the JVM's own, its FFmpeg children's (live ones plus the JVM's cutime+cstime for any that
#      were reaped) and the RTSP server's. Stops after two N in a row that do not keep up.
# A source "keeps up" when its slowest camera is processed at >= 95 % of the rate FFmpeg's select
# filter lets through: the fps asked, or the camera's own rate when that is lower.
# Needs: ./mvnw -B -o -q -DskipTests package (streaming-app/target/streaming-app.jar), Debian's
# ffmpeg and /usr/bin/python3 with GStreamer's RTSP server (RtspServer.PACKAGES in streaming-tck).
# Writes everything (logs, /sources snapshots, rows as JSON lines, the table) to $OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
OUT="${OUT:-/tmp/sources-$(date +%Y%m%d-%H%M)}"
CLIPS="${CLIPS:-${XDG_CACHE_HOME:-$HOME/.cache}/streaminfer/clips}"
SIZES="${SIZES:-640x480 1280x720}"      # camera streams, one sweep each
COUNTS="${COUNTS:-1 2 4 8 12 16 20 24 32}" # sources per run
CAMERA_FPS="${CAMERA_FPS:-25}"
FPS="${FPS:-10}"                        # each source's fps
PIPELINE="${PIPELINE:-motion}"
CLIP_SECONDS="${CLIP_SECONDS:-300}"
WARMUP="${WARMUP:-15}"
WINDOW="${WINDOW:-30}"
JAR="$ROOT/streaming-app/target/streaming-app.jar"
FRAMES="$ROOT/streaming-tck/src/main/resources/io/streaminfer/tck/frames"
RTSP_SCRIPT="$ROOT/streaming-tck/src/main/resources/io/streaminfer/tck/rtsp-test-server.py"
PY=/usr/bin/python3 # Debian's: GStreamer's bindings are not in other interpreters
mkdir -p "$OUT" "$CLIPS"
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -o -q -DskipTests package" >&2; exit 1; }
echo "results in $OUT; load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
TICK=$(getconf CLK_TCK)

# What we started, stopped on any exit (by pid only: other people's servers may be running).
rtsp="" server="" floor=""
cleanup() {
  for pid in $floor $server $rtsp; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# CPU ticks (utime+stime) of a process; with "reaped", plus those of its children it has waited for.
# The fields are counted after the ")" that ends the command name.
ticks() {
  local pid=$1 reaped=${2:-}
  sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk -v r="$reaped" '{ print $12 + $13 + (r ? $14 + $15 : 0) }' || echo 0
}
# CPU ticks of the JVM's FFmpeg children: the live ones, plus the ones it has reaped (JVM's cutime+cstime).
ffmpeg_ticks() {
  local jvm=$1 sum pid
  sum=$(sed 's/.*) //' "/proc/$jvm/stat" | awk '{ print $14 + $15 }')
  for pid in $(pgrep -P "$jvm" -x ffmpeg || true); do sum=$((sum + $(ticks "$pid"))); done
  echo "$sum"
}
# CPU ticks the whole machine has been busy (all but idle and iowait), to see other people's load.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# FFmpeg's command for a source, word for word as FfmpegReader.command builds it for an rtsp:// URL
# (the filter's single quotes and backslash go to FFmpeg's filter parser, as from Java).
source_command() {
  local url=$1 interval
  interval=$(awk -v fps="$FPS" 'BEGIN { printf "%.4f", 0.9 / fps }')
  SOURCE_COMMAND=(ffmpeg -hide_banner -nostdin -loglevel error -rtsp_transport tcp -timeout 10000000
    -analyzeduration 1000000 -i "$url" -an -sn -dn
    -vf "select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,$interval)'"
    -fps_mode vfr -pix_fmt yuvj420p -c:v mjpeg -q:v 5 -f image2pipe pipe:1)
}

# 1. The clip, once per size and rate.
make_clip() {
  local size=$1 w=${1%x*} h=${1#*x} clip rate
  clip="$CLIPS/camera-$size-${CAMERA_FPS}fps-${CLIP_SECONDS}s.mp4"
  rate=$(( w * h >= 1280 * 720 ? 2000 : 1000 ))k
  if [ ! -s "$clip" ]; then
    echo "making $clip (takes a minute or two)" >&2
    ffmpeg -hide_banner -loglevel error -y -loop 1 -framerate "$CAMERA_FPS" -i "$FRAMES/coffee.jpg" \
      -loop 1 -framerate "$CAMERA_FPS" -i "$FRAMES/astronaut.jpg" -filter_complex \
      "[0]scale=$w:$h:force_original_aspect_ratio=increase,crop=$w:$h,setsar=1,noise=alls=8:allf=t[scene];
       [1]scale=-2:$((h / 3))[walker];
       [scene][walker]overlay=x='mod(t*$((w * 3 / 20)),W+w)-w':y='(H-h)/2+(H/8)*sin(t)'" \
      -t "$CLIP_SECONDS" -r "$CAMERA_FPS" -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p \
      -g $((CAMERA_FPS * 2)) -bf 0 -b:v "$rate" -maxrate "$rate" -bufsize "$((2 * ${rate%k}))k" \
      -movflags +faststart "$clip.part.mp4"
    mv "$clip.part.mp4" "$clip"
  fi
  echo "$clip"
}

# One /sources snapshot plus CPU counters, as one JSON object.
snapshot() {
  local mgmt=$1 jvm=$2
  printf '{"t": %s, "jvm": %s, "ffmpeg": %s, "rtsp": %s, "busy": %s, "sources": %s}\n' "$(date +%s.%N)" \
    "$(ticks "$jvm")" "$(ffmpeg_ticks "$jvm")" "$(ticks "$rtsp" reaped)" "$(busy_ticks)" \
    "$(curl -sf "http://127.0.0.1:$mgmt/sources")"
}

# The table row (and a JSON line) from two snapshots.
row() {
  "$PY" - "$@" <<'PY'
import json, math, sys
size, n, before, after, tick, fps, camera_fps, out = sys.argv[1:9]
n, tick, fps, camera_fps = int(n), int(tick), float(fps), float(camera_fps)
a, b = json.load(open(before)), json.load(open(after))
dt = b["t"] - a["t"]
sa = {s["id"]: s for s in a["sources"]}
rates, frames_in, dropped, skipped, failed, reconnects = [], 0, 0, 0, 0, 0
for s in b["sources"]:
    p = sa[s["id"]]
    rates.append((s["processed"] - p["processed"]) / dt)
    frames_in += s["frames_in"] - p["frames_in"]
    dropped += s["dropped"] - p["dropped"]
    skipped += s["skipped"] - p["skipped"]
    failed += s["failed"] - p["failed"]
    reconnects += s["connections"] - p["connections"]
# what FFmpeg's select lets through: the first frame of each 1/fps slot, so fps (at most the camera's)
expected = min(fps, camera_fps)
jvm, ffm, cam, busy = ((b[k] - a[k]) / tick / dt for k in ("jvm", "ffmpeg", "rtsp", "busy"))
total = jvm + ffm
others = busy - total - cam  # everything else on the machine: other people's builds, this script
keeps_up = len(rates) == n and min(rates) >= 0.95 * expected and reconnects == 0
r = {"size": size, "sources": n, "seconds": round(dt, 1), "fps_mean": sum(rates) / n, "fps_min": min(rates),
     "expected_fps": expected, "dropped_pct": 100 * dropped / max(frames_in, 1), "skipped": skipped,
     "failed": failed, "reconnects": reconnects, "jvm_cores": jvm, "ffmpeg_cores": ffm, "total_cores": total,
     "camera_cores": cam, "other_cores": others, "keeps_up": keeps_up, "sources_per_core": n / total if keeps_up else None}
with open(out, "a") as f:
    f.write(json.dumps(r) + "\n")
print("| %s | %d | %.2f / %.2f | %.1f | %d | %.2f | %.2f | %.2f | %s | %.2f | %.2f |" % (
    size, n, r["fps_mean"], r["fps_min"], r["dropped_pct"], skipped, jvm, ffm, total,
    "%.1f" % r["sources_per_core"] if keeps_up else "none: too slow", cam, others))
sys.exit(0 if keeps_up else 3)
PY
}

# 3. The floor: one FFmpeg as a source runs it, and one decoding only, each alone for $WINDOW s.
floor_row() {
  local label=$1 size=$2; shift 2
  "$@" > /dev/null 2> "$OUT/floor-$size-$label.log" &
  floor=$!
  sleep 5 # connected, past the first key frame
  local t0 c0 b0 t1 c1 b1
  t0=$(date +%s.%N); c0=$(ticks "$floor"); b0=$(busy_ticks)
  sleep "$WINDOW"
  t1=$(date +%s.%N); c1=$(ticks "$floor"); b1=$(busy_ticks)
  kill "$floor"; wait "$floor" 2>/dev/null || true; floor=""
  awk -v c="$((c1 - c0))" -v b="$((b1 - b0))" -v dt="$(echo "$t1 - $t0" | bc -l)" -v hz="$TICK" -v size="$size" \
    -v label="$label" 'BEGIN { printf "| %s | %s | %.3f | %.2f |\n", size, label, c / hz / dt, (b - c) / hz / dt }'
}

ROWS="$OUT/rows.jsonl"
TABLE="$OUT/table.md"
: > "$ROWS"
for size in $SIZES; do
  clip=$(make_clip "$size")
  echo "clip: $clip ($(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,profile,width,height,r_frame_rate,bit_rate \
    -of compact=p=0:nk=0 "$clip"))" | tee -a "$TABLE"

  # 2. The camera.
  "$PY" "$RTSP_SCRIPT" "$clip" 0 > "$OUT/rtsp-$size.log" 2>&1 &
  rtsp=$!
  for _ in $(seq 1 30); do grep -q '^PORT ' "$OUT/rtsp-$size.log" && break; sleep 0.5; done
  url="rtsp://127.0.0.1:$(awk '/^PORT /{ print $2; exit }' "$OUT/rtsp-$size.log")/clip"

  # 3. The floor.
  {
    echo; echo "| camera | FFmpeg alone, one stream, $WINDOW s | CPU cores | everything else on the machine, cores |"
    echo "|---|---|---|---|"
    source_command "$url"
    floor_row "as-a-source" "$size" "${SOURCE_COMMAND[@]}"
    floor_row "decode-only" "$size" ffmpeg -hide_banner -nostdin -loglevel error -rtsp_transport tcp -timeout 10000000 \
      -analyzeduration 1000000 -i "$url" -an -sn -dn -f null -
  } | tee -a "$TABLE"

  # 4. The server with N sources.
  {
    echo; echo "| camera | sources | processed fps per source, mean / min | dropped % | skipped | JVM cores | FFmpeg cores | total cores | sources per core | camera (RTSP server) cores, not counted | everything else on the machine, cores |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  } | tee -a "$TABLE"
  misses=0
  for n in $COUNTS; do
    "$PY" -c 'import json, sys; n, url, pipeline, fps = sys.argv[1:]; print(json.dumps([{"id": "cam%02d" % i, "url": url,
        "pipeline_id": pipeline, "fps": float(fps)} for i in range(1, int(n) + 1)], indent=1))' "$n" "$url" "$PIPELINE" "$FPS" \
      > "$OUT/sources-$size-$n.json"
    mgmt=$(free_port)
    STREAM_HOST=127.0.0.1 STREAM_PORT=0 STREAM_MANAGEMENT_PORT=$mgmt STREAM_LOG_LEVEL=warn STREAM_SHUTDOWN_GRACE_S=1 \
      STREAM_MAX_SESSIONS=1000 STREAM_SOURCES="$OUT/sources-$size-$n.json" \
      java -jar "$JAR" > "$OUT/server-$size-$n.log" 2>&1 &
    server=$!
    connected=0
    for _ in $(seq 1 120); do
      connected=$(curl -sf "http://127.0.0.1:$mgmt/sources" 2>/dev/null | "$PY" -c 'import json, sys
print(sum(s["state"] == "connected" and s["frames_in"] > 0 for s in json.load(sys.stdin)))' 2>/dev/null || echo 0)
      [ "$connected" = "$n" ] && break
      sleep 0.5
    done
    [ "$connected" = "$n" ] || echo "only $connected of $n sources connected" >&2
    sleep "$WARMUP"
    snapshot "$mgmt" "$server" > "$OUT/before-$size-$n.json"
    sleep "$WINDOW"
    snapshot "$mgmt" "$server" > "$OUT/after-$size-$n.json"
    children=$(pgrep -P "$server" -x ffmpeg || true)
    status=0
    row "$size" "$n" "$OUT/before-$size-$n.json" "$OUT/after-$size-$n.json" "$TICK" "$FPS" "$CAMERA_FPS" "$ROWS" \
      | tee -a "$TABLE" || status=$?
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
    for pid in $children; do # a stopped server leaves no FFmpeg behind
      if kill -0 "$pid" 2>/dev/null; then echo "ffmpeg $pid outlived the server" >&2; kill "$pid"; fi
    done
    echo "  load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    # two rows in a row that do not keep up: saturated (one alone may be another process's burst)
    if [ "$status" = 0 ]; then misses=0; else misses=$((misses + 1)); fi
    [ "$misses" -lt 2 ] || break
  done
  kill "$rtsp"; wait "$rtsp" 2>/dev/null || true; rtsp=""
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
