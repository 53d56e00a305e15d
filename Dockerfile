# The standalone server as a container image.
#
#   ./mvnw -B -q -DskipTests package
#   docker build -t streaminfer/server .
#   docker run --rm -p 8080:8080 -p 127.0.0.1:9090:9090 streaminfer/server
#
# Models are never in the image (the YOLOv8 weights are AGPL-3.0, docs/models.md): fetch them on
# the host with tools/fetch-models and mount them read-only at /models:
#   docker run --rm -p 8080:8080 -v ~/.cache/streaminfer/models:/models:ro streaminfer/server
#
# JRE_IMAGE is any image with a Java 17+ runtime whose `java` is on the PATH (the default is the
# Eclipse Temurin JRE). docker/local-base/build.sh makes one FROM scratch with jlink, for
# machines that reach no registry (our CI does that).
ARG JRE_IMAGE=eclipse-temurin:17-jre
FROM ${JRE_IMAGE}

# the jar and its libraries, as `./mvnw package` lays them out
COPY streaming-app/target/lib/ /opt/streaming/lib/
COPY streaming-app/target/streaming-app.jar /opt/streaming/streaming-app.jar

# Listen on every interface of the container; the management port should stay unpublished or
# private (metrics, sessions). The grace period is shorter than `docker stop`'s default 10 s
# before SIGKILL, so frames in flight are answered and sessions get 1001 first; raise both
# together (docker stop -t, Kubernetes terminationGracePeriodSeconds).
# Memory (docs/operations.md, "Memory"): the process holds its heap, direct buffers and ~300 MiB
# more (metaspace, JIT code, GC structures, threads, the pipelines' native libraries). The heap
# takes 60 % of the container's memory and direct buffers at most 64 MiB (about 16 MiB measured
# under a 64-session flood of 4.9 MiB frames on every runtime), so a container of 900 MiB or more
# holds the worst case; below that, set -Xmx yourself.
ENV STREAM_HOST=0.0.0.0 \
    STREAM_PORT=8080 \
    STREAM_MANAGEMENT_PORT=9090 \
    STREAM_SHUTDOWN_GRACE_S=8 \
    STREAM_LOG_FORMAT=json \
    STREAM_MODELS_DIR=/models \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError"

# any non-root uid works; numeric, so base images without /etc/passwd work too
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080 9090

# no curl needed: the app asks its own /health
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", "/opt/streaming/streaming-app.jar", "health"]

# SIGTERM starts the graceful shutdown (the JVM's shutdown hook). /opt/streaming/ext/ is for your
# own pipeline steps (jars with a StepFactory, see docs/embedding.md): COPY them there.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-cp", "/opt/streaming/streaming-app.jar:/opt/streaming/lib/*:/opt/streaming/ext/*", \
            "io.streaminfer.app.StreamingServerMain"]
