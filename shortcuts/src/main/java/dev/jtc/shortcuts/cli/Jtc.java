package dev.jtc.shortcuts.cli;

import dev.jtc.shortcuts.fit.Fit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jtc} command line: one sub-command per job. */
@Command(name = "jtc",
        mixinStandardHelpOptions = true,
        version = "jtc " + Fit.VERSION,
        description = "Jump to conclusions: a pure-Java GPT-2/BERT engine with linear shortcuts and early exit.",
        subcommands = {
                InspectCommand.class,
                ConvertCommand.class,
                TokenizeCommand.class,
                PredictCommand.class,
                GenerateCommand.class,
                HiddenCommand.class,
                FitCommand.class,
                RunCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Jtc implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; user errors print one sentence, no stack trace. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Jtc());
        cl.setExecutionExceptionHandler(new UserErrors());
        return cl.execute(args);
    }
}
