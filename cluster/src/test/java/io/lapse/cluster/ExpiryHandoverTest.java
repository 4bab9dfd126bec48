package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * stops cleanly, what it raised before it stopped is not raised again.
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
    void aCrashedOwnersRecentExpiriesAreRaisedOnceByItsSuccessor() {
        String recent = keyOwnedByC(0);
        String old = keyOwnedByC(Integer.parseInt(recent.substring(4)) + 1);
        long now = System.currentTimeMillis();
        for (Node n : List.of(a, b)) {
            assertTrue(!n.replicator.expiryHandover().raisesExpired(CACHE, recent), "C owns it");
            n.replicator.expiryHandover().passed(CACHE, recent, "v", now);
            n.replicator.expiryHandover().passed(CACHE, old, "v", now - 60_000);
        }
        Object cId = cluster.member(2).getCluster().getLocalMember().getUuid();
        Await.until("C's beat after the expiry", () -> {
            Object beat = a.hz.getMap("lapse.alive." + CACHE).get(cId);
            return beat instanceof Long && (Long) beat >= now;
        });
        // the beat on a backup too: what this test is about is the handover, not whether a member
        // that dies a moment after the cluster formed had its partitions copied yet
        assertTrue(cluster.member(2).getPartitionService().forceLocalMemberToBeSafe(10, TimeUnit.SECONDS));
        cluster.member(2).getLifecycleService().terminate();

        Await.until("the recent expiry raised by C's successor", () -> handedOver() == 1);
        List<String> raised = new ArrayList<>(a.events.of(EventKind.EXPIRED));
        raised.addAll(b.events.of(EventKind.EXPIRED));
        assertEquals(List.of(recent), raised, "once, by one member; the old one C raised long before it died");
        long duplicated = a.replicator.figures().eventsDuplicated() + b.replicator.figures().eventsDuplicated();
        assertEquals(1, duplicated, "C was alive after its deadline, so it may have raised it too: counted");
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
        Await.until("A and B handled C's departure", () -> a.replicator.expiryHandover().departures() == 1
            && b.replicator.expiryHandover().departures() == 1);
        assertEquals(0, a.replicator.expiryHandover().deferred() + b.replicator.expiryHandover().deferred(),
            "A and B saw C own the key: none of them deferred the expiry to the next owner");
        assertEquals(0, handedOver(), () -> "C raised it before it stopped; A: " + a.replicator.expiryHandover()
            .lastHandover() + "; B: " + b.replicator.expiryHandover().lastHandover() + "; the deadline was " + (now - 100));
        assertTrue(a.events.of(EventKind.EXPIRED).isEmpty() && b.events.of(EventKind.EXPIRED).isEmpty());
    }
}
