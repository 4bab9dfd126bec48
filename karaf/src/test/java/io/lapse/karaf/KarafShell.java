package io.lapse.karaf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Karaf's shell as a person uses it: {@code bin/client} logs in over SSH as a user and either
 * gets an interactive session, into which the commands are typed one line after another, then
 * {@code logout} ({@link #run}), or runs one command given as its argument, SSH "exec"
 * ({@link #exec}), as a script does.
 *
 * <p>The client's stdin stays open until it has finished: at the end of its input the client
 * loses output or hangs.
 */
final class KarafShell {

    /** ANSI escape sequences (colours, cursor moves) the shell writes around prompts and errors. */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
    /**
     * The prompt ({@code user@root()> }), with the spaces of its redraws: the console writes it
     * again while output arrives, so a command's output may start on the prompt's line.
     */
    private static final Pattern PROMPT = Pattern.compile("[\\w.-]+@root\\(\\)> *");

    private final KarafHome karaf;
    private final String user;
    private final String password;

    KarafShell(KarafHome karaf, String user, String password) {
        this.karaf = karaf;
        this.user = user;
        this.password = password;
    }

    /**
     * Logs in, types the commands and logs out.
     *
     * @param timeout how long the whole session may take
     * @param commands the lines to type
     * @return everything the session printed (echoed commands included), without ANSI escapes
     *     and carriage returns, each prompt replaced by a line break, so that every command and
     *     every line of output starts a line
     * @throws AssertionError if the client does not finish within the timeout, or fails
     */
    String run(Duration timeout, List<String> commands) throws IOException, InterruptedException {
        List<String> typed = new ArrayList<>(commands);
        typed.add("logout");
        return client(timeout, List.of(), typed);
    }

    /**
     * Runs one command line as the client's argument (SSH exec), where Karaf prints only what a
     * command prints itself and drops what it returns.
     *
     * @return everything the client printed, cleaned as by {@link #run}
     * @throws AssertionError if the client does not finish within the timeout, or fails
     */
    String exec(Duration timeout, String command) throws IOException, InterruptedException {
        return client(timeout, List.of(command), List.of());
    }

    private String client(Duration timeout, List<String> arguments, List<String> commands)
        throws IOException, InterruptedException {
        Path output = Files.createTempFile(karaf.home(), "client-", ".log");
        List<String> line = new ArrayList<>(List.of(karaf.home().resolve("bin/client").toString(),
            "-h", "127.0.0.1", "-a", Integer.toString(karaf.sshPort()), "-u", user, "-p", password,
            "-r", "10", "-d", "1"));
        line.addAll(arguments);
        List<String> what = arguments.isEmpty() ? commands : arguments;
        ProcessBuilder builder = new ProcessBuilder(line)
            .directory(karaf.home().toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        try {
            OutputStream stdin = client.getOutputStream();
            for (String command : commands) {
                stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            }
            stdin.flush();
            boolean ended = client.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String printed = clean(Files.readString(output, StandardCharsets.UTF_8));
            if (!ended) {
                throw new AssertionError("bin/client did not finish " + what + " within " + timeout.toSeconds()
                    + " s; it printed:\n" + printed);
            }
            if (client.exitValue() != 0) {
                throw new AssertionError("bin/client ended with " + client.exitValue() + " running " + what
                    + "; it printed:\n" + printed);
            }
            return printed;
        } finally {
            client.destroyForcibly();
            client.waitFor(KarafProcess.STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            Files.deleteIfExists(output);
        }
    }

    private static String clean(String printed) {
        String plain = ANSI.matcher(printed).replaceAll("").replace("\r", "");
        return PROMPT.matcher(plain).replaceAll("\n");
    }
}
