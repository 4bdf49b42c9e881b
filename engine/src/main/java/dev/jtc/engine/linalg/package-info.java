/**
 * Streaming least squares for the paper's maps: for every source layer i, the maps A_{j,i} minimising
 * {@code Σ_n ‖y_n − A·x_n‖²} to each later layer j, fitted from rows that arrive a block at a time while
 * forward passes run, without ever holding the rows.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * var acc = new TsqrAccumulator(768, targets, 768, LeastSquaresOptions.paper());
 * acc.addRows(rows, x, y);                 // float32 rows from the taps, one block at a time, one thread
 * LeastSquaresSolution s = acc.solve();    // may be called again after more rows
 * float[] a = s.map(t);                    // targetWidth × sourceWidth, row-major: ŷ = A·x
 * log(source + ": " + s.rank().message());
 * }</pre>
 * One accumulator serves one source and all its targets at once (for BERT-base, 12 accumulators cover
 * the 78 pairs). {@link dev.jtc.engine.linalg.TsqrAccumulator#bytesNeeded} gives its memory before a run:
 * R and C in double, a buffer of about 2p rows, and the transient space of a solve.
 *
 * <h2>Streaming TSQR</h2>
 * X = Q·R is never formed. The accumulator keeps the p × p upper-triangular R and {@code C = Qᵀ·Y}
 * (p × targets·targetWidth) in double, and folds each full buffer of b rows [X_b Y_b] into them: the QR
 * factorisation of R with X_b stacked below. Reflector k of that factorisation only has to zero column k
 * of X_b below R's diagonal, so it touches one row of R and the b new rows. The p reflectors are
 * aggregated as one compact-WY block reflector {@code Q = I − V·T·Vᵀ}, with {@code V = [I; V_X]} (the
 * identity over R's rows) and T upper triangular, and applied to the right-hand sides as
 * {@code C ← C − Tᵀ·(C + V_Xᵀ·Y_b)}: two matrix products, which is where nearly all the time goes. X_b
 * itself is factored in panels of 32 reflectors, each applied to the rest of X_b as its own block
 * reflector. With b ≈ 2p, the right-hand sides cost {@code (2 + p/b)·p ≈ 2.5·p} multiply-adds per row
 * and target column. {@link dev.jtc.engine.linalg.TsqrAccumulator#merge} stacks another accumulator's R
 * and C as p more rows and folds them the same way, so accumulators filled on different machines or
 * threads combine exactly as if one had seen all the rows.
 *
 * <p>Residual sums of squares come from norms rather than from the transformed rows below R (forming
 * those would add {@code 2·b·p} per target column to every block, two thirds of the work again):
 * {@code ‖Y − X·Z‖² = (‖Y‖² − ‖C‖²) + ‖C − R·Z‖²}. This is exact in exact arithmetic and good to about
 * {@code 1e-15·‖Y‖²} in double, so it is accurate unless a fit is near perfect (r² within 1e-10 of 1).
 *
 * <h2>Rank and the solve</h2>
 * A streaming, unpivoted QR cannot show rank. At solve time R's columns are scaled to unit norm (they
 * are X's column norms: this equilibrates X, so the rank does not depend on the units of each
 * coordinate), the scaled R is factored again with column pivoting (LAPACK xGEQP3-style), and the
 * numerical rank is the number r of pivoted diagonal elements above {@code τ·|r₁₁|}. The cutoff comes
 * from the precision of the data ({@link dev.jtc.engine.linalg.DataPrecision}), not from double's
 * epsilon: {@code τ = √p·u + p·ε}. Rows rounded to unit roundoff u are X + E with
 * {@code |E_ij| ≤ u·|X_ij|}, so with unit-norm columns {@code ‖E‖₂ ≤ u·√p} while the largest singular
 * value is at least 1; a direction below √p·u relative is indistinguishable from rounding the data, and
 * fitting it amplifies that rounding (and anything off the training rows) by up to 1/σ. The p·ε term is
 * the double factorisation's own backward error, which is what bounds float64 data. For p = 768:
 * τ ≈ 1.7e-6 for float32 rows (the engine's hidden states), ≈ 1.7e-13 for float64 rows.
 *
 * <p>The case that needs it is real: BERT's layer 0 at a [MASK] token is LayerNorm(word[MASK] + position
 * + type), so those rows have the rank of the number of distinct positions. On 110 such rows of
 * bert-base-uncased with 31 distinct positions this solver finds rank 31 and the 0 → 12 map scores
 * r² = −0.26 on held-out rows; numpy's float64 lstsq with its default cutoff keeps 38 directions and
 * scores r² = −8e9 (BertMaskRankTest).
 *
 * <p>With r = p, the map is R's back substitution (after undoing the pivoting and scaling). With r &lt; p
 * the fallback is the minimum-norm solution of the kept part, by a complete orthogonal decomposition as
 * LAPACK's xGELSY computes it: the trailing rows of the pivoted R are taken as zero, and an RZ
 * factorisation of its first r rows (scaling undone, so the norm minimised is that of the map itself)
 * gives the solution with nothing in the null space. {@link dev.jtc.engine.linalg.RankReport} records r,
 * the cutoff, whether the fallback ran and a condition estimate, |r₁₁|/|r_rr| of the kept, equilibrated
 * part. No path returns NaN: non-finite rows are refused with a sentence naming the row and column, and a
 * solution float32 cannot hold is an error, not an infinity.
 *
 * <h2>Beyond the paper</h2>
 * {@link dev.jtc.engine.linalg.Intercept#FITTED} appends a column of ones to X; the bias is returned
 * separately. A ridge α &gt; 0 (Tikhonov) appends √α·I rows with zero targets to X at solve time, on a
 * copy of R and C (so the accumulator stays mergeable and other α can be tried on the same rows); the
 * intercept's column gets no ridge row, so the bias is not penalised.
 *
 * <h2>Determinism</h2>
 * The result depends only on the rows, their order, the options and the CPU's vector width: not on the
 * thread count, nor on which JIT tier ran. Every product goes through
 * {@link dev.jtc.engine.linalg.DenseKernels}, whose contract fixes each output element's operation
 * sequence (K cut into blocks of 256 from 0, each summed from zero by fused multiply-adds in k order,
 * then added); threads split output columns, never K. No lane reductions ({@code reduceLanes}) or
 * transcendental lane operations are used, since interpreter and C2 may order or round them
 * differently; vector dot products sum their lanes one by one in lane order. The scalar twin
 * ({@link dev.jtc.engine.linalg.DenseKernels#scalar()}) gives the same bits. Threads:
 * {@code -Djtc.threads}, default the available processors.
 */
package dev.jtc.engine.linalg;
