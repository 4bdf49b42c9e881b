package dev.jtc.shortcuts.cli;

import picocli.CommandLine.Command;

/** Placeholder: `jtc inspect` is being built (see the issue tracker). */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Not built yet.")
final class InspectCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("'inspect' is not built yet.");
    }
}
