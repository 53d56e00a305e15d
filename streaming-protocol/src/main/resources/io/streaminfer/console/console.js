// The web console: streams a camera, a video file or a looped sample to a pipeline and draws
// what comes back, or watches a source the server pulls itself (an RTSP camera...) and draws its
// frames and results. Plain ES module, no dependencies.

const MAX_UNANSWERED = 4;          // frames sent but not yet answered; beyond this the page waits
const RAMP_UP_QUIET_MS = 5000;     // adaptive mode steps back up after this long without slow_down
const RAMP_UP_FACTOR = 1.2;
const RECONNECT_MAX_MS = 15000;
const FATAL_CLOSE_CODES = new Set([1003, 1007, 1008, 1009, 1011]); // the server said why: do not retry

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const state = {
  ws: null,
  running: false,
  pipeline: null,
  nextIndex: 1,
  unanswered: new Map(),           // frame_index -> time sent (ms)
  encoding: false,
  targetFps: 10,                   // what the user asked for
  currentFps: 10,                  // what adaptive mode sends now
  lastSlowDown: 0,
  reconnectDelay: 1000,
  timer: null,
  sentTimes: [],
  resultTimes: [],
  answers: 0,
  dropped: 0,
  results: 0,
  slowDowns: 0,
  latencies: [],
  lastResult: null,
  source: null,
  watching: null,                  // the id of the server source being watched, else null
  watchFrame: null,                // the newest frame of that source, as an ImageBitmap
  watchQueue: Promise.resolve(),   // a watcher's messages, handled in order (decoding a frame is async)
};

const display = $('display');
const displayContext = display.getContext('2d');
const capture = document.createElement('canvas');
const captureContext = capture.getContext('2d');

// ---- pipelines ------------------------------------------------------------------------------

async function loadPipelines() {
  const select = $('pipeline');
  let pipelines = [];
  try {
    const response = await fetch('api/pipelines');
    pipelines = await response.json();
  } catch (e) {
    showError('could not load the pipeline list: ' + e);
  }
  for (const p of pipelines) {
    const option = document.createElement('option');
    option.value = p.id;
    option.textContent = p.available ? p.id : `${p.id} (unavailable)`;
    option.disabled = !p.available;
    if (!p.available) option.title = p.reason;
    select.append(option);
  }
  const wanted = params.get('pipeline');
  if (wanted && !pipelines.some((p) => p.id === wanted)) {
    // a deep link to a pipeline this server does not list: keep it, the server will say why
    const option = document.createElement('option');
    option.value = wanted;
    option.textContent = wanted;
    select.append(option);
  }
  if (wanted) select.value = wanted;
}

// ---- sources --------------------------------------------------------------------------------

// sources the server pulls itself (RTSP cameras, MJPEG URLs, folders): watched, not streamed
async function loadServerSources() {
  let sources = [];
  try {
    // a server with STREAM_AUTH_TOKEN lists its sources only to holders of the token (?token= of this page)
    const headers = params.has('token') ? { Authorization: `Bearer ${params.get('token')}` } : {};
    const response = await fetch('api/sources', { headers });
    if (response.ok) sources = await response.json();
  } catch (e) {
    return; // an older server without sources: the page works as before
  }
  if (sources.length === 0) return;
  const group = document.createElement('optgroup');
  group.label = 'Server sources (watch)';
  for (const s of sources) {
    const option = document.createElement('option');
    option.value = 'watch:' + s.id;
    option.textContent = `${s.id} (${s.pipeline_id}, ${s.state})`;
    option.dataset.pipeline = s.pipeline_id;
    group.append(option);
  }
  $('source').append(group);
}

function watchedSource() {
  const value = $('source').value;
  return value.startsWith('watch:') ? value.slice('watch:'.length) : null;
}

// the frames drawn are the source's own, as its watcher endpoint sends them before each result
function watchedFrames() {
  return {
    draw: (ctx, w, h) => {
      if (state.watchFrame) {
        ctx.drawImage(state.watchFrame, 0, 0, w, h);
      } else {
        ctx.fillStyle = '#000';
        ctx.fillRect(0, 0, w, h);
      }
    },
    ready: () => false,
    close: () => {},
  };
}

