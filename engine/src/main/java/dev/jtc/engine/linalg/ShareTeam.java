package dev.jtc.engine.linalg;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed team of threads for the product kernel: a job is cut into fixed shares, and the caller plus
 * {@code size − 1} daemon workers claim shares until none is left. Claiming (rather than assigning
 * share i to thread i) means a caller on a busy machine never waits for a worker the OS has not
 * scheduled, and with more shares than threads a thread the OS slows down simply takes fewer. Which
 * thread runs a share never changes what the share computes, so results do not depend on scheduling.
 */
final class ShareTeam {

    /** One share of a job; must touch only its own part of the output. */
    interface Share {
        void run(int share, int shares);
    }

    private final int size;
    private final ExecutorService workers;

    ShareTeam(int size) {
        if (size < 1) throw new IllegalArgumentException("the solver thread count must be at least 1, got " + size + ".");
        this.size = size;
        this.workers = size == 1 ? null : Executors.newFixedThreadPool(size - 1, r -> {
            Thread t = new Thread(r, "jtc-linalg");
            t.setDaemon(true);
            return t;
        });
    }

    int size() {
        return size;
    }

    /** Runs shares 0 … shares−1 and returns when all are done; rethrows the first failure. */
    void run(int shares, Share job) {
        if (size == 1) {
            for (int s = 0; s < shares; s++) job.run(s, shares);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(shares);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable claimer = () -> {
            for (int s; (s = next.getAndIncrement()) < shares; ) {
                try {
                    job.run(s, shares);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int i = 1; i < Math.min(size, shares); i++) workers.execute(claimer);
        claimer.run();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the solver's threads", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException("a solver thread failed", f);
    }
}
