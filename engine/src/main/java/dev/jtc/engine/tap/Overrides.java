package dev.jtc.engine.tap;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;

/**
 * Sub-module outputs replaced by a linear map of their input, {@code out = P·in} (d×d, no bias), for
 * chosen blocks: the mat_attn, mat_ffn and mat_ln mappings of docs/method.md §5. Which sites can be
 * replaced, and what their input is, depends on the model (see {@code Model#overrideInputs}).
 * The residual additions around a replaced site stay exact.
 *
 * <p>Memory: the matrices the builder packs itself (from floats) live in one shared arena that these
 * overrides own and {@link #close} frees; close them once the passes that use them have returned. A P the
 * caller packed ({@link Builder#replace(Site, int, PackedWeights)}) stays the caller's: close never frees it, and
 * overrides made only of such matrices hold no memory of their own.
 */
public final class Overrides implements AutoCloseable {

    public static final Overrides NONE = new Overrides(new PackedWeights[Site.values().length][0], 0, null);

    private final PackedWeights[][] maps;
    private final int count;
    /** Where the builder packed its own copies; null when it packed none. */
    private final Arena owned;
    private volatile boolean closed;

    private Overrides(PackedWeights[][] maps, int count, Arena owned) {
        this.maps = maps;
        this.count = count;
        this.owned = owned;
    }

    /** The packed P replacing {@code site} in {@code block}, or null when that site runs normally. */
    public PackedWeights get(Site site, int block) {
        if (closed) throw new IllegalStateException("these overrides are closed: their packed matrices are freed.");
        PackedWeights[] row = maps[site.ordinal()];
        return block < row.length ? row[block] : null;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Frees the matrices the builder packed; later passes with these overrides are refused. Idempotent. */
    @Override
    public synchronized void close() {
        if (this == NONE) return;
        closed = true;
        if (owned != null && owned.scope().isAlive()) owned.close();
    }

    /**
     * Starts a set of overrides for a model with {@code blocks} blocks of width {@code width} whose
     * replaceable sites are {@code replaceable}; the engine packs each P with {@code kernels}.
     */
    public static Builder builder(Kernels kernels, int blocks, int width, Set<Site> replaceable) {
        return new Builder(kernels, blocks, width, replaceable);
    }

    public static final class Builder {
        private final Kernels kernels;
        private final int blocks;
        private final int width;
        private final Set<Site> replaceable;
        private final PackedWeights[][] maps;
        private int count;
        private Arena owned;
        private boolean built;

        private Builder(Kernels kernels, int blocks, int width, Set<Site> replaceable) {
            this.kernels = kernels;
            this.blocks = blocks;
            this.width = width;
            this.replaceable = EnumSet.copyOf(replaceable);
            this.maps = new PackedWeights[Site.values().length][blocks];
        }

        /**
         * Replaces {@code site} of {@code block} by {@code P·input}; {@code p} is d×d float32 row-major
         * with rows = outputs ({@code ŷ = P x}, the paper's convention). The floats are copied, packed into
         * memory the built overrides own.
         */
        public Builder replace(Site site, int block, MemorySegment p) {
            checkSite(site, block);
            long expected = (long) width * width * Float.BYTES;
            if (p.byteSize() != expected) {
                throw new IllegalArgumentException("override matrix for " + site.key() + " of block " + block + " has "
                        + p.byteSize() / Float.BYTES + " floats; expected " + width + "×" + width + ".");
            }
            // The copy itself may die with the GC: kernels that pack by copying are done with it, and those that
            // pack by viewing keep it reachable from the result.
            MemorySegment copy = Arena.ofAuto().allocate(expected, 64);
            MemorySegment.copy(p, 0, copy, 0, expected);
            if (owned == null) owned = Arena.ofShared();
            return replace(site, block, kernels.pack(copy, width, width, Kernels.WeightLayout.OUT_IN, owned));
        }

        /**
         * Replaces {@code site} of {@code block} by an already packed P (d inputs, d outputs), packed by the same
         * kernels as the model's: a caller that runs many sets of overrides over the same maps packs each once.
         * {@code p} stays the caller's: the built overrides never free it.
         */
        public Builder replace(Site site, int block, PackedWeights p) {
            checkSite(site, block);
            if (p.k() != width || p.n() != width) {
                throw new IllegalArgumentException("override matrix for " + site.key() + " of block " + block + " is "
                        + p.n() + "×" + p.k() + "; expected " + width + "×" + width + ".");
            }
            if (maps[site.ordinal()][block] == null) count++;
            maps[site.ordinal()][block] = p;
            return this;
        }

        private void checkSite(Site site, int block) {
            requireUnbuilt();
            if (!replaceable.contains(site)) {
                throw new IllegalArgumentException("site " + site.key() + " cannot be replaced in this model; "
                        + "replaceable sites are " + replaceable.stream().map(Site::key).toList() + ".");
            }
            if (block < 0 || block >= blocks) {
                throw new IllegalArgumentException("override block " + block + " is out of range 0.." + (blocks - 1) + ".");
            }
        }

        /** Same as {@link #replace(Site, int, MemorySegment)} from a heap array of d·d floats. */
        public Builder replace(Site site, int block, float[] p) {
            MemorySegment s = Arena.ofAuto().allocate((long) p.length * Float.BYTES, 64);
            MemorySegment.copy(p, 0, s, ValueLayout.JAVA_FLOAT, 0, p.length);
            return replace(site, block, s);
        }

        /**
         * The overrides, which take over the memory of the matrices packed here; a builder builds once (two sets
         * sharing those matrices could not both own them).
         */
        public Overrides build() {
            requireUnbuilt();
            built = true;
            PackedWeights[][] copy = new PackedWeights[maps.length][];
            for (int i = 0; i < maps.length; i++) copy[i] = maps[i].clone();
            return new Overrides(copy, count, owned);
        }

        private void requireUnbuilt() {
            if (built) {
                throw new IllegalStateException("this overrides builder has built its overrides already; "
                        + "start another with model.overrides().");
            }
        }
    }
}