async function openSource(kind, width, height) {
  const video = $('video');
  if (kind === 'camera') {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width, height }, audio: false });
    video.srcObject = stream;
    await video.play();
    return { draw: (ctx, w, h) => ctx.drawImage(video, 0, 0, w, h), ready: () => video.readyState >= 2,
             close: () => stream.getTracks().forEach((t) => t.stop()) };
  }
  if (kind === 'file') {
    const file = $('file').files[0];
    if (!file) throw new Error('choose a video file first');
    video.srcObject = null;
    video.src = URL.createObjectURL(file);
    video.loop = true;
    await video.play();
    return { draw: (ctx, w, h) => ctx.drawImage(video, 0, 0, w, h), ready: () => video.readyState >= 2,
             close: () => { video.pause(); URL.revokeObjectURL(video.src); } };
  }
  const image = new Image();
  image.src = 'sample.jpg';
  await image.decode();
  const started = performance.now();
  return {
    draw: (ctx, w, h) => {
      // a slow pan, so that motion has something to find
      const t = (performance.now() - started) / 1000;
      const dx = Math.round(Math.sin(t) * w * 0.05);
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, w, h);
      ctx.drawImage(image, dx, 0, w, h);
    },
    ready: () => true,
    close: () => {},
  };
}

// ---- connection -----------------------------------------------------------------------------

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  let url = state.watching
    ? `${scheme}://${location.host}/ws/sources/${encodeURIComponent(state.watching)}?frames=true`
    : `${scheme}://${location.host}/ws/video/stream?pipeline_id=${encodeURIComponent(state.pipeline)}`;
  if (params.has('token')) url += `&access_token=${encodeURIComponent(params.get('token'))}`; // browsers cannot set headers
  const ws = new WebSocket(url);
  zoneState.geometry = null; // a new session: its track ids and counts start over
  zoneState.counts = null;
  zoneState.trails.clear();
  ws.binaryType = 'blob';
  state.ws = ws;
  state.nextIndex = 1;
  state.unanswered.clear();
  ws.onopen = () => {
    setConnection(state.watching ? 'watching' : 'streaming');
    state.reconnectDelay = 1000;
  };
  let frame = null; // a watcher's JPEG, until the result that follows it
  ws.onmessage = (event) => {
    if (!state.watching) {
      handleMessage(JSON.parse(event.data));
      return;
    }
    if (typeof event.data !== 'string') {
      frame = event.data;
      return;
    }
    const message = JSON.parse(event.data);
    const jpeg = frame;
    frame = null;
    state.watchQueue = state.watchQueue.then(async () => {
      if (jpeg && 'result' in message) {
        const bitmap = await createImageBitmap(jpeg);
        if (state.watchFrame) state.watchFrame.close();
        state.watchFrame = bitmap; // the frame and its result are drawn together
      }
      handleMessage(message);
    }).catch((e) => showError('could not show a frame: ' + e));
  };
  ws.onclose = (event) => {
    if (state.ws !== ws) return;
    state.ws = null;
    if (!state.running) return;
    if (FATAL_CLOSE_CODES.has(event.code)) {
      setConnection('error');
      stop(false);
      return;
    }
    setConnection('reconnecting');
    const delay = state.reconnectDelay;
    state.reconnectDelay = Math.min(RECONNECT_MAX_MS, state.reconnectDelay * 2);
    setTimeout(() => { if (state.running && !state.ws) connect(); }, delay);
  };
}

