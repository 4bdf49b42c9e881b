package dev.jtc.spark;

/** The tokens a partition ran and Σ‖y‖² of its training rows per state: sums, merged by adding. */
record TallyPiece(long tokens, double[] trainSumOfSquares) implements Piece {

    @Override
    public Piece merge(Piece other) {
        TallyPiece o = (TallyPiece) other;
        double[] sums = trainSumOfSquares.clone();
        for (int s = 0; s < sums.length; s++) sums[s] += o.trainSumOfSquares[s];
        return new TallyPiece(tokens + o.tokens, sums);
    }
}
