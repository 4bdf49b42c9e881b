package dev.jtc.shortcuts.cli;

import picocli.CommandLine.Command;

/** Placeholder: `jtc convert` is being built (see the issue tracker). */
@Command(name = "convert", mixinStandardHelpOptions = true, description = "Not built yet.")
final class ConvertCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("'convert' is not built yet.");
    }
}
