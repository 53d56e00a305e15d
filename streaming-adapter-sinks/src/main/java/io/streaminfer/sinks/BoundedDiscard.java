package io.streaminfer.sinks;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads and drops an answer's body, but no more than a limit: past it the subscription is
 * cancelled, which makes the JDK's client close the connection instead of reading on. A webhook's
 * answer only matters by its status; an endpoint that answers megabytes (or never stops) must not
 * make the sink download them for every event. A body within the limit is read to its end, so its
 * connection can be reused.
 */
final class BoundedDiscard implements HttpResponse.BodySubscriber<Void> {

    private final long limit;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private Flow.Subscription subscription; // the client calls one method at a time (reactive streams rule 1.3)
    private long read;

    /** @param limit bytes read at most before the connection is dropped */
    BoundedDiscard(long limit) {
        this.limit = limit;
    }

    /** @return a handler giving each answer a fresh subscriber with {@code limit} */
    static HttpResponse.BodyHandler<Void> handler(long limit) {
        return answer -> new BoundedDiscard(limit);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            read += buffer.remaining();
        }
        if (read > limit) {
            subscription.cancel();
            done.complete(null);
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable failure) {
        done.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }
}
