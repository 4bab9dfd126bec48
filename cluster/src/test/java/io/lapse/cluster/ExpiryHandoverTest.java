package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.hazelcast.cluster.Member;

import io.lapse.impl.engine.EventKind;
import io.lapse.testing.Await;

/**
 * What happens to the expiries of keys whose owner leaves the cluster: three real members, each
 * replicating a cache with {@code expiry_events=owner}. Members A and B are told they passed over
 * the expiry of keys member C owns (as they do when C owns a key whose entry expires); when C
 * crashes, the key's new owner raises each one that C may not have raised (exactly one of A and
 * B, once), and counts as possibly duplicated those C may have raised before it died; when C
 * stops cleanly, what it raised before it stopped is not raised again. What C "may not have
 * raised" is what its last beat said was not delivered yet: C's listener is told to say that an
 * expiry of a given deadline still waits for its handlers.
 */
class ExpiryHandoverTest {

    private static final String CACHE = "handover";

    private TestCluster cluster;
    private Node.Time time;
    private Node a;
    private Node b;
    private Node c;

    @BeforeEach
    void threeMembers() throws Exception {
        cluster = TestCluster.start("lapse-test-handover", 5841, 3);
        time = new Node.Time();
        a = new Node(cluster.member(0), time, CACHE);
        b = new Node(cluster.member(1), time, CACHE);
        c = new Node(cluster.member(2), time, CACHE);
        for (Node n : List.of(a, b, c)) {
            assertTrue(n.replicator.awaitReady(Await.TIMEOUT), "a member did not get ready");
        }
        // until the partitions stop moving, a member may see a key without an owner and defer its
        // expiry to whichever member owns it next, which is not what these tests are about
        Await.until("the three members' partitions to settle", () -> List.of(a, b, c).stream()
            .allMatch(n -> n.hz.getPartitionService().isClusterSafe() && n.hz.getPartitionService().isLocalMemberSafe()));
    }

