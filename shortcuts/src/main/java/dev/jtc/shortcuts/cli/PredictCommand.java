package dev.jtc.shortcuts.cli;

import picocli.CommandLine.Command;

/** Placeholder: `jtc predict` is being built (see the issue tracker). */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Not built yet.")
final class PredictCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("'predict' is not built yet.");
    }
}
