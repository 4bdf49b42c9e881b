package dev.jtc.engine.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolTest {

    @Test
    void everyShareRunsExactlyOncePerJob() {
        WorkerPool pool = new WorkerPool(3);
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        for (int job = 1; job <= 3000; job++) {
            assertTrue(pool.tryAcquire());
            try {
                // Every 100th job the caller is slow, so workers take their shares; otherwise it may take them.
                boolean slowCaller = job % 100 == 0;
                pool.run((share, shares, executor) -> {
                    assertEquals(3, shares);
                    if (slowCaller && executor == 0 && share == 0) {
                        long until = System.nanoTime() + 200_000;
                        while (System.nanoTime() < until) Thread.onSpinWait();
                    }
                    runs.incrementAndGet(share);
                });
            } finally {
                pool.release();
            }
            for (int s = 0; s < 3; s++) assertEquals(job, runs.get(s), "share " + s + " after job " + job);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost share used to hang the caller
    void backToBackJobsWithAFastCallerNeverRunAShareTwice() {
        // The caller steals unstarted shares; a worker that wakes late must not run a newer job's share.
        WorkerPool pool = new WorkerPool(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(2);
        for (int job = 1; job <= 200_000; job++) {
            assertTrue(pool.tryAcquire());
            try {
                pool.run((share, shares, executor) -> runs.incrementAndGet(share));
            } finally {
                pool.release();
            }
            if (runs.get(1) != job || runs.get(0) != job) {
                throw new AssertionError("after job " + job + ": shares ran " + runs.get(0) + " and " + runs.get(1) + " times");
            }
        }
    }

    @Test
    void aFailingShareIsRethrownAndTheTeamStaysUsable() {
        WorkerPool pool = new WorkerPool(2);
        assertTrue(pool.tryAcquire());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run((share, shares, executor) -> {
                if (share == 1) throw new IllegalStateException("share 1 failed");
            }));
            assertEquals("share 1 failed", e.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            pool.run((share, shares, executor) -> runs.incrementAndGet(share));
            assertEquals(1, runs.get(0));
            assertEquals(1, runs.get(1));
        } finally {
            pool.release();
        }
    }

    @Test
    void aBusyTeamIsReportedNotWaitedFor() throws Exception {
        WorkerPool pool = new WorkerPool(2);
        assertTrue(pool.tryAcquire());
        try {
            boolean[] other = new boolean[1];
            Thread t = new Thread(() -> other[0] = pool.tryAcquire());
            t.start();
            t.join();
            assertEquals(false, other[0]);
        } finally {
            pool.release();
        }
    }
}
