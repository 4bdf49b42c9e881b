package dev.jtc.weights.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Turns a skipped test into a failed one when {@code JTC_REQUIRE_REFERENCES} is set (CI sets it).
 *
 * <p>Tests that compare us with an independent reference (TensorFlow Java, Hugging Face tokenizers, numpy,
 * the real BERT weights) abort through JUnit's assumptions when the reference cannot be had, so a developer
 * without python still gets a green build that says what it skipped. Under CI that would hide a check we
 * claim to make, so there an abort is a failure. Tests whose resource CI cannot have by design (a real GPT-2
 * in a local Hugging Face cache, say) carry {@code @Tag("optional-resource")} and may still skip.
 *
 * <p>Registered for every module's tests through the service loader (this module's test jar) and
 * {@code junit.jupiter.extensions.autodetection.enabled} in each module's {@code junit-platform.properties}.
 */
public final class RequiredReferences implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    static final String SWITCH = "JTC_REQUIRE_REFERENCES";
    static final String OPTIONAL = "optional-resource";

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw escalate(context, t);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw escalate(context, t);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw escalate(context, t);
    }

    private static Throwable escalate(ExtensionContext context, Throwable t) {
        if (!(t instanceof TestAbortedException) || !required() || context.getTags().contains(OPTIONAL)) return t;
        AssertionFailedError failure = new AssertionFailedError(SWITCH + " is set, so a missing reference fails the test: "
                + t.getMessage());
        failure.initCause(t);
        return failure;
    }

    private static boolean required() {
        String v = System.getenv(SWITCH);
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }
}
