package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EarlyExitCsvTest {

    @Test
    void sweepAndFixedPointsRoundTripExactly(@TempDir Path dir) throws Exception {
        List<ExitPoint> points = List.of(new ExitPoint(Mapping.ID, 1.0112, 7.0 / 3, 0.1 + 0.2),
                new ExitPoint(Mapping.MAT_ATTN, -1.112, 1, 1e-7), new ExitPoint(Mapping.MAT, Double.NaN, 12, 1.0));
        Path file = dir.resolve("early_exit.csv");
        EarlyExitCsv.write(file, points);
        assertEquals("""
                mapping,lambda,mean_layers,precision1
                id,1.0112,2.3333333333333335,0.30000000000000004
                mat_attn,-1.112,1.0,1.0E-7
                mat,,12.0,1.0
                """, Files.readString(file));
        assertEquals(points, EarlyExitCsv.read(file));
    }

    @Test
    void aBadLineIsOneSentenceNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("early_exit.csv");
        assertMessage(file, "mapping,lambda,mean_layers,precision1\nmat,0.5,2.0\n",
                file + " line 2: expected 4 comma-separated fields (mapping,lambda,mean_layers,precision1), found 3.");
        assertMessage(file, "mapping,lambda,mean_layers,precision1\nmat,0.5,two,1\n",
                file + " line 2: mean_layers \"two\" is not a number.");
        assertMessage(file, "mapping,lambda,mean_layers,precision1\nmatt,0.5,2,1\n", file
                + " line 2: unknown mapping \"matt\"; expected one of id, mat, mat_attn, mat_ffn, mat_ln, affine.");
        assertMessage(file, "mapping,lambda\n", file + ": does not start with the header \"mapping,lambda,mean_layers,precision1\".");
    }

    private static void assertMessage(Path file, String contents, String message) throws Exception {
        Files.writeString(file, contents);
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> EarlyExitCsv.read(file)).getMessage());
    }
}
