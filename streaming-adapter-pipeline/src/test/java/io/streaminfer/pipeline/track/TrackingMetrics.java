package io.streaminfer.pipeline.track;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Simple MOTA (CLEAR MOT) and IDF1 over a synthetic ground truth, for the tracker's tests.
 * A hypothesis is a detection the tracker gave an id; it covers a true box when their IoU is at
 * least {@value #MATCH_IOU}.
 *
 * <ul>
 *   <li>MOTA = 1 − (FN + FP + IDSW) / GT, per frame: pairs that kept their previous
 *       correspondence are kept first, the rest are matched optimally by IoU; an identity switch
 *       is a true object covered by another id than the one that last covered it.</li>
 *   <li>IDF1 = 2·IDTP / (2·IDTP + IDFP + IDFN), with the one-to-one mapping of true ids to
 *       track ids that maximises IDTP (frames in which the mapped pair overlap).</li>
 * </ul>
 */
final class TrackingMetrics {

    static final double MATCH_IOU = 0.5;

    private TrackingMetrics() {
    }

    /** A box with an id: a true object or a hypothesis. */
    record Labelled(int id, double x, double y, double w, double h) {
    }

    /** The scores of one run. */
    record Scores(int truths, int hypotheses, int misses, int falsePositives, int switches, int idTruePositives,
                  double mota, double idf1) {

        /** @return one line for the test output, prefixed {@code TRACKING-METRICS} */
        String line(String scenario) {
            return String.format(Locale.ROOT,
                    "TRACKING-METRICS scenario=%s MOTA=%.3f IDF1=%.3f GT=%d FN=%d FP=%d IDSW=%d IDTP=%d",
                    scenario, mota, idf1, truths, misses, falsePositives, switches, idTruePositives);
        }
    }

    /** Scores a tracker's run over a scene. */
    static Scores score(TrackScenes.Run run) {
        List<List<Labelled>> truth = new ArrayList<>();
        List<List<Labelled>> hypotheses = new ArrayList<>();
        for (int f = 0; f < run.frames().size(); f++) {
            TrackScenes.Frame frame = run.frames().get(f);
            List<Labelled> t = new ArrayList<>();
            for (TrackScenes.Truth truthBox : frame.truth()) {
                t.add(new Labelled(truthBox.id(), truthBox.x(), truthBox.y(), truthBox.w(), truthBox.h()));
            }
            List<Labelled> h = new ArrayList<>();
            int[] ids = run.ids().get(f);
            for (int d = 0; d < ids.length; d++) {
                if (ids[d] != ByteTracker.NO_TRACK) {
                    Box box = frame.detections().get(d);
                    h.add(new Labelled(ids[d], box.x(), box.y(), box.w(), box.h()));
                }
            }
            truth.add(t);
            hypotheses.add(h);
        }
        return score(truth, hypotheses);
    }

    /** Scores hypotheses against the truth, frame by frame (both lists index-aligned by frame). */
    static Scores score(List<List<Labelled>> truth, List<List<Labelled>> hypotheses) {
        Assignment assignment = new Assignment();
        Map<Integer, Integer> lastCoveredBy = new HashMap<>();
        Map<Long, Integer> overlaps = new HashMap<>(); // (true id, hypothesis id) -> frames
        int truths = 0;
        int hypothesisCount = 0;
        int misses = 0;
        int falsePositives = 0;
        int switches = 0;
        for (int f = 0; f < truth.size(); f++) {
            List<Labelled> t = truth.get(f);
            List<Labelled> h = hypotheses.get(f);
            truths += t.size();
            hypothesisCount += h.size();
            double[] iou = new double[t.size() * h.size()];
            for (int i = 0; i < t.size(); i++) {
                for (int j = 0; j < h.size(); j++) {
                    iou[i * h.size() + j] = iou(t.get(i), h.get(j));
                    if (iou[i * h.size() + j] >= MATCH_IOU) {
                        overlaps.merge(pair(t.get(i).id(), h.get(j).id()), 1, Integer::sum);
                    }
                }
            }
            int[] match = new int[t.size()];
            java.util.Arrays.fill(match, -1);
            boolean[] taken = new boolean[h.size()];
            for (int i = 0; i < t.size(); i++) { // keep last frame's correspondences where still valid
                Integer previous = lastCoveredBy.get(t.get(i).id());
                for (int j = 0; previous != null && j < h.size(); j++) {
                    if (!taken[j] && h.get(j).id() == previous && iou[i * h.size() + j] >= MATCH_IOU) {
                        match[i] = j;
                        taken[j] = true;
                    }
                }
            }
            double[] weights = new double[t.size() * h.size()];
            for (int i = 0; i < t.size(); i++) {
                for (int j = 0; j < h.size(); j++) {
                    boolean free = match[i] < 0 && !taken[j] && iou[i * h.size() + j] >= MATCH_IOU;
                    weights[i * h.size() + j] = free ? iou[i * h.size() + j] : 0;
                }
            }
            int[] fresh = assignment.maximise(weights, t.size(), h.size());
            for (int i = 0; i < t.size(); i++) {
                if (match[i] < 0 && fresh[i] >= 0) {
                    match[i] = fresh[i];
                    taken[fresh[i]] = true;
                    Integer previous = lastCoveredBy.get(t.get(i).id());
                    if (previous != null && previous != h.get(fresh[i]).id()) {
                        switches++;
                    }
                }
                if (match[i] < 0) {
                    misses++;
                } else {
                    lastCoveredBy.put(t.get(i).id(), h.get(match[i]).id());
                }
            }
            for (boolean used : taken) {
                if (!used) {
                    falsePositives++;
                }
            }
        }
        int idTruePositives = bestIdMapping(overlaps);
        double mota = truths == 0 ? 1 : 1 - (misses + falsePositives + switches) / (double) truths;
        int idFalseNegatives = truths - idTruePositives;
        int idFalsePositives = hypothesisCount - idTruePositives;
        double idf1 = 2.0 * idTruePositives / (2.0 * idTruePositives + idFalsePositives + idFalseNegatives);
        return new Scores(truths, hypothesisCount, misses, falsePositives, switches, idTruePositives, mota, idf1);
    }

    private static int bestIdMapping(Map<Long, Integer> overlaps) {
        List<Integer> trueIds = new ArrayList<>();
        List<Integer> trackIds = new ArrayList<>();
        for (long key : overlaps.keySet()) {
            int t = (int) (key >> 32);
            int h = (int) key;
            if (!trueIds.contains(t)) {
                trueIds.add(t);
            }
            if (!trackIds.contains(h)) {
                trackIds.add(h);
            }
        }
        double[] weights = new double[trueIds.size() * trackIds.size()];
        overlaps.forEach((key, frames) -> weights[trueIds.indexOf((int) (key >> 32)) * trackIds.size()
                + trackIds.indexOf((int) (long) key)] = frames);
        int[] mapping = new Assignment().maximise(weights, trueIds.size(), trackIds.size());
        int total = 0;
        for (int i = 0; i < mapping.length; i++) {
            if (mapping[i] >= 0) {
                total += (int) weights[i * trackIds.size() + mapping[i]];
            }
        }
        return total;
    }

    private static long pair(int trueId, int trackId) {
        return ((long) trueId << 32) | (trackId & 0xffffffffL);
    }

    static double iou(Labelled a, Labelled b) {
        double iw = Math.min(a.x() + a.w(), b.x() + b.w()) - Math.max(a.x(), b.x());
        double ih = Math.min(a.y() + a.h(), b.y() + b.h()) - Math.max(a.y(), b.y());
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double intersection = iw * ih;
        return intersection / (a.w() * a.h() + b.w() * b.h() - intersection);
    }
}
