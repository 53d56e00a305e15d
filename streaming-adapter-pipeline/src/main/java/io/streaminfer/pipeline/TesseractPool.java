package io.streaminfer.pipeline;

import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * Tesseract engines, pooled per (tessdata, language): an engine is not thread-safe, so each run
 * borrows one and gives it back; engines are made on demand, so the pool grows to the number of
 * workers that run OCR at once and no further. Engines live as long as the process.
 */
final class TesseractPool {

    /** Where Debian's tesseract-ocr-* packages put the language data. */
    static final List<Path> STANDARD_TESSDATA = List.of(
            Path.of("/usr/share/tesseract-ocr/5/tessdata"),
            Path.of("/usr/share/tesseract-ocr/4.00/tessdata"),
            Path.of("/usr/share/tessdata"));

    private static final Map<String, TesseractPool> POOLS = new ConcurrentHashMap<>();

    private final TesseractLibrary api;
    private final String tessdata;
    private final String language;
    private final LinkedBlockingDeque<Pointer> idle = new LinkedBlockingDeque<>();

    private TesseractPool(TesseractLibrary api, String tessdata, String language) {
        this.api = api;
        this.tessdata = tessdata;
        this.language = language;
    }

    static TesseractPool of(TesseractLibrary api, Path tessdata, String language) {
        return POOLS.computeIfAbsent(tessdata + "|" + language, key -> new TesseractPool(api, tessdata.toString(), language));
    }

    /** The tessdata folder: TESSDATA_PREFIX, else the first standard place that has the language. */
    static Optional<Path> findTessdata(String language) {
        String prefix = System.getenv("TESSDATA_PREFIX");
        if (prefix != null && !prefix.isBlank()) {
            return Optional.of(Path.of(prefix)).filter(dir -> hasLanguages(dir, language));
        }
        return STANDARD_TESSDATA.stream().filter(dir -> hasLanguages(dir, language)).findFirst();
    }

    private static boolean hasLanguages(Path dir, String language) {
        for (String lang : language.split("\\+")) {
            if (!Files.isReadable(dir.resolve(lang + ".traineddata"))) {
                return false;
            }
        }
        return true;
    }

    /** Why ocr with this language cannot run here, if it cannot. */
    static Optional<String> problem(String language) {
        if (TesseractLibrary.Loaded.problem().isPresent()) {
            return Optional.of(TesseractLibrary.Loaded.problem().get() + " or set TESSDATA_PREFIX");
        }
        if (findTessdata(language).isEmpty()) {
            return Optional.of("tesseract language data '" + language + "' not found: install tesseract-ocr-"
                    + language.split("\\+")[0] + " or set TESSDATA_PREFIX");
        }
        return Optional.empty();
    }

    Pointer borrow() {
        Pointer engine = idle.pollFirst();
        if (engine != null) {
            return engine;
        }
        Pointer created = api.TessBaseAPICreate();
        if (api.TessBaseAPIInit3(created, tessdata, language) != 0) {
            api.TessBaseAPIDelete(created);
            throw new IllegalStateException("tesseract could not load language '" + language + "' from " + tessdata);
        }
        api.TessBaseAPISetPageSegMode(created, TesseractLibrary.PSM_AUTO);
        api.TessBaseAPISetVariable(created, "debug_file", "/dev/null"); // no "Estimating resolution" lines on stderr
        return created;
    }

    void giveBack(Pointer engine) {
        api.TessBaseAPIClear(engine);
        idle.addFirst(engine);
    }
}
