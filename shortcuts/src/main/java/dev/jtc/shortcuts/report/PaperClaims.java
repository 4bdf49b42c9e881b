package dev.jtc.shortcuts.report;

import dev.jtc.shortcuts.figures.MetricCurves;
import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.metrics.Metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The paper's qualitative claims (docs/method.md §8) checked against one run. Layer L is left out of every
 * comparison by layer: there all mappings are the full model itself and tie by construction.
 */
final class PaperClaims {

    enum Verdict { YES, NO, NOT_CHECKED }

    record Claim(String statement, Verdict verdict, String detail) {
    }

    /** At most this many exceptions are listed by name; the rest are counted. */
    private static final int LISTED = 12;
    private static final List<Mapping> PARTS = List.of(Mapping.MAT_ATTN, Mapping.MAT_FFN, Mapping.MAT_LN);

    private PaperClaims() {
    }

    static List<Claim> check(ReportContent content) {
        MetricCurves curves = MetricCurves.of(content.metrics());
        List<Claim> claims = new ArrayList<>();
        claims.add(r2(content.r2()));
        for (int k : new int[]{1, 5, 10}) claims.add(precision(curves, k));
        claims.add(attention(content.model(), curves));
        return claims;
    }

    private static Claim r2(ReportContent.R2Summary r2) {
        String statement = "mat predicts layer ℓ′ from layer ℓ better than id does (r²), for every pair ℓ < ℓ′";
        String means = String.format(Locale.ROOT, "mean r² %.3f (mat) against %.3f (id) over %d pairs", r2.meanMat(),
                r2.meanId(), r2.pairs());
        if (r2.matBelowId().isEmpty()) return new Claim(statement, Verdict.YES, means + ".");
        List<String> pairs = new ArrayList<>();
        for (ReportContent.LayerPair p : r2.matBelowId()) pairs.add(p.source() + "→" + p.target());
        return new Claim(statement, Verdict.NO, "mat is below id at " + r2.matBelowId().size() + " of " + r2.pairs()
                + " pairs (ℓ→ℓ′): " + listed(pairs) + "; " + means + ".");
    }

    private static Claim precision(MetricCurves curves, int k) {
        String statement = "mat beats id on Precision@" + k + " at every layer ℓ < L";
        if (!curves.has(Mapping.ID, Metric.PRECISION, k) || !curves.has(Mapping.MAT, Metric.PRECISION, k)) {
            return new Claim(statement, Verdict.NOT_CHECKED, "this run has no Precision@" + k + " of both id and mat.");
        }
        MetricCurves.Curve mat = curves.curve(Mapping.MAT, Metric.PRECISION, k, "the report");
        MetricCurves.Curve id = curves.curve(Mapping.ID, Metric.PRECISION, k, "the report");
        List<String> notAbove = new ArrayList<>();
        for (int layer = 0; layer < curves.layers(); layer++) {
            if (!(mat.value(layer) > id.value(layer))) notAbove.add(Integer.toString(layer));
        }
        if (notAbove.isEmpty()) {
            return new Claim(statement, Verdict.YES, "mat is above id at all " + curves.layers() + " layers 0.."
                    + (curves.layers() - 1) + ".");
        }
        return new Claim(statement, Verdict.NO, "mat is not above id at layer" + (notAbove.size() > 1 ? "s " : " ")
                + listed(notAbove) + ".");
    }

    /**
     * "Most tolerant": replacing attention by its linear map keeps Precision@1 highest of the three parts;
     * checked layer by layer, with the parts' mean Precision@1 over layers 0..L−1 as the summary.
     */
    private static Claim attention(ReportContent.Model model, MetricCurves curves) {
        String statement = "attention is the sub-module most tolerant of a linear replacement (mat_attn has the "
                + "highest Precision@1 of the three parts at every layer ℓ < L)";
        if (!model.architecture().equals("gpt2")) {
            return new Claim(statement, Verdict.NOT_CHECKED, "the paper makes this claim for GPT-2 only; a BERT run "
                    + "has no sub-module mappings.");
        }
        for (Mapping part : PARTS) {
            if (!curves.has(part, Metric.PRECISION, 1)) {
                return new Claim(statement, Verdict.NOT_CHECKED, "this run has no Precision@1 of " + part.key()
                        + "; the sub-module mappings were not evaluated.");
            }
        }
        List<String> notHighest = new ArrayList<>();
        StringJoiner means = new StringJoiner(", ", "mean Precision@1 over layers 0.." + (curves.layers() - 1) + ": ", "");
        for (Mapping part : PARTS) {
            MetricCurves.Curve c = curves.curve(part, Metric.PRECISION, 1, "the report");
            double sum = 0;
            for (int layer = 0; layer < curves.layers(); layer++) sum += c.value(layer);
            means.add(String.format(Locale.ROOT, "%s %.3f", part.key(), sum / curves.layers()));
        }
        MetricCurves.Curve attn = curves.curve(Mapping.MAT_ATTN, Metric.PRECISION, 1, "the report");
        for (int layer = 0; layer < curves.layers(); layer++) {
            for (Mapping other : List.of(Mapping.MAT_FFN, Mapping.MAT_LN)) {
                if (!(attn.value(layer) > curves.curve(other, Metric.PRECISION, 1, "the report").value(layer))) {
                    notHighest.add(layer + " (" + other.key() + " ≥ mat_attn)");
                    break;
                }
            }
        }
        if (notHighest.isEmpty()) return new Claim(statement, Verdict.YES, means + ".");
        return new Claim(statement, Verdict.NO, "mat_attn is not the highest at layer"
                + (notHighest.size() > 1 ? "s " : " ") + listed(notHighest) + "; " + means + ".");
    }

    private static String listed(List<String> items) {
        String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
    }
}
