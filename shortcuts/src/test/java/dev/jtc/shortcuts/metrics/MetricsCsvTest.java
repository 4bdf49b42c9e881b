package dev.jtc.shortcuts.metrics;

import dev.jtc.shortcuts.mappings.Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsCsvTest {

    @Test
    void valuesRoundTripExactlyWithKOnlyForPrecision(@TempDir Path dir) throws Exception {
        List<MetricValue> values = List.of(new MetricValue(Mapping.MAT, 3, Metric.PRECISION, 5, 2.0 / 3, 0.6, 0.1 + 0.62),
                new MetricValue(Mapping.MAT_LN, 12, Metric.SURPRISAL, 0, 1e-9, 0, 3.25),
                new MetricValue(Mapping.ID, 0, Metric.KL, 0, 11.5, 10, 13));
        Path file = dir.resolve("metrics.csv");
        MetricsCsv.write(file, values);
        assertEquals("""
                mapping,layer,metric,k,value,lo,hi
                mat,3,precision,5,0.6666666666666666,0.6,0.72
                mat_ln,12,surprisal,,1.0E-9,0.0,3.25
                id,0,kl,,11.5,10.0,13.0
                """, Files.readString(file));
        assertEquals(values, MetricsCsv.read(file));
    }

    @Test
    void aBadLineIsOneSentenceNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.csv");
        String header = "mapping,layer,metric,k,value,lo,hi\n";
        assertMessage(file, header + "mat,3,precision,,0.5,0.4,0.6\n",
                file + " line 2: precision needs k, a whole number from 1 to 10, got \"\".");
        assertMessage(file, header + "mat,3,kl,5,0.5,0.4,0.6\n", file + " line 2: kl has no k, but the k field is \"5\".");
        assertMessage(file, header + "mat,3,recall,1,0.5,0.4,0.6\n",
                file + " line 2: unknown metric \"recall\"; expected precision, surprisal or kl.");
        assertMessage(file, header + "mat,-1,kl,,0.5,0.4,0.6\n", file + " line 2: layer must be a whole number from 0, got \"-1\".");
        assertMessage(file, header + "mat,1,kl,,0.5,0.4\n", file
                + " line 2: expected 7 comma-separated fields (mapping,layer,metric,k,value,lo,hi), found 6.");
        assertMessage(file, header + "mat,1,kl,,0.5,low,0.6\n", file + " line 2: lo \"low\" is not a number.");
    }

    private static void assertMessage(Path file, String contents, String message) throws Exception {
        Files.writeString(file, contents);
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> MetricsCsv.read(file)).getMessage());
    }
}
