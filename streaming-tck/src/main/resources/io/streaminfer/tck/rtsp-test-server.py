#!/usr/bin/python3
"""A real RTSP server for tests: serves one H.264 .mp4 at rtsp://127.0.0.1:PORT/clip.

    /usr/bin/python3 rtsp-test-server.py CLIP.mp4 PORT     (PORT 0 = any free port)

Prints "PORT <bound port>" as its first stdout line once it listens, then serves until killed
(SIGTERM or SIGKILL; it has no children). GStreamer's RTSP server (gst-rtsp-server, through
PyGObject), from Debian:
    apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
                    gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
Debian's python3 is needed (the gi module is not in pyenv or virtualenv interpreters).

Every client gets its own pipeline (the factory is not shared), so it gets the clip from its
first frame, in real time; at the clip's end the server sends the end of stream (an RTCP BYE) and
the client sees EOF. Only RTP interleaved in the RTSP TCP connection is offered (no UDP ports):
ffmpeg needs "-rtsp_transport tcp" (without it, it falls back to TCP after UDP is refused).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    clip, port = sys.argv[1], sys.argv[2]
    Gst.init(None)

    factory = GstRtspServer.RTSPMediaFactory()
    # Demux the .mp4, repeat SPS/PPS before every key frame, packetize as RTP (payloader "pay0").
    # The clip path is quoted for gst-launch syntax; keep it free of double quotes.
    factory.set_launch(
        f'( filesrc location="{clip}" ! qtdemux ! h264parse config-interval=-1 '
        f"! rtph264pay name=pay0 pt=96 config-interval=-1 )")
    factory.set_shared(False)  # one pipeline per client: each starts at the clip's beginning
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)  # interleaved only, never UDP

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    server.get_mount_points().add_factory("/clip", factory)
    # attach() binds the socket (raising if the port is taken) and serves on the default context
    if server.attach(None) == 0:
        sys.exit(f"cannot listen on 127.0.0.1:{port}")

    print(f"PORT {server.get_bound_port()}", flush=True)  # flushed: stdout is a pipe in tests
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