function handleMessage(message) {
  const now = performance.now();
  if ('frame_index' in message && !('error' in message)) {
    const sentAt = state.unanswered.get(message.frame_index);
    state.unanswered.delete(message.frame_index);
    state.answers++;
    if (message.dropped) {
      state.dropped++;
    } else {
      state.results++;
      state.resultTimes.push(now);
      if (sentAt !== undefined) {
        state.latencies.push(now - sentAt);
        if (state.latencies.length > 200) state.latencies.shift();
      }
      state.lastResult = message.result;
      rememberTracks(message.result);
      showDetections(message.result);
    }
    return;
  }
  if (message.warning === 'slow_down') {
    state.slowDowns++;
    state.lastSlowDown = now;
    $('stat-recommended-fps').textContent = message.recommended_fps;
    if ($('adaptive').checked && message.recommended_fps < state.currentFps) {
      state.currentFps = Math.max(1, message.recommended_fps);
    }
    return;
  }
  if ('error' in message) {
    if ('frame_index' in message) state.unanswered.delete(message.frame_index);
    showError(`${message.error}: ${message.detail}`);
  }
}

// ---- sending --------------------------------------------------------------------------------

function scheduleNext() {
  if (!state.running) return;
  state.timer = setTimeout(() => { sendFrame(); scheduleNext(); }, 1000 / state.currentFps);
}

function sendFrame() {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN || state.encoding || !state.source.ready()) return;
  if (state.unanswered.size >= MAX_UNANSWERED) return; // the browser must not queue frames
  state.source.draw(captureContext, capture.width, capture.height);
  state.encoding = true;
  capture.toBlob((blob) => {
    state.encoding = false;
    if (!blob || state.ws !== ws || ws.readyState !== WebSocket.OPEN) return;
    const index = state.nextIndex++;
    state.unanswered.set(index, performance.now());
    state.sentTimes.push(performance.now());
    ws.send(blob);
  }, 'image/jpeg', Number($('quality').value));
}

// ---- drawing and statistics -----------------------------------------------------------------

function render() {
  if (state.source) {
    state.source.draw(displayContext, display.width, display.height);
    drawBoxes(state.lastResult);
  }
  requestAnimationFrame(render);
}

// ---- tracks, zones and counts (the track and zones steps) ------------------------------------

const TRAIL_POINTS = 20;           // a track's trail: its last positions (bottom centre)
const zoneState = { geometry: null, trails: new Map(), counts: null };

function rememberTracks(result) {
  if (!result) return;
  const geometry = Object.values(result).find((v) => v && typeof v === 'object' && v.geometry)?.geometry;
  if (geometry) zoneState.geometry = geometry;
  if (result.counts) zoneState.counts = result.counts;
  const seen = new Set();
  for (const d of result.detections ?? []) {
    if (d.track_id === undefined) continue;
    seen.add(d.track_id);
    const trail = zoneState.trails.get(d.track_id) ?? [];
    trail.push([(d.x + d.w / 2) / result.width, (d.y + d.h) / result.height]);
    if (trail.length > TRAIL_POINTS) trail.shift();
    zoneState.trails.set(d.track_id, trail);
  }
  for (const id of [...zoneState.trails.keys()]) {
    if (!seen.has(id) && zoneState.trails.size > 50) zoneState.trails.delete(id); // forget old tracks
  }
  showCounts();
}

function drawZones() {
  const g = zoneState.geometry;
  const w = display.width;
  const h = display.height;
  displayContext.lineWidth = 2;
  displayContext.font = '13px system-ui, sans-serif';
  if (g) {
    for (const zone of g.zones ?? []) {
      displayContext.beginPath();
      zone.polygon.forEach(([x, y], i) => (i ? displayContext.lineTo(x * w, y * h) : displayContext.moveTo(x * w, y * h)));
      displayContext.closePath();
      displayContext.fillStyle = 'rgba(49, 130, 206, 0.15)';
      displayContext.fill();
      displayContext.strokeStyle = '#3182ce';
      displayContext.stroke();
      displayContext.fillStyle = '#3182ce';
      displayContext.fillText(zone.name, zone.polygon[0][0] * w + 4, zone.polygon[0][1] * h + 14);
    }
    for (const line of g.lines ?? []) {
      displayContext.strokeStyle = '#d69e2e';
      displayContext.beginPath();
      displayContext.moveTo(line.from[0] * w, line.from[1] * h);
      displayContext.lineTo(line.to[0] * w, line.to[1] * h);
      displayContext.stroke();
      displayContext.fillStyle = '#d69e2e';
      displayContext.fillText(line.name, line.from[0] * w + 4, line.from[1] * h - 4);
    }
  }
  for (const [id, trail] of zoneState.trails) {
    if (trail.length < 2) continue;
    displayContext.strokeStyle = colorFor('track ' + id);
    displayContext.beginPath();
    trail.forEach(([x, y], i) => (i ? displayContext.lineTo(x * w, y * h) : displayContext.moveTo(x * w, y * h)));
    displayContext.stroke();
  }
}

