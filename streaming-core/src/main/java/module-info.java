/**
 * The streaming inference core: sessions, frame validation, backpressure and the engine
 * that drives them. JDK only; transports and pipelines plug in through the ports of
 * {@code io.streaminfer.core}.
 */
module io.streaminfer.core {
    exports io.streaminfer.core;
}
