package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

/**
 * Model-checks the per-key operations of one table against {@link PerKeySpec} with Lincheck:
 * every interleaving Lincheck explores of a scenario (two operations first, three on each of two
 * threads, one after) must give results, values and {@code REMOVED} events, that some
 * sequential order of the same operations respecting real time gives. See {@link PerKeyModel}
 * for what is modelled and why writes never straddle a clock step.
 *
 * <p>Besides the random scenarios of each variant, the scenarios of the review's findings that
 * need a clock step inside a read run on their own, every interleaving Lincheck finds of them:
 * B5 (an idle read brings back an entry another read saw expire) and B4 (a match reports as
 * removed an idle entry it took out as expired). On the engine of e11fd64 the interleaving
 * Lincheck reports for both is a read that decided "live" before the clock step and extends the
 * deadline after another thread saw the entry gone, which is the findings' cause; B4's own
 * symptom (the match counting k4 and reporting it REMOVED) is the same interleaving with the
 * read's extension landing one switch later, inside the match.
 *
 * <p>Run alone: {@code mvn -pl impl -am test -Dtest=PerKeyLinearizabilityTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PerKeyLinearizabilityTest {

    /*
     * Budget: an interleaving costs about 5 ms here (2 cores), so 50 per scenario covers the
     * interleavings with one or two thread switches of a scenario of 2 + 2x3 + 1 operations; the
     * rest of the budget goes to more scenarios. Lincheck's scenario generator is seeded, so each
     * run explores the same ones: today the idle variant fails at its first scenario of the B5
     * shape, between its 76th and 100th.
     */
    /** Random scenarios of the variant without idle expiry. */
    private static final int PLAIN_SCENARIOS = 50;
    /** Random scenarios of the variant with idle expiry, where reads race with the clock. */
    private static final int IDLE_SCENARIOS = 100;
    /** Interleavings explored per random scenario. */
    private static final int INTERLEAVINGS = 50;
    /** Interleavings explored of each scenario of a review finding. */
    private static final int FINDING_INTERLEAVINGS = 300;

    @Test
    void perKeyOperationsAreLinearizable() {
        random(PerKeySpec.Plain.class, PLAIN_SCENARIOS).check(PerKeyModel.Plain.class);
    }

    @Test
    void perKeyOperationsWithIdleExpiryAreLinearizable() {
        random(PerKeySpec.Idle.class, IDLE_SCENARIOS).check(PerKeyModel.Idle.class);
    }

    @Test
    void anIdleReadNeverBringsBackAnEntryAnotherReadSawExpire() {
        only(idleReadBringsBackAnExpiredEntry(PerKeyModel.Idle.class)).check(PerKeyModel.Idle.class);
    }

    @Test
    void anIdleReadNeverTurnsTheExpiryAMatchFoundIntoARemoval() {
        only(idleReadTurnsAnExpiryIntoARemoval(PerKeyModel.Idle.class)).check(PerKeyModel.Idle.class);
    }

    private static ModelCheckingOptions random(Class<?> spec, int scenarios) {
        assertTrue(PerKeyModel.sameSlot(), "the model's keys must share one slot: " + Arrays.toString(PerKeyModel.KEYS));
        return new ModelCheckingOptions()
            .iterations(scenarios)
            .invocationsPerIteration(INTERLEAVINGS)
            .threads(2)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(1)
            .sequentialSpecification(spec);
    }

    /** Only the scenario given, every interleaving Lincheck finds of it. */
    private static ModelCheckingOptions only(ExecutionScenario scenario) {
        return new ModelCheckingOptions()
            .iterations(0)
            .invocationsPerIteration(FINDING_INTERLEAVINGS)
            .sequentialSpecification(PerKeySpec.Idle.class)
            .addCustomScenario(scenario);
    }

    /*
     * In both scenarios k4 is written at 0 with a TTL of 3, so it idles out at 2 unless read,
     * and a read at 1 moves that to 3, its write deadline. The clock is at 1 when the threads
     * start. Capping the read's extension at the write deadline makes the simpler race (a read
     * that decided at 1 extends at 2, to the same 3) legal, so what fails is the finding itself.
     */

    /**
     * B5: one thread reads k4; the other moves the clock to 2 and reads k4 twice. A read that
     * decided "live" at 1 but extends only after another read saw k4 gone at 2 brings it back:
     * the second read returns null, the third the value.
     */
    private static ExecutionScenario idleReadBringsBackAnExpiredEntry(Class<?> model) {
        return new ExecutionScenario(
            List.of(actor(model, "put", 0, 1, 3), actor(model, "advance", 1)),
            List.of(List.of(actor(model, "get", 0)),
                List.of(actor(model, "advance", 1), actor(model, "get", 0), actor(model, "get", 0))),
            List.of(),
            null);
    }

    /**
     * B4: one thread reads k4; the other moves the clock to 2 and removes the keys starting with
     * k7. The match takes k4 out as expired; a read that extends k4's deadline before the match
     * counts and reports it makes the match report k4 REMOVED and count it, though k4 does not
     * match.
     */
    private static ExecutionScenario idleReadTurnsAnExpiryIntoARemoval(Class<?> model) {
        return new ExecutionScenario(
            List.of(actor(model, "put", 0, 1, 3), actor(model, "advance", 1)),
            List.of(List.of(actor(model, "get", 0)),
                List.of(actor(model, "advance", 1), actor(model, "removeKeys", 1))),
            List.of(actor(model, "get", 0)),
            null);
    }

    private static Actor actor(Class<?> model, String operation, Object... args) {
        for (Method m : model.getMethods()) {
            if (m.getName().equals(operation) && m.getParameterCount() == args.length) {
                return new Actor(m, Arrays.asList(args));
            }
        }
        throw new IllegalArgumentException("no operation " + operation + " with " + args.length + " arguments");
    }
}
