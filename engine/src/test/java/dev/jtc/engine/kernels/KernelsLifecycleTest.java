package dev.jtc.engine.kernels;

import dev.jtc.engine.kernels.Kernels.WeightLayout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who owns the kernels' threads and the packed weights, and what a closed team answers. */
class KernelsLifecycleTest {

    private static final int K = 64, N = 96, M = 32; // 196 608 multiply-adds: enough to wake the team

    @Test
    void closingOwnKernelsEndsTheirThreadsAndRefusesLaterCalls() throws Exception {
        VectorKernels kernels = (VectorKernels) Kernels.vector(2);
        String team = kernels.teamName() + "-";
        assertEquals(1, threadsNamed(team).size(), "one worker besides the caller");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = ones(arena, M * K), w = ones(arena, K * N), c = arena.allocate((long) M * N * Float.BYTES);
            PackedWeights p = kernels.pack(w, K, N, WeightLayout.IN_OUT, arena);
            kernels.matmul(a, 0, K, M, p, null, c, 0, N);
            assertEquals(K, c.getAtIndex(ValueLayout.JAVA_FLOAT, (long) M * N - 1));

            kernels.close();
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (!threadsNamed(team).isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(List.of(), threadsNamed(team), "worker threads alive a second after close()");

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernels.matmul(a, 0, K, M, p, null, c, 0, N));
            assertTrue(e.getMessage().startsWith("these kernels are closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> kernels.layerNorm(a, 0, a, 0, 1, K, a, a, 1e-5f));
            assertThrows(IllegalStateException.class, () -> kernels.pack(w, K, N, WeightLayout.IN_OUT, arena));
            kernels.close(); // idempotent
        }
    }

    @Test
    void theSharedKernelsOutliveAClose() {
        Kernels shared = Kernels.vector();
        shared.close();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = ones(arena, M * K), c = arena.allocate((long) M * N * Float.BYTES);
            shared.matmul(a, 0, K, M, shared.pack(ones(arena, K * N), K, N, WeightLayout.IN_OUT, arena), null, c, 0, N);
            assertEquals(K, c.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    @Test
    void packedWeightsLiveInTheArenaTheyWerePackedInto() {
        try (Kernels kernels = Kernels.vector(1); Arena data = Arena.ofShared()) {
            MemorySegment a = ones(data, K), c = data.allocate((long) N * Float.BYTES);
            Arena weights = Arena.ofShared();
            PackedWeights p = kernels.pack(ones(data, K * N), K, N, WeightLayout.OUT_IN, weights);
            kernels.matmul(a, 0, K, 1, p, null, c, 0, N);
            weights.close();
            // FFM's own answer for freed memory: an exception, never a read of it.
            assertThrows(IllegalStateException.class, () -> kernels.matmul(a, 0, K, 1, p, null, c, 0, N));
        }
    }

    @Test
    void aTeamClosedWhileAnotherThreadComputesNeverStrandsIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            Kernels kernels = Kernels.vector(2);
            try (Arena arena = Arena.ofShared()) {
                MemorySegment a = ones(arena, M * K), c = arena.allocate((long) M * N * Float.BYTES);
                PackedWeights p = kernels.pack(ones(arena, K * N), K, N, WeightLayout.IN_OUT, arena);
                Throwable[] unexpected = new Throwable[1];
                Thread caller = new Thread(() -> {
                    try {
                        while (true) kernels.matmul(a, 0, K, M, p, null, c, 0, N);
                    } catch (IllegalStateException closed) {
                        // the only way out
                    } catch (Throwable t) {
                        unexpected[0] = t;
                    }
                });
                caller.start();
                Thread.sleep(5);
                kernels.close();
                caller.join(10_000);
                assertFalse(caller.isAlive(), "a matmul racing close() hung");
                if (unexpected[0] != null) throw new AssertionError(unexpected[0]);
            }
        }
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).map(Thread::getName).toList();
    }

    private static MemorySegment ones(Arena arena, long floats) {
        MemorySegment s = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
        return s;
    }
}