    @AfterEach
    void stop() {
        for (Node n : List.of(a, b, c)) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // the crashed member's node has nothing left to close
            }
        }
        time.close();
        cluster.close();
    }

    /** A key whose partition member C owns. */
    private String keyOwnedByC(int from) {
        Member owner = cluster.member(2).getCluster().getLocalMember();
        for (int i = from;; i++) {
            String key = "key-" + i;
            if (owner.equals(cluster.member(0).getPartitionService().getPartition(key).getOwner())) {
                return key;
            }
        }
    }

    private long handedOver() {
        return a.replicator.expiryHandover().raisedForGone() + b.replicator.expiryHandover().raisedForGone();
    }

    @Test
    void aCrashedOwnersUndeliveredExpiriesAreRaisedOnceByItsSuccessor() {
        String recent = keyOwnedByC(0);
        String old = keyOwnedByC(Integer.parseInt(recent.substring(4)) + 1);
        long now = System.currentTimeMillis();
        c.events.undeliveredSince = now;
        passedByAAndB(recent, now);
        passedByAAndB(old, now - 60_000);
        crashCAfterItsBeatSays(now, through -> through < now);

        // and not the old one, which C raised long before it died
        assertRaisedOnceBySuccessorAndCounted(recent, now);
    }

    /**
     * An expiry whose event waited for C's handlers for seconds is raised however old its
     * deadline: the handover goes by how far C said its events were delivered, not by a guess of
     * how far behind they could be (two seconds before C's last beat, which lost this one).
     */
    @Test
    void anExpiryLongStuckBehindACrashedOwnersHandlersIsRaisedByItsSuccessor() {
        String stuck = keyOwnedByC(0);
        long now = System.currentTimeMillis();
        long deadline = now - 5_000;
        c.events.undeliveredSince = deadline;
        passedByAAndB(stuck, deadline);
        crashCAfterItsBeatSays(now, through -> through < deadline);

        assertRaisedOnceBySuccessorAndCounted(stuck, deadline);
    }

    /**
     * What C said it delivered is not raised again, however recent: a crash costs duplicates
     * only of what C delivered after its last beat.
     */
    @Test
    void whatACrashedOwnerSaidItDeliveredIsNotRaisedAgain() {
        String delivered = keyOwnedByC(0);
        long now = System.currentTimeMillis();
        long deadline = now - 500;
        passedByAAndB(delivered, deadline);
        crashCAfterItsBeatSays(now, through -> through >= now);

        awaitCsDepartureHandled();
        assertEquals(0, handedOver(), () -> "C delivered it; " + handovers() + "; the deadline was " + deadline);
        assertEquals(List.of(), raisedByAAndB());
    }

    private void passedByAAndB(String key, long deadline) {
        for (Node n : List.of(a, b)) {
            assertTrue(!n.replicator.expiryHandover().raisesExpired(CACHE, key), "C owns it");
            n.replicator.expiryHandover().passed(CACHE, key, "v", deadline);
        }
    }

    /**
     * Waits until C's beats say it was alive after {@code after} and its delivered-through time
     * passes a test, then terminates C as a crash would.
     */
    private void crashCAfterItsBeatSays(long after, LongPredicate through) {
        Object cId = cluster.member(2).getCluster().getLocalMember().getUuid();
        Await.until("C's beat after " + after + " with the delivered-through time expected", () -> {
            Object beat = a.hz.getMap("lapse.alive." + CACHE).get(cId);
            Object raised = a.hz.getMap("lapse.raised." + CACHE).get(cId);
            return beat instanceof Long && (Long) beat >= after && raised instanceof Long
                && through.test((Long) raised);
        });
        // the beat on a backup too: what this test is about is the handover, not whether a member
        // that dies a moment after the cluster formed had its partitions copied yet
        assertTrue(cluster.member(2).getPartitionService().forceLocalMemberToBeSafe(10, TimeUnit.SECONDS));
        cluster.member(2).getLifecycleService().terminate();
    }

    /**
     * Asserts that, of the keys passed over, exactly this one was raised, once, by one of A and B,
     * and counted as possibly raised by C as well (C was alive after its deadline).
     */
    private void assertRaisedOnceBySuccessorAndCounted(String key, long deadline) {
        awaitCsDepartureHandled();
        assertEquals(1, handedOver(), () -> handovers() + "; the deadline was " + deadline);
        assertEquals(List.of(key), raisedByAAndB(), "once, by one member");
        assertEquals(1, duplicated(), "C may have delivered it in its last moments: counted");
    }

    private void awaitCsDepartureHandled() {
        Await.until("A and B handled C's departure", () -> a.replicator.expiryHandover().departures() == 1
            && b.replicator.expiryHandover().departures() == 1);
    }

    /** @return what A's and B's last handovers found and did, for a failure's message */
    private String handovers() {
        return "A: " + a.replicator.expiryHandover().lastHandover() + "; B: "
            + b.replicator.expiryHandover().lastHandover();
    }

    private List<String> raisedByAAndB() {
        List<String> raised = new ArrayList<>(a.events.of(EventKind.EXPIRED));
        raised.addAll(b.events.of(EventKind.EXPIRED));
        return raised;
    }

    private long duplicated() {
        return a.replicator.figures().eventsDuplicated() + b.replicator.figures().eventsDuplicated();
    }

    @Test
    void aCleanlyStoppedOwnersExpiriesAreNotRaisedAgain() {
        String key = keyOwnedByC(0);
        long now = System.currentTimeMillis();
        for (Node n : List.of(a, b)) {
            n.replicator.expiryHandover().passed(CACHE, key, "v", now - 100);
        }
        c.close();
        cluster.member(2).shutdown();
        awaitCsDepartureHandled();
        assertEquals(0, a.replicator.expiryHandover().deferred() + b.replicator.expiryHandover().deferred(),
            "A and B saw C own the key: none of them deferred the expiry to the next owner");
        assertEquals(0, handedOver(), () -> "C raised it before it stopped; " + handovers() + "; the deadline was "
            + (now - 100));
        assertTrue(a.events.of(EventKind.EXPIRED).isEmpty() && b.events.of(EventKind.EXPIRED).isEmpty());
    }
}
