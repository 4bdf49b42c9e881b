package dev.jtc.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed team of persistent threads for the kernels: the caller is member 0, {@code size − 1}
 * daemon workers are the rest. A job is cut into {@code size} fixed shares (so every output element
 * is computed the same way whatever runs it). Between jobs a worker spins briefly (a forward pass
 * issues the next matmul within microseconds) and then parks, so an idle engine costs no CPU.
 *
 * <p>Each share is claimed before it runs. When the caller has finished its own share it claims
 * and runs any share no worker has started yet: on a busy machine, where the OS has not scheduled a
 * worker, the caller does not sit waiting for it.
 *
 * <p>One job at a time: a second caller that finds the team busy gets {@code false} from
 * {@link #tryAcquire} and does its work alone, on its own thread, rather than waiting.
 *
 * <p>{@link #close} ends the workers. It takes the team first, so it waits for a job in flight rather than
 * stranding its caller on shares no worker will run; the team's name ({@code jtc-kernel-<team>-<member>}) is
 * unique in the process, so a test or a thread dump can tell whose workers are still alive.
 */
final class WorkerPool {

    /**
     * Work cut into {@code shares} fixed parts; {@code executor} is the thread running part {@code share}
     * (0 for the caller, i for worker i), for choosing that thread's scratch buffers. Must not throw for
     * valid arguments.
     */
    interface Job {
        void run(int share, int shares, int executor);
    }

    private static final long SPIN_NANOS = 200_000;
    private static final AtomicInteger TEAMS = new AtomicInteger();

    private final int size;
    private final String name;
    private final Thread[] threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    /** The generation that last claimed each share. */
    private final AtomicLongArray claims;
    private final AtomicIntegerArray sleeping;
    private volatile Job job;
    private volatile long generation;
    private volatile Throwable failure;
    private volatile boolean closed;

    WorkerPool(int size) {
        if (size < 1) throw new IllegalArgumentException("the kernel thread count must be at least 1, got " + size + ".");
        this.size = size;
        this.name = "jtc-kernel-" + TEAMS.incrementAndGet();
        this.threads = new Thread[size - 1];
        this.claims = new AtomicLongArray(size);
        this.sleeping = new AtomicIntegerArray(Math.max(1, size - 1));
        for (int i = 1; i < size; i++) {
            int member = i;
            Thread t = new Thread(() -> loop(member), name + "-" + i);
            t.setDaemon(true);
            threads[i - 1] = t;
            t.start();
        }
    }

    int size() {
        return size;
    }

    /** The prefix of every worker's thread name. */
    String name() {
        return name;
    }

    /** Throws the closed team's one sentence; a cheap volatile read for every kernel call. */
    void requireOpen() {
        if (closed) throw new IllegalStateException("these kernels are closed (their threads " + name + "-* have ended).");
    }

    /**
     * Whether the workers may touch {@code s}: a segment of a confined arena belongs to its owner thread
     * alone, so work on it stays on the caller (correct, but on one core).
     */
    boolean reaches(MemorySegment s) {
        return s == null || threads.length == 0 || s.isAccessibleBy(threads[0]);
    }

    /**
     * Claims the team for one job; false when another thread holds it (that caller then works alone).
     *
     * @throws IllegalStateException when the team was closed since the caller's last check: its workers are gone
     */
    boolean tryAcquire() {
        if (!lock.tryLock()) return false;
        if (closed) {
            lock.unlock();
            requireOpen();
        }
        return true;
    }

    void release() {
        lock.unlock();
    }

    /** Runs every share of {@code j} and returns when all are done; the caller must hold the team. */
    void run(Job j) {
        if (size == 1) {
            j.run(0, 1, 0);
            return;
        }
        failure = null;
        job = j;
        pending.set(size - 1);
        long g = generation + 1;
        generation = g; // the volatile write that publishes the job to the workers
        for (int i = 0; i < threads.length; i++) {
            if (sleeping.get(i) != 0) LockSupport.unpark(threads[i]);
        }
        Throwable own = null;
        try {
            j.run(0, size, 0);
        } catch (Throwable t) {
            own = t;
        }
        for (int share = 1; share < size; share++) {
            if (!claim(share, g)) continue;
            try {
                j.run(share, size, 0);
            } catch (Throwable t) {
                if (own == null) own = t;
            } finally {
                pending.decrementAndGet();
            }
        }
        awaitWorkers();
        job = null;
        Throwable f = own != null ? own : failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException("a kernel worker failed", f);
    }

    /**
     * Claims share {@code share} of generation {@code g}. Claims only move forward: a worker that read
     * generation g but got here only after the caller claimed the share for g+1 must fail, or it would run
     * the newer job's share a second time.
     */
    private boolean claim(int share, long g) {
        long last = claims.get(share);
        return last < g && claims.compareAndSet(share, last, g);
    }

    /**
     * Ends the workers and returns once they have terminated; later jobs are refused. Idempotent. Must not be
     * called from inside a job (the caller holds the team until the job ends).
     */
    void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            // Unconditionally: a worker between its last check and park() keeps the permit and returns at once.
            for (Thread t : threads) LockSupport.unpark(t);
        } finally {
            lock.unlock();
        }
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the workers still end on their own; only the wait is cut short
        }
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        while (pending.get() != 0) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    private void loop(int member) {
        long seen = 0;
        int slot = member - 1;
        while (true) {
            long start = System.nanoTime();
            int spins = 0;
            while (generation == seen) {
                if (closed) return;
                if ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping.set(slot, 1);
                if (generation == seen) LockSupport.park(this);
                sleeping.set(slot, 0);
            }
            seen = generation;
            // Only a claimed share may run; the job is read after the claim, while the caller still waits for it.
            if (!claim(member, seen)) continue;
            Job j = job;
            try {
                j.run(member, size, member);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }
}
