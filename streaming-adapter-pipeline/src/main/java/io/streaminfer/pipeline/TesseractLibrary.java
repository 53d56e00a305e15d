package io.streaminfer.pipeline;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.util.Optional;

/**
 * The few functions of libtesseract's C API ({@code tesseract/capi.h}) the ocr step uses,
 * bound with JNA to the system library (Debian's {@code libtesseract5}, pulled in by
 * {@code tesseract-ocr}).
 */
interface TesseractLibrary extends Library {

    /** Result iterator level: a word. */
    int RIL_WORD = 3;
    /** Page segmentation: a single uniform block of text... or fully automatic (3). */
    int PSM_AUTO = 3;

    Pointer TessBaseAPICreate();

    int TessBaseAPIInit3(Pointer handle, String datapath, String language);

    void TessBaseAPISetPageSegMode(Pointer handle, int mode);

    int TessBaseAPISetVariable(Pointer handle, String name, String value);

    void TessBaseAPISetImage(Pointer handle, byte[] imagedata, int width, int height, int bytesPerPixel, int bytesPerLine);

    void TessBaseAPISetRectangle(Pointer handle, int left, int top, int width, int height);

    int TessBaseAPIRecognize(Pointer handle, Pointer monitor);

    Pointer TessBaseAPIGetUTF8Text(Pointer handle);

    Pointer TessBaseAPIGetIterator(Pointer handle);

    void TessBaseAPIClear(Pointer handle);

    void TessBaseAPIEnd(Pointer handle);

    void TessBaseAPIDelete(Pointer handle);

    Pointer TessResultIteratorGetPageIterator(Pointer iterator);

    int TessPageIteratorBoundingBox(Pointer iterator, int level, IntByReference left, IntByReference top,
                                    IntByReference right, IntByReference bottom);

    Pointer TessResultIteratorGetUTF8Text(Pointer iterator, int level);

    float TessResultIteratorConfidence(Pointer iterator, int level);

    int TessResultIteratorNext(Pointer iterator, int level);

    void TessResultIteratorDelete(Pointer iterator);

    void TessDeleteText(Pointer text);

    /** Loads the library once; holds why it failed when it did. */
    final class Loaded {
        private static final Object RESULT = load();

        private Loaded() {
        }

        private static Object load() {
            for (String name : new String[] {"tesseract", "libtesseract.so.5"}) {
                try {
                    return Native.load(name, TesseractLibrary.class);
                } catch (UnsatisfiedLinkError e) {
                    // try the next name; the versioned one needs no -dev package
                }
            }
            return "tesseract not found: install tesseract-ocr tesseract-ocr-eng";
        }

        static Optional<TesseractLibrary> library() {
            return RESULT instanceof TesseractLibrary library ? Optional.of(library) : Optional.empty();
        }

        static Optional<String> problem() {
            return RESULT instanceof String problem ? Optional.of(problem) : Optional.empty();
        }
    }
}