function showCounts() {
  const list = $('counts');
  if (!list || !zoneState.counts) return;
  const items = Object.entries(zoneState.counts).map(([name, c]) => {
    const item = document.createElement('li');
    item.dataset.name = name;
    item.textContent = c.inside !== undefined ? `${name}: ${c.inside} inside` : `${name}: ${c.in} in, ${c.out} out`;
    return item;
  });
  list.replaceChildren(...items);
}

function drawBoxes(result) {
  if (!result || !Array.isArray(result.detections) || !result.width) return;
  drawZones();
  const sx = display.width / result.width;
  const sy = display.height / result.height;
  displayContext.lineWidth = 2;
  displayContext.font = '14px system-ui, sans-serif';
  for (const d of result.detections) {
    const color = colorFor(d.label);
    displayContext.strokeStyle = color;
    displayContext.strokeRect(d.x * sx, d.y * sy, d.w * sx, d.h * sy);
    const caption = (d.track_id !== undefined ? `#${d.track_id} ` : '')
      + (d.text ? `${d.label}: ${d.text}` : `${d.label} ${Math.round(d.score * 100)}%`);
    const width = displayContext.measureText(caption).width + 8;
    const left = Math.max(0, Math.min(d.x * sx, display.width - width)); // keep the caption on the picture
    displayContext.fillStyle = color;
    displayContext.fillRect(left, Math.max(0, d.y * sy - 18), width, 18);
    displayContext.fillStyle = '#fff';
    displayContext.fillText(caption, left + 4, Math.max(13, d.y * sy - 5));
    drawLandmarks(d, color, sx, sy);
  }
}

// faces on RetinaFace carry five landmarks as [x, y] in frame pixels
const LANDMARKS = ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'];

function drawLandmarks(d, color, sx, sy) {
  displayContext.fillStyle = color;
  for (const name of LANDMARKS) {
    const point = d[name];
    if (!Array.isArray(point) || point.length !== 2) continue;
    displayContext.beginPath();
    displayContext.arc(point[0] * sx, point[1] * sy, 3, 0, 2 * Math.PI);
    displayContext.fill();
  }
}

