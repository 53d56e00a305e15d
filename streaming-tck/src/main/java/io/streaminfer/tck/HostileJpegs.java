package io.streaminfer.tck;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Builders of JPEGs made to make a decoder spend far more than their bytes suggest: what an
 * adversarial client sends. Each is structurally valid (one start-of-frame, quantization and
 * Huffman tables, scans, end-of-image), so a decoder that trusts the headers really goes to work:
 * the tables hold one one-bit code each (a zero DC difference, an end-of-block), so every block
 * of the image decodes from almost no data, and when the data runs out a decoder like the JDK's
 * warns and fills the rest in.
 *
 * <ul>
 *   <li>{@link #declaredSize(int, int)}: a 152-byte baseline grayscale JPEG declaring any size,
 *       e.g. 46,000 x 46,000 (a decoder asks for 2 GB for its pixels);</li>
 *   <li>{@link #scanBomb()}: progressive, 4096 x 4096, one DC scan and then the same AC scan
 *       25,000 times (650 KB): each scan is a pass over all 262,144 blocks;</li>
 *   <li>{@link #builder()} for anything in between: components, sampling factors, scans.</li>
 * </ul>
 */
public final class HostileJpegs {

    /** The declared side of the tiny bomb that ended the server (46,000 x 46,000 pixels). */
    public static final int HUGE_SIDE = 46_000;

    private HostileJpegs() {
    }

    /**
     * @param width  the declared width, 1 to 65535
     * @param height the declared height, 1 to 65535
     * @return a baseline grayscale JPEG with 16 bytes of scan data: 152 bytes whatever the size
     */
    public static byte[] declaredSize(int width, int height) {
        return builder().size(width, height).build();
    }

    /**
     * @return a progressive grayscale 4096 x 4096 JPEG with one DC scan and 25,000 repeats of
     *         the same AC scan (650 KB)
     */
    public static byte[] scanBomb() {
        return builder().size(4096, 4096).progressive(25_000).build();
    }

    /** @return a builder of a baseline grayscale 64 x 64 JPEG, to change */
    public static Builder builder() {
        return new Builder();
    }

    /** A hostile JPEG to build; every setter returns the builder. */
    public static final class Builder {

        private int width = 64;
        private int height = 64;
        private int[] samplingFactors = {0x11};
        private int acScans = -1; // baseline
        private int scanDataBytes = 16;

        private Builder() {
        }

        /**
         * @param width  the declared width, 1 to 65535 (0 is allowed, to build an empty image)
         * @param height the declared height, 0 to 65535
         * @return this builder
         */
        public Builder size(int width, int height) {
            if (width < 0 || width > 0xFFFF || height < 0 || height > 0xFFFF) {
                throw new IllegalArgumentException("a JPEG side is 0 to 65535, got " + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /**
         * @param samplingFactors one byte per component, horizontal factor in the high nibble and
         *                        vertical in the low one ({@code 0x11} is 1x1, {@code 0x22} 2x2);
         *                        1 to 255 components
         * @return this builder
         */
        public Builder components(int... samplingFactors) {
            if (samplingFactors.length == 0 || samplingFactors.length > 255) {
                throw new IllegalArgumentException("1 to 255 components, got " + samplingFactors.length);
            }
            this.samplingFactors = samplingFactors.clone();
            return this;
        }

        /**
         * Makes it progressive: one DC scan over all components, then, per component, the same
         * first AC scan (coefficients 1 to 63) {@code acScans} times.
         *
         * @param acScans how many AC scans per component, 0 or more
         * @return this builder
         */
        public Builder progressive(int acScans) {
            if (acScans < 0) {
                throw new IllegalArgumentException("acScans must be 0 or more, got " + acScans);
            }
            this.acScans = acScans;
            return this;
        }

        /**
         * @param bytes how many bytes of entropy-coded data each scan carries (zero bits: every
         *              block a zero DC difference and an end-of-block), 16 unless set
         * @return this builder
         */
        public Builder scanDataBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must be 0 or more, got " + bytes);
            }
            this.scanDataBytes = bytes;
            return this;
        }

        /** @return the JPEG */
        public byte[] build() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            marker(out, 0xD8);
            quantizationTable(out);
            startOfFrame(out);
            huffmanTables(out);
            int components = samplingFactors.length;
            if (acScans < 0) {
                for (int first = 0; first < components; first += 4) { // a scan holds at most 4 components
                    scan(out, first, Math.min(4, components - first), 0, 63);
                }
            } else {
                for (int first = 0; first < components; first += 4) {
                    scan(out, first, Math.min(4, components - first), 0, 0);
                }
                for (int c = 0; c < components; c++) {
                    for (int i = 0; i < acScans; i++) {
                        scan(out, c, 1, 1, 63);
                    }
                }
            }
            marker(out, 0xD9);
            return out.toByteArray();
        }

        private static void marker(ByteArrayOutputStream out, int marker) {
            out.write(0xFF);
            out.write(marker);
        }

        private static void segment(ByteArrayOutputStream out, int marker, byte[] body) {
            marker(out, marker);
            out.write((body.length + 2) >> 8);
            out.write(body.length + 2);
            out.write(body, 0, body.length);
        }

        /** Table 0, 8-bit, all ones. */
        private static void quantizationTable(ByteArrayOutputStream out) {
            byte[] body = new byte[65];
            Arrays.fill(body, 1, 65, (byte) 1);
            segment(out, 0xDB, body);
        }

        private void startOfFrame(ByteArrayOutputStream out) {
            int components = samplingFactors.length;
            byte[] body = new byte[6 + 3 * components];
            body[0] = 8;
            body[1] = (byte) (height >> 8);
            body[2] = (byte) height;
            body[3] = (byte) (width >> 8);
            body[4] = (byte) width;
            body[5] = (byte) components;
            for (int c = 0; c < components; c++) {
                body[6 + 3 * c] = (byte) (c + 1);
                body[7 + 3 * c] = (byte) samplingFactors[c];
                body[8 + 3 * c] = 0;
            }
            segment(out, acScans < 0 ? 0xC0 : 0xC2, body);
        }

        /**
         * DC table 0 and AC table 0, each with one code of one bit: {@code 0} is a zero DC
         * difference, and an end-of-block (for a progressive AC scan, a run of one).
         */
        private static void huffmanTables(ByteArrayOutputStream out) {
            byte[] body = new byte[2 * 18];
            for (int table = 0; table < 2; table++) {
                int at = table * 18;
                body[at] = (byte) (table << 4); // class 0 (DC) then 1 (AC), id 0
                body[at + 1] = 1; // one code of length 1
                body[at + 17] = 0x00; // its symbol
            }
            segment(out, 0xC4, body);
        }

        private void scan(ByteArrayOutputStream out, int firstComponent, int count, int start, int end) {
            byte[] body = new byte[4 + 2 * count];
            body[0] = (byte) count;
            for (int i = 0; i < count; i++) {
                body[1 + 2 * i] = (byte) (firstComponent + i + 1);
                body[2 + 2 * i] = 0x00; // DC table 0, AC table 0
            }
            body[1 + 2 * count] = (byte) start;
            body[2 + 2 * count] = (byte) end;
            body[3 + 2 * count] = 0; // successive approximation: first pass, full precision
            segment(out, 0xDA, body);
            out.write(new byte[scanDataBytes], 0, scanDataBytes);
        }
    }
}
