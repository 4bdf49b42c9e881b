package dev.jtc.engine.model;

import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingStream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test helper: the methods this JVM's C2 has compiled so far (as {@code Class::method}, simple class names),
 * from JFR's compilation events streamed in-process, so a run under default flags can tell when its
 * kernels are C2 code without extra JVM options.
 */
final class C2Compilations implements AutoCloseable {

    private static final int C2_LEVEL = 4;

    private final Set<String> compiled = ConcurrentHashMap.newKeySet();
    private final RecordingStream stream = new RecordingStream();

    C2Compilations() {
        // Every compilation, not only those over the default 1 s threshold.
        stream.enable("jdk.Compilation").withoutThreshold();
        stream.onEvent("jdk.Compilation", e -> {
            if (e.getShort("compileLevel") == C2_LEVEL && e.getBoolean("succeded")) {
                RecordedMethod m = e.getValue("method");
                String type = m.getType().getName();
                compiled.add(type.substring(type.lastIndexOf('.') + 1) + "::" + m.getName());
            }
        });
        stream.startAsync();
    }

    boolean containsAll(Set<String> methods) {
        return compiled.containsAll(methods);
    }

    @Override
    public void close() {
        stream.close();
    }
}