// fixed colours for the usual labels; any other label (the 80 COCO classes, a model's own)
// gets a stable colour from its name
function colorFor(label) {
  const colors = { face: '#e53e3e', qr: '#2b6cb0', barcode: '#2c7a7b', text: '#b7791f', motion: '#38a169', person: '#dd6b20' };
  if (colors[label]) return colors[label];
  let hash = 0;
  for (const c of String(label)) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360}, 65%, 42%)`;
}

function showDetections(result) {
  const list = $('detections');
  const items = (result.detections ?? []).map((d) => {
    const item = document.createElement('li');
    item.dataset.label = d.label;
    if (d.text !== undefined) item.dataset.text = d.text;
    if (d.track_id !== undefined) item.dataset.track = d.track_id;
    item.textContent = `${d.track_id !== undefined ? '#' + d.track_id + ' ' : ''}${d.label}${d.text ? ': ' + d.text : ''} (${d.x}, ${d.y}, ${d.w}x${d.h}, ${Math.round(d.score * 100)}%)`;
    return item;
  });
  list.replaceChildren(...items);
}

function percentile(values, q) {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

function rate(times, now) {
  while (times.length && times[0] < now - 2000) times.shift();
  return (times.length / 2).toFixed(1);
}

function tick() {
  const now = performance.now();
  if (state.running && $('adaptive').checked && state.currentFps < state.targetFps
      && now - state.lastSlowDown > RAMP_UP_QUIET_MS) {
    state.currentFps = Math.min(state.targetFps, Math.max(state.currentFps + 1, state.currentFps * RAMP_UP_FACTOR));
    state.lastSlowDown = now; // one step per quiet period
  }
  $('stat-target-fps').textContent = state.running && !state.watching ? state.currentFps.toFixed(1) : '0';
  $('stat-sent-fps').textContent = rate(state.sentTimes, now);
  $('stat-results-fps').textContent = rate(state.resultTimes, now);
  $('stat-results').textContent = state.results;
  $('stat-dropped-pct').textContent = state.answers ? (100 * state.dropped / state.answers).toFixed(1) : '0';
  $('stat-latency-p50').textContent = percentile(state.latencies, 0.5);
  $('stat-latency-p95').textContent = percentile(state.latencies, 0.95);
  $('stat-slowdowns').textContent = state.slowDowns;
}

// ---- start / stop ---------------------------------------------------------------------------

function showError(text) {
  const banner = $('error');
  banner.textContent = text;
  banner.hidden = false;
}

function setConnection(text) {
  const badge = $('connection');
  badge.textContent = text;
  badge.dataset.state = text;
}

async function start() {
  $('error').hidden = true;
  state.watching = watchedSource();
  if (state.watching) {
    state.source = watchedFrames();
    state.watchFrame = null;
    Object.assign(state, { answers: 0, dropped: 0, results: 0, slowDowns: 0, latencies: [], sentTimes: [], resultTimes: [] });
    state.running = true;
    $('start').disabled = true;
    $('stop').disabled = false;
    connect(); // nothing to send: the server reads the camera
    return;
  }
  const [width, height] = $('resolution').value.split('x').map(Number);
  capture.width = width;
  capture.height = height;
  try {
    state.source = await openSource($('source').value, width, height);
  } catch (e) {
    showError('could not open the source: ' + e.message);
    return;
  }
  state.pipeline = $('pipeline').value;
  state.targetFps = Math.max(1, Number($('fps').value) || 10);
  state.currentFps = state.targetFps;
  state.lastSlowDown = performance.now();
  Object.assign(state, { answers: 0, dropped: 0, results: 0, slowDowns: 0, latencies: [], sentTimes: [], resultTimes: [] });
  state.running = true;
  $('start').disabled = true;
  $('stop').disabled = false;
  connect();
  scheduleNext();
}

function stop(closeSocket = true) {
  state.running = false;
  clearTimeout(state.timer);
  if (closeSocket && state.ws) {
    const ws = state.ws;
    state.ws = null;
    ws.close(1000, 'stopped');
    setConnection('idle');
  }
  $('start').disabled = false;
  $('stop').disabled = true;
}

$('start').addEventListener('click', start);
$('stop').addEventListener('click', () => stop(true));
function sourceChanged() {
  $('file-label').hidden = $('source').value !== 'file';
  const watched = $('source').selectedOptions[0];
  const watching = watchedSource() !== null;
  // a server source runs its own pipeline at its own rate: these controls do not apply
  for (const name of ['pipeline', 'fps', 'quality', 'resolution', 'adaptive']) $(name).disabled = watching;
  if (watching && watched.dataset.pipeline) $('pipeline').title = `this source runs ${watched.dataset.pipeline}`;
}
$('source').addEventListener('change', sourceChanged);
for (const name of ['source', 'fps', 'quality', 'resolution']) {
  if (params.has(name)) $(name).value = params.get(name);
}
if (params.has('adaptive')) $('adaptive').checked = params.get('adaptive') !== 'false';

await loadPipelines();
await loadServerSources();
if (params.has('source')) $('source').value = params.get('source'); // a server source is listed only now
sourceChanged();
setInterval(tick, 250);
requestAnimationFrame(render);
if (params.get('autostart') === '1') start();
