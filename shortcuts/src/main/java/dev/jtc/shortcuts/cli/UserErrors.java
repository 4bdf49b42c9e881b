package dev.jtc.shortcuts.cli;

import dev.jtc.weights.WeightsException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * Turns the exceptions that mean "bad input" into one line on stderr and exit code 2.
 * Anything else is a bug in jtc and keeps its stack trace.
 */
public final class UserErrors implements CommandLine.IExecutionExceptionHandler {

    static final int EXIT_USER_ERROR = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
        String message = userMessage(e);
        if (message == null) throw e;
        cl.getErr().println("jtc " + cl.getCommandName() + ": " + message);
        cl.getErr().flush();
        return EXIT_USER_ERROR;
    }

    private static String userMessage(Throwable e) {
        if (e instanceof UncheckedIOException u) e = u.getCause();
        if (e instanceof WeightsException || e instanceof IllegalArgumentException) return e.getMessage();
        if (e instanceof NoSuchFileException n) return "no such file: " + n.getFile() + ".";
        if (e instanceof IOException io) return io.getMessage();
        return null;
    }
}
