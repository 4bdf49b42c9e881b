package dev.jtc.shortcuts.cli;

import picocli.CommandLine.Command;

/** Placeholder: `jtc hidden` is being built (see the issue tracker). */
@Command(name = "hidden", mixinStandardHelpOptions = true, description = "Not built yet.")
final class HiddenCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("'hidden' is not built yet.");
    }
}
