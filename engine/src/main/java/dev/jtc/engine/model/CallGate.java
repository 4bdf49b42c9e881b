package dev.jtc.engine.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets any number of threads call into a model at once, and lets {@code close()} free the model's memory only
 * once no call is using it. A call counts itself in and then reads the closed flag; close sets the flag and then
 * reads the count. Both are sequentially consistent (an atomic counter, a volatile flag), so of a call and a close
 * that race, either the call sees the flag and backs out, or close sees the call and waits for it to leave: no
 * arena is closed under a call in flight, which FFM would answer with an exception in that call or worse. A call
 * costs one atomic increment and one decrement, and takes no lock.
 */
final class CallGate {

    /** How often a closing thread looks again; calls last from microseconds (one logit row) to seconds (a long pass). */
    private static final long POLL_NANOS = 100_000;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /** Counts a call in, or refuses it with one sentence once the model is closed. */
    void enter() {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            throw new IllegalStateException("this model is closed: load it again to run it.");
        }
    }

    void leave() {
        inFlight.decrementAndGet();
    }

    boolean isClosed() {
        return closed;
    }

    /** Refuses new calls, then returns once every call already in has left. */
    void closeAndDrain() {
        closed = true;
        while (inFlight.get() != 0) LockSupport.parkNanos(POLL_NANOS);
    }
}
