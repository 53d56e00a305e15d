"""The original Python design, reconstructed from ../../../shared/SPEC.md section 1, for benchmarks only.

Not shipped, not tested: a baseline to measure the Java server against in the same run, on the
same machine, with the same load generator (`bench`). It keeps the original's wire protocol and
its internals as the spec describes them: FastAPI on one uvicorn event loop, one WebSocket per
stream, every frame validated and run through the pipeline inline, in order, and only *afterwards*
"dropped" when it has become stale, so a slow pipeline builds a queue in the socket instead of
shedding load before spending compute.

Run (Debian: apt-get install python3-fastapi python3-uvicorn):

    python3 streaming-benchmarks/baseline/original_server.py --port 18095
"""
import argparse
import asyncio
import json
import time

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
import uvicorn

MAX_FRAME_BYTES = 5 * 1024 * 1024
STALE_AFTER_S = 0.5          # a result older than this (since its frame arrived) is reported as dropped
PIPELINES = ("noop", "delay")
DELAY_S = 0.05

app = FastAPI()


def jpeg_size(frame: bytes):
    """Width and height from the start-of-frame segment, or None when the bytes are not a JPEG."""
    if len(frame) < 4 or frame[0] != 0xFF or frame[1] != 0xD8 or frame[-2] != 0xFF or frame[-1] != 0xD9:
        return None
    pos = 2
    while pos + 4 <= len(frame):
        if frame[pos] != 0xFF:
            return None
        marker = frame[pos + 1]
        length = (frame[pos + 2] << 8) | frame[pos + 3]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = (frame[pos + 5] << 8) | frame[pos + 6]
            width = (frame[pos + 7] << 8) | frame[pos + 8]
            return width, height
        pos += 2 + length
    return None


async def run_pipeline(pipeline_id: str, frame: bytes, size):
    if pipeline_id == "delay":
        await asyncio.sleep(DELAY_S)
    return {"width": size[0], "height": size[1], "detections": [], pipeline_id: {"bytes": len(frame)}}


@app.websocket("/ws/video/stream")
async def stream(websocket: WebSocket):
    pipeline_id = websocket.query_params.get("pipeline_id")
    await websocket.accept()
    if pipeline_id not in PIPELINES:
        await websocket.send_text(json.dumps({"error": "invalid_pipeline", "detail": "unknown pipeline"}))
        await websocket.close(code=1008)
        return
    index = 0
    try:
        while True:
            frame = await websocket.receive_bytes()
            received = time.monotonic()
            index += 1
            if len(frame) > MAX_FRAME_BYTES:
                await websocket.send_text(json.dumps({"error": "frame_too_large", "detail": "frame too large"}))
                await websocket.close(code=1009)
                return
            size = jpeg_size(frame)
            if size is None:
                await websocket.send_text(json.dumps({"error": "invalid_frame", "detail": "not a JPEG",
                                                      "frame_index": index}))
                await websocket.close(code=1007)
                return
            result = await run_pipeline(pipeline_id, frame, size)      # every frame, inline
            if time.monotonic() - received > STALE_AFTER_S:                # "dropped" only afterwards
                await websocket.send_text(json.dumps({"frame_index": index, "dropped": True}))
            else:
                await websocket.send_text(json.dumps({"frame_index": index, "result": result}))
    except WebSocketDisconnect:
        return


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18095)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", ws_max_size=MAX_FRAME_BYTES + 1024)
