package dev.jtc.shortcuts.cli;

import com.sun.management.ThreadMXBean;
import dev.jtc.shortcuts.Prediction;
import dev.jtc.shortcuts.Shortcuts;
import dev.jtc.shortcuts.exit.ExitRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library API on a small random GPT-2 and its fitted maps: calls from several threads give what one thread
 * gives, close() is safe while calls run, and bad calls get one sentence.
 */
class ShortcutsTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path maps;
    static final List<ExitRule> RULES = List.of(ExitRule.paper(0.2), ExitRule.paper(0.8), ExitRule.parse("id:0.5"), ExitRule.fixed(1),
            ExitRule.fixed(2), ExitRule.paper(1.112));

    @BeforeAll
    static void fit() throws Exception {
        Path run = TinyGpt2.fittedRun(dir);
        model = dir.resolve("tiny-gpt2");
        maps = run.resolve("maps.safetensors");
    }

    private static List<String> inputs() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) texts.add(String.join(" ", List.of(FitCommandTest.WORDS).subList(i, i + 3 + i % 5)));
        return texts;
    }

    /** A prediction as comparable text: exit layer, then every top token with its probability's exact bits. */
    private static String key(Prediction p) {
        StringBuilder b = new StringBuilder().append(p.exitLayer());
        p.top().forEach(t -> b.append(' ').append(t.token()).append(':').append(Double.doubleToRawLongBits(t.probability())));
        return b.toString();
    }

    @Test
    void fourThreadsGetWhatOneThreadGets() throws Exception {
        try (Shortcuts jtc = Shortcuts.load(model.toString(), maps)) {
            List<String> texts = inputs();
            List<String> expected = new ArrayList<>();
            for (String text : texts) for (ExitRule rule : RULES) expected.add(key(jtc.nextToken(text, rule)));
            assertTrue(expected.stream().anyMatch(k -> k.startsWith("1 ")) && expected.stream().anyMatch(k -> k.startsWith("3 ")),
                    "the rules should exit at different layers: " + expected);
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    results.add(pool.submit(() -> {
                        List<String> got = new ArrayList<>();
                        for (int round = 0; round < 5; round++) {
                            for (String text : texts) for (ExitRule rule : RULES) got.add(key(jtc.nextToken(text, rule)));
                        }
                        return got;
                    }));
                }
                for (Future<List<String>> f : results) {
                    List<String> got = f.get();
                    for (int i = 0; i < got.size(); i++) assertEquals(expected.get(i % expected.size()), got.get(i), "call " + i);
                }
            }
        }
    }

    @Test
    void closeWaitsForRunningCallsAndRefusesNewOnes() throws Exception {
        Shortcuts jtc = Shortcuts.load(model.toString(), maps);
        String expected = key(jtc.nextToken("the council and parliament", ExitRule.paper(0.5)));
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                callers.add(pool.submit(() -> {
                    while (true) {
                        try {
                            assertEquals(expected, key(jtc.nextToken("the council and parliament", ExitRule.paper(0.5))));
                            completed.incrementAndGet();
                        } catch (IllegalStateException e) {
                            assertTrue(e.getMessage().contains("closed"), e.getMessage());
                            refused.incrementAndGet();
                            return null;
                        }
                    }
                }));
            }
            while (completed.get() < 30) Thread.onSpinWait();
            jtc.close();
            for (Future<?> f : callers) f.get();
        }
        assertEquals(3, refused.get());
        IllegalStateException after = assertThrows(IllegalStateException.class, () -> jtc.nextToken("the", ExitRule.fixed(1)));
        assertTrue(after.getMessage().contains("closed"), after.getMessage());
        jtc.close(); // twice is harmless
    }

    private static final long BOUND = 32_768;

    @Test
    void aWarmCallAllocatesLittle() {
        try (Shortcuts jtc = Shortcuts.load(model.toString(), maps)) {
            int[] ids = {116, 104, 101, 32, 99, 111};
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            // Steady state: until the JIT has compiled every kernel, vectors still live on the heap (a kernel C2
            // never compiles costs hundreds of kilobytes a call). The bound is not the result's size: with this tiny
            // model's odd widths and lengths, masked tail operations of the attention softmax, GELU and add still
            // box their vectors (about 10 KB a call); on bert-base-uncased a call allocates about 2.2 KB, a
            // pass without the result about 1.2 KB (bench/run-exit measures it with -prof gc).
            long perCall = Long.MAX_VALUE;
            int calls = 2_000;
            for (int round = 0; round < 40 && perCall >= BOUND; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) jtc.nextToken(ids, ExitRule.paper(0.5));
                perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
            }
            // The result alone (ten TokenScores, ten strings, two lists, a Duration) is about 1.5 KB.
            System.out.println("ShortcutsTest: " + perCall + " bytes allocated per call on the calling thread");
            assertTrue(perCall < BOUND, perCall + " bytes allocated per call");
        }
    }

    @Test
    void badCallsGetOneSentence() {
        try (Shortcuts jtc = Shortcuts.load(model.toString(), maps)) {
            IllegalArgumentException bert = assertThrows(IllegalArgumentException.class,
                    () -> jtc.predictMasked("the [MASK] .", ExitRule.paper(0.5)));
            assertTrue(bert.getMessage().contains("needs a BERT model"), bert.getMessage());
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> jtc.nextToken(new int[65], ExitRule.paper(0.5)));
            assertTrue(tooLong.getMessage().contains("more than the model's 64 positions"), tooLong.getMessage());
        }
        RuntimeException other = assertThrows(RuntimeException.class,
                () -> Shortcuts.load(model.toString(), dir.resolve("no-such-maps.safetensors")));
        assertTrue(other.getMessage().contains("no-such-maps.safetensors"), other.getMessage());
    }
}
