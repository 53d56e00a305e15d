package io.streaminfer.pipeline;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.PlanarYUVLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.ResultPoint;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.multi.GenericMultipleBarcodeReader;
import com.google.zxing.multi.qrcode.QRCodeMultiReader;
import com.google.zxing.qrcode.detector.FinderPattern;
import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.PipelineException;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code qr}: QR codes and common barcodes (EAN-13, EAN-8, UPC-A, Code 128, Data Matrix) with
 * ZXing. Every code found is a detection labelled {@code qr} or {@code barcode} with its
 * {@code text} and {@code format}, boxed around the whole code.
 */
final class QrStep implements Step {

    /** The formats a pipelines file may ask for, by their names in the file. */
    static final Map<String, BarcodeFormat> FORMATS = Map.of(
            "qr_code", BarcodeFormat.QR_CODE,
            "data_matrix", BarcodeFormat.DATA_MATRIX,
            "ean_13", BarcodeFormat.EAN_13,
            "ean_8", BarcodeFormat.EAN_8,
            "upc_a", BarcodeFormat.UPC_A,
            "code_128", BarcodeFormat.CODE_128);

    /** A QR finder pattern's centre lies 3.5 modules inside the code's edge. */
    private static final double FINDER_CENTRE_TO_EDGE_MODULES = 3.5;

    private final Map<DecodeHintType, Object> qrHints = new EnumMap<>(DecodeHintType.class);
    private final Map<DecodeHintType, Object> otherHints = new EnumMap<>(DecodeHintType.class);
    /** QR codes: this reader keeps the finder patterns, whose module size gives the code's true edges. */
    private final QRCodeMultiReader qrReader;
    /** Everything else; it moves result points around, which matters only for QR codes. */
    private final GenericMultipleBarcodeReader otherReader;

    QrStep(List<String> formats, boolean tryHarder) {
        Set<BarcodeFormat> others = EnumSet.noneOf(BarcodeFormat.class);
        formats.forEach(name -> others.add(FORMATS.get(name)));
        boolean qr = others.remove(BarcodeFormat.QR_CODE);
        if (tryHarder) {
            qrHints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
            otherHints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
        }
        this.qrReader = qr ? new QRCodeMultiReader() : null;
        if (others.isEmpty()) {
            this.otherReader = null;
        } else {
            otherHints.put(DecodeHintType.POSSIBLE_FORMATS, others);
            MultiFormatReader single = new MultiFormatReader();
            single.setHints(otherHints);
            this.otherReader = new GenericMultipleBarcodeReader(single);
        }
    }

    @Override
    public StepOutput apply(Frame frame, FrameImage image) throws PipelineException {
        LumaImage luma = image.luma();
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new PlanarYUVLuminanceSource(
                luma.pixels(), luma.width(), luma.height(), 0, 0, luma.width(), luma.height(), false)));
        List<Result> results = new ArrayList<>();
        try {
            if (qrReader != null) {
                results.addAll(List.of(qrReader.decodeMultiple(bitmap, qrHints)));
            }
        } catch (NotFoundException e) {
            // no QR code in this frame
        }
        try {
            if (otherReader != null) {
                results.addAll(List.of(otherReader.decodeMultiple(bitmap, otherHints)));
            }
        } catch (NotFoundException e) {
            // no other code in this frame
        }
        List<Detection> codes = new ArrayList<>();
        for (Result result : results) {
            codes.add(detection(result, luma.width(), luma.height()));
        }
        return new StepOutput(Map.of("count", codes.size()), codes);
    }

    private static Detection detection(Result result, int width, int height) {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        double margin = 0;
        for (ResultPoint point : result.getResultPoints()) {
            if (point == null) {
                continue;
            }
            minX = Math.min(minX, point.getX());
            minY = Math.min(minY, point.getY());
            maxX = Math.max(maxX, point.getX());
            maxY = Math.max(maxY, point.getY());
            if (point instanceof FinderPattern finder) {
                margin = Math.max(margin, FINDER_CENTRE_TO_EDGE_MODULES * finder.getEstimatedModuleSize());
            }
        }
        boolean linear = result.getBarcodeFormat() != BarcodeFormat.QR_CODE
                && result.getBarcodeFormat() != BarcodeFormat.DATA_MATRIX;
        double verticalMargin = linear ? Math.max(4, (maxX - minX) * 0.15) : margin;
        int x = clamp(minX - margin, width);
        int y = clamp(minY - verticalMargin, height);
        int right = clamp(maxX + margin, width);
        int bottom = clamp(maxY + verticalMargin, height);
        boolean qr = result.getBarcodeFormat() == BarcodeFormat.QR_CODE;
        return new Detection(x, y, Math.max(1, right - x), Math.max(1, bottom - y), qr ? "qr" : "barcode", 1.0,
                Map.of("text", result.getText(), "format", result.getBarcodeFormat().name().toLowerCase(java.util.Locale.ROOT)));
    }

    private static int clamp(double value, int limit) {
        return (int) Math.max(0, Math.min(limit, Math.round(value)));
    }
}
