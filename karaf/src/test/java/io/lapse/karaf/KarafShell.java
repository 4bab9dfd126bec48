package io.lapse.karaf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Karaf's shell as a person uses it: {@code bin/client} logs in over SSH as a user and gets an
 * interactive session, and the commands are typed into it one line after another, then
 * {@code logout}.
 *
 * <p>Interactive, because in the client's other mode (commands as arguments, SSH "exec") Karaf
 * prints nothing that a command returns, and the {@code cache:*} commands return their output.
 * The client's stdin stays open until it has logged out: at the end of its input the client
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
        Path output = Files.createTempFile(karaf.home(), "client-", ".log");
        ProcessBuilder builder = new ProcessBuilder(karaf.home().resolve("bin/client").toString(),
            "-h", "127.0.0.1", "-a", Integer.toString(karaf.sshPort()), "-u", user, "-p", password,
            "-r", "10", "-d", "1")
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
            stdin.write("logout\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            boolean ended = client.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String printed = clean(Files.readString(output, StandardCharsets.UTF_8));
            if (!ended) {
                throw new AssertionError("bin/client did not finish " + commands + " within " + timeout.toSeconds()
                    + " s; it printed:\n" + printed);
            }
            if (client.exitValue() != 0) {
                throw new AssertionError("bin/client ended with " + client.exitValue() + " running " + commands
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
