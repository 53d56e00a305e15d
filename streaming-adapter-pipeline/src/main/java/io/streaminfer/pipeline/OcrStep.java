package io.streaminfer.pipeline;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ocr}: Tesseract on the grayscale frame (or a region of it). Returns the full
 * {@code text} and one detection per word above {@code min_confidence}, labelled {@code text}
 * with the word as {@code text} and the confidence (0..1) as score.
 */
final class OcrStep implements Step {

    private final TesseractLibrary api;
    private final TesseractPool pool;
    private final double minConfidence;
    private final int[] region; // x, y, w, h; w == 0 means the whole frame

    OcrStep(TesseractLibrary api, TesseractPool pool, double minConfidence, int[] region) {
        this.api = api;
        this.pool = pool;
        this.minConfidence = minConfidence;
        this.region = region.clone();
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException {
        LumaImage luma = image.luma();
        Pointer engine = pool.borrow();
        try {
            api.TessBaseAPISetImage(engine, luma.pixels(), luma.width(), luma.height(), 1, luma.width());
            if (region[2] > 0 && region[3] > 0) {
                int x = Math.min(region[0], luma.width() - 1);
                int y = Math.min(region[1], luma.height() - 1);
                api.TessBaseAPISetRectangle(engine, x, y, Math.min(region[2], luma.width() - x), Math.min(region[3], luma.height() - y));
            }
            if (api.TessBaseAPIRecognize(engine, null) != 0) {
                throw new PipelineException("text recognition failed on this frame", "ocr", null);
            }
            String text = takeText(api.TessBaseAPIGetUTF8Text(engine));
            List<Detection> words = words(engine, luma);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("text", text.strip());
            fields.put("words", words.size());
            return new StepOutput(fields, words);
        } finally {
            pool.giveBack(engine);
        }
    }

    private List<Detection> words(Pointer engine, LumaImage luma) {
        List<Detection> words = new ArrayList<>();
        Pointer iterator = api.TessBaseAPIGetIterator(engine);
        if (iterator == null) {
            return words;
        }
        try {
            Pointer page = api.TessResultIteratorGetPageIterator(iterator);
            IntByReference left = new IntByReference();
            IntByReference top = new IntByReference();
            IntByReference right = new IntByReference();
            IntByReference bottom = new IntByReference();
            do {
                String word = takeText(api.TessResultIteratorGetUTF8Text(iterator, TesseractLibrary.RIL_WORD)).strip();
                double confidence = api.TessResultIteratorConfidence(iterator, TesseractLibrary.RIL_WORD) / 100.0;
                if (word.isEmpty() || confidence < minConfidence
                        || api.TessPageIteratorBoundingBox(page, TesseractLibrary.RIL_WORD, left, top, right, bottom) == 0) {
                    continue;
                }
                int x = Math.max(0, left.getValue());
                int y = Math.max(0, top.getValue());
                int w = Math.max(0, Math.min(right.getValue(), luma.width()) - x);
                int h = Math.max(0, Math.min(bottom.getValue(), luma.height()) - y);
                double score = Math.max(0, Math.min(1, Math.round(confidence * 1000) / 1000.0));
                words.add(new Detection(x, y, w, h, "text", score, Map.of("text", word)));
            } while (api.TessResultIteratorNext(iterator, TesseractLibrary.RIL_WORD) != 0);
        } finally {
            api.TessResultIteratorDelete(iterator);
        }
        return words;
    }

    private String takeText(Pointer text) {
        if (text == null) {
            return "";
        }
        try {
            return text.getString(0, "UTF-8");
        } finally {
            api.TessDeleteText(text);
        }
    }
}
