package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;

import java.util.Locale;

/**
 * When a forward pass may stop early, and how the stopped state becomes a prediction: the paper's confidence rule
 * with a mapping and a λ, or a fixed exit layer (decoded with mat, or affine for maps fitted with an intercept).
 */
public sealed interface ExitRule {

    /** λ outside this range makes the paper's rule trivial (always exit at layer 1, or never): the paper's grid spans it. */
    double LAMBDA_LIMIT = 1.112;

    /** The mapping that turns the state at the exit layer into a prediction. */
    Mapping mapping();

    /** The paper's rule (docs/method.md §7): exit at the first layer ℓ ≥ 1 where p_top1 − p_top2 after {@code mapping} exceeds the threshold of λ. */
    record Confidence(Mapping mapping, double lambda) implements ExitRule {
        public Confidence {
            requireDecodable(mapping, "the confidence rule");
            if (!(Math.abs(lambda) <= LAMBDA_LIMIT)) {
                throw new IllegalArgumentException("λ = " + lambda + " is outside the paper's range [−" + LAMBDA_LIMIT + ", "
                        + LAMBDA_LIMIT + "], where the rule always exits at layer 1 or never exits.");
            }
        }
    }

    /** Exit every pass after {@code layer} blocks and decode through {@code mapping}. */
    record Fixed(Mapping mapping, int layer) implements ExitRule {
        public Fixed {
            requireDecodable(mapping, "a fixed exit");
            if (layer < 1) throw new IllegalArgumentException("a fixed exit layer is at least 1, got " + layer + ".");
        }
    }

    /** An exit decodes the stopped state by itself: through id, mat or affine, not a mapping that reruns blocks. */
    private static void requireDecodable(Mapping mapping, String what) {
        if (mapping != Mapping.ID && mapping != Mapping.MAT && mapping != Mapping.AFFINE) {
            throw new IllegalArgumentException(what + " decodes through id, mat or affine, not " + mapping.key() + ".");
        }
    }

    /** The paper's rule with mat at λ. */
    static ExitRule paper(double lambda) {
        return new Confidence(Mapping.MAT, lambda);
    }

    /** A fixed exit after {@code layer} blocks, decoded with mat. */
    static ExitRule fixed(int layer) {
        return new Fixed(Mapping.MAT, layer);
    }

    /**
     * Parses the command line's form: {@code mat:λ}, {@code id:λ}, {@code affine:λ} (the confidence rule) or
     * {@code layer:ℓ} (a fixed exit, decoded with mat).
     */
    static ExitRule parse(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = colon < 0 ? "" : spec.substring(colon + 1).trim();
        try {
            return switch (kind) {
                case "layer" -> fixed(Integer.parseInt(value));
                case "mat", "id", "affine" -> new Confidence(Mapping.parse(kind), Double.parseDouble(value));
                default -> throw new IllegalArgumentException("--exit \"" + spec + "\" is not one of mat:λ, id:λ, affine:λ or layer:ℓ.");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--exit \"" + spec + "\": \"" + value + "\" is not a number; expected mat:λ, id:λ, "
                    + "affine:λ or layer:ℓ.", e);
        }
    }
}
