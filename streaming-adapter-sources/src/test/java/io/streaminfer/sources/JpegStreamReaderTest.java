package io.streaminfer.sources;

import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JpegStreamReaderTest {

    private static final List<byte[]> FRAMES = List.of(SampleFrames.coffee(), SampleFrames.astronaut(), SampleFrames.qrScene());

    private static List<byte[]> readAll(InputStream in, int limit) throws IOException {
        JpegStreamReader reader = new JpegStreamReader(in, limit);
        List<byte[]> images = new ArrayList<>();
        byte[] image;
        while ((image = reader.next()) != null) {
            images.add(image);
        }
        return images;
    }

    /** A stream that hands out one byte per read: every block boundary falls somewhere new. */
    private static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @Test
    @DisplayName("real JPEGs back to back come out byte for byte, whether the stream hands out blocks or single bytes")
    void backToBack() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        FRAMES.forEach(stream::writeBytes);
        assertThat(readAll(new ByteArrayInputStream(stream.toByteArray()), 5 << 20)).containsExactlyElementsOf(FRAMES);
        assertThat(readAll(trickle(stream.toByteArray()), 5 << 20)).containsExactlyElementsOf(FRAMES);
    }

    @Test
    @DisplayName("an MJPEG-over-HTTP body: boundaries and part headers between the images are skipped")
    void multipartBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] frame : FRAMES) {
            body.writeBytes(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + frame.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(frame);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(readAll(new ByteArrayInputStream(body.toByteArray()), 5 << 20)).containsExactlyElementsOf(FRAMES);
    }

    @Test
    @DisplayName("an FF D9 inside a segment (a comment here, a thumbnail in a camera's EXIF) does not end the image")
    void endMarkerInsideASegment() throws IOException {
        byte[] jpeg = SampleFrames.coffee();
        byte[] comment = {(byte) 0xFF, (byte) 0xFE, 0, 6, (byte) 0xFF, (byte) 0xD9, (byte) 0xFF, (byte) 0xD8};
        ByteArrayOutputStream withComment = new ByteArrayOutputStream();
        withComment.write(jpeg, 0, 2);
        withComment.writeBytes(comment);
        withComment.write(jpeg, 2, jpeg.length - 2);
        assertThat(readAll(new ByteArrayInputStream(withComment.toByteArray()), 5 << 20))
                .containsExactly(withComment.toByteArray());
    }

    @Test
    @DisplayName("a stream that ends inside an image fails; one past the size limit fails with the limit")
    void brokenAndHuge() {
        byte[] jpeg = SampleFrames.coffee();
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(java.util.Arrays.copyOf(jpeg, jpeg.length / 2)), 5 << 20))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(jpeg), jpeg.length - 1))
                .isInstanceOf(JpegStreamReader.ImageTooLarge.class).hasMessageContaining(String.valueOf(jpeg.length - 1));
    }

    @Test
    @DisplayName("an image of exactly the limit passes; a stream of no image at all ends cleanly")
    void limitsAndEmpty() throws IOException {
        byte[] jpeg = SampleFrames.coffee();
        assertThat(readAll(new ByteArrayInputStream(jpeg), jpeg.length)).containsExactly(jpeg);
        assertThat(readAll(new ByteArrayInputStream("no images here".getBytes(StandardCharsets.US_ASCII)), 1024)).isEmpty();
    }
}
