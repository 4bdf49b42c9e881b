package dev.jtc.shortcuts.exit;

import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Sequence;
import dev.jtc.engine.model.TopTwo;
import dev.jtc.engine.tap.ExitPolicy;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.shortcuts.mappings.Mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A true early exit: a forward pass of one sequence that stops after the block where the rule fires, for the one
 * row whose token is predicted (the masked position for BERT, the last for GPT-2). After each block 1..L−1 the
 * engine hands over the residual stream; for the paper's rule this class maps the row (id: as it is; mat:
 * {@code A_{L,ℓ}·h}; affine: {@code + b}), applies the final norm, and asks the {@link ConfidenceScreen} whether
 * it can prove from an 8-bit copy of the head that {@code p_top1 − p_top2} stays at or below the threshold. If it
 * cannot, the exact head runs and the confidence is compared with the threshold through {@link TopTwo} and
 * {@link ExitThreshold} — the code the results' simulation uses. Either way the decision is the simulated one bit for
 * bit; the screen only decides which checks need the full head GEMV. When the rule fires, the exact logits it
 * computed are the prediction and no further block runs; when nothing fires the pass ends normally and the model's
 * own head gives the logits.
 *
 * <p>One instance serves one thread at a time: it holds the scratch of the check (2d + 2V floats) and the hooks
 * of its passes, built once, so that a pass allocates nothing here but its {@link Outcome}.
 */
public final class ShortcutExit implements ExitPolicy {

    private final ExitMaps maps;
    private final Model model;
    private final MemorySegment mapped;
    private final MemorySegment normed;
    private final MemorySegment logits;
    private final ConfidenceScreen screen;
    private final Hooks hooks;
    private ExitRule rule;
    private int row;
    private double threshold;
    private int exitLayer;
    private int checks;
    private int screened;

    /** Scratch is allocated from {@code arena}, which must outlive this object and be usable from the kernels' threads. */
    public ShortcutExit(ExitMaps maps, Arena arena) {
        this.maps = maps;
        this.model = maps.model();
        this.mapped = arena.allocate((long) model.width() * Float.BYTES, 64);
        this.normed = arena.allocate((long) model.width() * Float.BYTES, 64);
        this.screen = new ConfidenceScreen(model, maps.quantizedHead(), arena);
        this.logits = arena.allocate((long) model.vocabSize() * Float.BYTES, 64);
        long rowBytes = (long) model.width() * Float.BYTES;
        // When no rule fires, the last block's output at the row is kept and decoded by the model's head, as the
        // results decode layer L; the tap sees every row as a view, so it is built once and copies one row.
        this.hooks = Hooks.taps(new TapRequest(Site.BLOCK_OUT, model.layers() - 1, RowSelection.all(),
                (site, block, sequence, first, count, width, view) -> MemorySegment.copy(view, row * rowBytes, mapped, 0, rowBytes)))
                .withExitPolicy(this);
    }

    /**
     * What a pass gave: the layer it stopped at (L when no rule fired), the prediction's logits, how many layers the
     * confidence rule was checked at, and how many of those checks the screen settled without the exact head.
     */
    public record Outcome(int exitLayer, MemorySegment logits, int checks, int screened) {
    }

    /**
     * Runs {@code tokens} under {@code rule} and predicts the token at {@code row} (for GPT-2 the last: its input
     * ends at the token predicted from). The returned logits are this object's scratch: valid until its next run.
     */
    public Outcome run(ExitRule rule, int[] tokens, int row) {
        return run(rule, Sequence.of(tokens), row);
    }

    /**
     * {@link #run(ExitRule, int[], int)} for a sequence that may be right-padded: padding costs the work of its
     * positions but changes no attended row, so the exit and the prediction are those of the unpadded tokens.
     */
    public Outcome run(ExitRule rule, Sequence sequence, int row) {
        if (row < 0 || row >= sequence.attended()) {
            throw new IllegalArgumentException("row " + row + " is outside the " + sequence.attended() + " attended tokens of the input.");
        }
        begin(rule, row, row);
        int layers = model.forward(Batch.of(sequence), hooks);
        if (exitLayer > 0) return new Outcome(exitLayer, logits, checks, screened);
        model.logits(mapped, 0, 1, logits, 0);
        return new Outcome(layers, logits, checks, screened);
    }

    /**
     * Readies this object to be the exit policy of one cached GPT-2 step ({@code Gpt2.step} with a policy), which
     * shows the checks the newest position's row alone: the rule then decides for the state at {@code position},
     * with t of that position, as {@link #run} decides for the row it predicts from. When the step stops early,
     * {@link #exitLogits} holds the prediction decoded at the exit layer.
     */
    public ExitPolicy forStep(ExitRule rule, int position) {
        begin(rule, 0, position);
        return this;
    }

    /** Readies a pass or step: the rule, the row checked among those shown, and the threshold of its position. */
    private void begin(ExitRule rule, int row, int position) {
        this.rule = rule;
        this.row = row;
        int t = ExitThreshold.t(model.config().architecture(), position);
        this.threshold = rule instanceof ExitRule.Confidence c ? ExitThreshold.of(c.lambda(), t, maps.meanLength()) : Double.NaN;
        this.exitLayer = 0;
        this.checks = 0;
        this.screened = 0;
    }

    /** The logits decoded at the layer where the latest step or pass stopped early: this object's scratch, valid until its next use. */
    public MemorySegment exitLogits() {
        return logits;
    }

    @Override
    public boolean stopAfter(int layer, MemorySegment hidden, int rows, int width) {
        boolean exit = switch (rule) {
            case ExitRule.Fixed f -> layer >= f.layer();
            // p_top1 − p_top2 never exceeds 1, so a threshold of 1 or more can never be passed: no check is needed
            // to know the paper's rule says no (as at λ = 1.112, the top of the paper's grids).
            case ExitRule.Confidence c when threshold >= 1 -> false;
            case ExitRule.Confidence c -> confident(c.mapping(), layer, hidden);
        };
        if (exit && rule instanceof ExitRule.Fixed f) {
            maps.map(f.mapping(), layer, hidden, row, mapped);
            model.logits(mapped, 0, 1, logits, 0);
        }
        if (exit) exitLayer = layer;
        return exit;
    }

    /** The paper's rule at this layer; when it fires, {@link #logits} holds the exact prediction. */
    private boolean confident(Mapping mapping, int layer, MemorySegment hidden) {
        checks++;
        maps.map(mapping, layer, hidden, row, mapped);
        model.finalNorm(mapped, 0, 1, normed, 0);
        if (screen.cannotFire(normed, 0, threshold)) {
            screened++;
            return false;
        }
        model.logitsFromFinalNorm(normed, 0, 1, logits, 0);
        TopTwo top = TopTwo.of(model.kernels(), logits, 0, model.vocabSize());
        return ExitThreshold.exits(top.probability1(), top.probability2(), threshold);
    }
}
