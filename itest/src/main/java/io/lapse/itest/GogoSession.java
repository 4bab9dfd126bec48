package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/**
 * A Gogo session of the framework's {@link CommandProcessor}, as a console opens one: lines are
 * parsed and run by Gogo, and what a command prints reaches the session's own output stream.
 */
final class GogoSession implements AutoCloseable {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandSession session;

    GogoSession(CommandProcessor processor) {
        session = processor.createSession(new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /**
     * Runs one typed line.
     *
     * @return what the line printed to the session
     * @throws AssertionError if the command returned a value instead of printing it (a value that
     *     Karaf's SSH exec would drop)
     * @throws Exception what the command threw
     */
    synchronized String run(String line) throws Exception {
        // Gogo runs the command in a pipe thread of its own, which writes to out
        out.reset();
        assertNull(session.execute(line), line + " prints its output rather than returning it");
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Runs one typed line, whatever it does, and tells what that was.
     *
     * @return the line's value, what it printed to the session's output and error streams, and
     *     the exception it ended with, if any; an {@code Error} is not caught
     */
    synchronized Outcome execute(String line) {
        out.reset();
        int errBefore = err.size();
        Object value = null;
        Exception thrown = null;
        try {
            value = session.execute(line);
        } catch (Exception e) {
            thrown = e;
        }
        byte[] errors = err.toByteArray();
        return new Outcome(value, out.toString(StandardCharsets.UTF_8),
            new String(errors, errBefore, errors.length - errBefore, StandardCharsets.UTF_8), thrown);
    }

    /** What one line did; see {@link #execute}. */
    static final class Outcome {
        final Object value;
        final String out;
        final String err;
        final Exception thrown;

        Outcome(Object value, String out, String err, Exception thrown) {
            this.value = value;
            this.out = out;
            this.err = err;
            this.thrown = thrown;
        }
    }

    /** What the session's commands wrote to its error stream so far. */
    String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        session.close();
    }
}
