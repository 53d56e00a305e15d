package io.streaminfer.tck;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session of the {@code delay} pipeline (held for {@link Timeouts#HELD_FRAME}) with one frame
 * known to be in the pipeline and one known to wait behind it, told from the outside only.
 *
 * <p>How it knows, with a queue depth of 1: it sends frames one by one, a poll interval apart,
 * until the last frame sent has pushed the one before it out of the waiting slot (a dropped
 * notice for frame {@code n - 1}: so frame {@code n} arrived and now waits) while an earlier frame
 * {@code i} has no answer at all. Frames leave the waiting slot in arrival order and their notices
 * are sent in that order, so {@code i} was not dropped: it left the slot for the pipeline, where
 * it stays for seconds. Stopping the server answers the waiting frame as dropped at once, which
 * tells the kit the server is draining.
 */
final class HeldSession {

    private static final Duration BETWEEN_FRAMES = Duration.ofMillis(100);

    private final ProtocolClient client;
    private final Map<Long, JsonNode> answers = new TreeMap<>();
    private long sent;
    private long inPipeline;

    private HeldSession(ProtocolClient client) {
        this.client = client;
    }

    /**
     * @param client a client connected to the {@code delay} pipeline of a server whose queue depth is 1
     * @return the session, once a frame is in the pipeline and another waits
     */
    static HeldSession hold(ProtocolClient client) {
        HeldSession held = new HeldSession(client);
        await("a frame in the pipeline and one waiting behind it").atMost(Timeouts.ANSWER)
                .pollInterval(BETWEEN_FRAMES).pollInSameThread().until(() -> {
                    held.readAvailable();
                    held.inPipeline = held.frameLeftForThePipeline();
                    if (held.inPipeline > 0) {
                        return true;
                    }
                    client.sendBinary(SampleFrames.coffee());
                    held.sent++;
                    return false;
                });
        return held;
    }

    /** @return the frame known to be in the pipeline */
    long inPipeline() {
        return inPipeline;
    }

    /**
     * @return a frame that left the waiting slot for the pipeline while the last one sent waits, or
     *         0 while none is known
     */
    private long frameLeftForThePipeline() {
        JsonNode pushedOut = answers.get(sent - 1);
        if (sent < 3 || pushedOut == null || !pushedOut.has("dropped")) {
            return 0;
        }
        for (long index = sent - 2; index >= 1; index--) {
            if (!answers.containsKey(index)) {
                return index;
            }
        }
        return 0;
    }

    /** @return the frame waiting behind the one in the pipeline: the last one sent */
    long waiting() {
        return sent;
    }

    /** @return how many frames were sent */
    long sent() {
        return sent;
    }

    /** @return the client */
    ProtocolClient client() {
        return client;
    }

    /** Waits until the waiting frame is answered as dropped: the server began to drain. */
    void awaitWaitingFrameDropped() {
        await("the waiting frame answered as dropped").atMost(Timeouts.ANSWER).pollInSameThread().until(() -> {
            readAvailable();
            return answers.containsKey(waiting());
        });
        assertThat(answers.get(waiting()).has("dropped")).as("answer to the waiting frame %d: %s", waiting(),
                answers.get(waiting())).isTrue();
    }

    /**
     * Reads every message that came before the close (the close must have come).
     *
     * @return every frame answer of the session by frame index
     */
    Map<Long, JsonNode> answersUntilClosed() {
        client.awaitClose();
        readAvailable();
        return answers;
    }

    private void readAvailable() {
        for (JsonNode message = client.next(Duration.ZERO); message != null; message = client.next(Duration.ZERO)) {
            assertThat(message.has("error")).as("an error on a held session: %s", message).isFalse();
            if (message.has("frame_index")) {
                JsonNode earlier = answers.put(message.get("frame_index").asLong(), message);
                assertThat(earlier).as("frame %s answered twice: %s", message.get("frame_index"), message).isNull();
            }
        }
    }
}
