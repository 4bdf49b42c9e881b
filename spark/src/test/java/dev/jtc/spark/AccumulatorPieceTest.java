package dev.jtc.spark;

import dev.jtc.engine.linalg.LeastSquaresOptions;
import dev.jtc.engine.linalg.LeastSquaresSolution;
import dev.jtc.engine.linalg.TsqrAccumulator;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accumulator piece through Spark's own serializer, as the shuffle and the driver's fetch carry it: the copy
 * solves to the same bits, and its bytes are the accumulator's raw-double format, not a Java object graph.
 */
class AccumulatorPieceTest {

    @Test
    void sparksSerializerCarriesTheRawFormat() {
        int d = 32, targets = 4;
        LeastSquaresOptions options = LeastSquaresOptions.paper();
        TsqrAccumulator accumulator = new TsqrAccumulator(d, targets, d, options);
        Random random = new Random(5);
        double[] x = new double[300 * d];
        double[][] y = new double[targets][300 * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        for (double[] t : y) for (int i = 0; i < t.length; i++) t[i] = (float) random.nextGaussian();
        accumulator.addRows(300, x, y);

        SerializerInstance serializer = new JavaSerializer(new SparkConf()).newInstance();
        ByteBuffer bytes = serializer.serialize(new AccumulatorPiece(accumulator), ClassTag$.MODULE$.apply(Piece.class));
        long written = TsqrAccumulator.bytesWritten(d, targets, d, options);
        assertTrue(bytes.remaining() < written + 512, bytes.remaining() + " bytes on the wire for a " + written + "-byte accumulator");
        AccumulatorPiece copy = (AccumulatorPiece) serializer.<Piece>deserialize(bytes, ClassTag$.MODULE$.apply(Piece.class));

        LeastSquaresSolution ours = accumulator.solve(), theirs = copy.accumulator().solve();
        assertEquals(accumulator.rowCount(), copy.accumulator().rowCount());
        for (int t = 0; t < targets; t++) {
            assertArrayEquals(ours.map(t), theirs.map(t), "target " + t);
            assertEquals(ours.residualSumOfSquares(t), theirs.residualSumOfSquares(t), "target " + t);
        }
    }
}
