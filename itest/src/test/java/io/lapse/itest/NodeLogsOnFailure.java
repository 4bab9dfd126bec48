package io.lapse.itest;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Adds the tails of the nodes' console logs to whatever a test, or a method that sets up or tears
 * down the nodes, throws: what the nodes said is where a cluster's failure shows. The failure is
 * thrown again as an {@link AssertionError} whose message is the original's followed by the
 * tails and by the original message again (a CI log often keeps only its last lines), with the
 * original as its cause. Stateless but for the supplier; any thread.
 */
final class NodeLogsOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    /** The most of the original message said again after the tails. */
    private static final int RESTATED_CHARS = 4_000;

    private final Supplier<List<DistributionNode>> nodes;

    /** @param nodes gives the nodes at the moment of a failure */
    NodeLogsOnFailure(Supplier<List<DistributionNode>> nodes) {
        this.nodes = nodes;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withTails(failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withTails(failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withTails(failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withTails(failure);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withTails(failure);
    }

    private AssertionError withTails(Throwable failure) {
        String said = String.valueOf(failure.getMessage());
        StringBuilder message = new StringBuilder(said);
        for (DistributionNode n : nodes.get()) {
            message.append("\n").append(n.tail());
        }
        // and the failure once more below the tails, where a log cut to its last lines still shows it
        message.append("\n---- the failure, again ----\n")
            .append(said.length() <= RESTATED_CHARS ? said : said.substring(0, RESTATED_CHARS) + "...");
        return new AssertionError(message.toString(), failure);
    }
}
