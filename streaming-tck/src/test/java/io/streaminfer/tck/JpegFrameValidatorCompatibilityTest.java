package io.streaminfer.tck;

import io.streaminfer.core.FrameValidator;

class JpegFrameValidatorCompatibilityTest extends FrameValidatorCompatibilityKit {

    @Override
    protected FrameValidator validator(long maxBytes) {
        return FrameValidator.jpeg(maxBytes);
    }
}
