package dev.jtc.shortcuts.cli;

import picocli.CommandLine.Command;

/** Placeholder: `jtc tokenize` is being built (see the issue tracker). */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Not built yet.")
final class TokenizeCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("'tokenize' is not built yet.");
    }
}
