package dev.jtc.engine.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a forward pass is asked to do besides computing: taps, overrides and an exit policy.
 * Build once and reuse: the lookup tables are made here so that the forward pass itself allocates nothing.
 */
public final class Hooks {

    public static final Hooks NONE = new Hooks(List.of(), Overrides.NONE, ExitPolicy.NEVER);

    private static final TapRequest[] EMPTY = new TapRequest[0];

    private final List<TapRequest> taps;
    private final Overrides overrides;
    private final ExitPolicy exitPolicy;
    /** [site ordinal][block] → taps there (whole-model sites use block 0). */
    private final TapRequest[][][] index;

    public Hooks(List<TapRequest> taps, Overrides overrides, ExitPolicy exitPolicy) {
        this.taps = List.copyOf(taps);
        this.overrides = Objects.requireNonNull(overrides, "overrides");
        this.exitPolicy = Objects.requireNonNull(exitPolicy, "exitPolicy");
        int maxBlock = 0;
        for (TapRequest t : this.taps) maxBlock = Math.max(maxBlock, t.block() + 1);
        index = new TapRequest[Site.values().length][maxBlock][];
        for (Site s : Site.values()) {
            for (int b = 0; b < maxBlock; b++) {
                List<TapRequest> here = new ArrayList<>();
                for (TapRequest t : this.taps) if (t.site() == s && t.block() == b) here.add(t);
                index[s.ordinal()][b] = here.isEmpty() ? EMPTY : here.toArray(EMPTY);
            }
        }
    }

    public static Hooks taps(List<TapRequest> taps) {
        return new Hooks(taps, Overrides.NONE, ExitPolicy.NEVER);
    }

    public static Hooks taps(TapRequest... taps) {
        return taps(List.of(taps));
    }

    public Hooks withOverrides(Overrides o) {
        return new Hooks(taps, o, exitPolicy);
    }

    public Hooks withExitPolicy(ExitPolicy p) {
        return new Hooks(taps, overrides, p);
    }

    public List<TapRequest> taps() {
        return taps;
    }

    public Overrides overrides() {
        return overrides;
    }

    public ExitPolicy exitPolicy() {
        return exitPolicy;
    }

    /** Taps registered at {@code site} of {@code block}; never null. */
    public TapRequest[] at(Site site, int block) {
        TapRequest[][] bySite = index[site.ordinal()];
        return block < bySite.length ? bySite[block] : EMPTY;
    }
}
