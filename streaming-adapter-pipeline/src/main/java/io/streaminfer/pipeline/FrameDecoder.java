package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineException;

/** Turns JPEG bytes into pixels. Implementations are thread-safe. */
interface FrameDecoder {

    /**
     * @param jpeg a structurally valid JPEG
     * @return its luma plane at full resolution
     * @throws PipelineException when the data cannot be decoded
     */
    LumaImage decodeLuma(byte[] jpeg) throws PipelineException;

    /**
     * @param jpeg a structurally valid JPEG
     * @return its pixels in colour at full resolution
     * @throws PipelineException when the data cannot be decoded
     */
    RgbImage decodeRgb(byte[] jpeg) throws PipelineException;

    /** @return a short name for logs and benchmarks */
    String name();
}
