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
 * tails, with the original as its cause. Stateless but for the supplier; any thread.
 */
final class NodeLogsOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

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
        StringBuilder message = new StringBuilder(String.valueOf(failure.getMessage()));
        for (DistributionNode n : nodes.get()) {
            message.append("\n").append(n.tail());
        }
        return new AssertionError(message.toString(), failure);
    }
}
