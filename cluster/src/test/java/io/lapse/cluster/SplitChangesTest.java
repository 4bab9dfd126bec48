package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.lapse.cache.replication.ReplicaChange;

/**
 * What a member puts back after a split, with a clock the test moves: the keys it changed while it
 * saw fewer members, and those it changed within the window before it saw the split (the failure
 * detector's delay, and the moment between the member list changing and the listener being told).
 */
class SplitChangesTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final SplitChanges split = new SplitChanges(clock::get);

    @Test
    void changesMadeJustBeforeTheSplitWasSeenArePutBackAndOlderOnesAreNot() {
        split.members(3);
        split.note(ReplicaChange.put("long-ago", "v", 0));
        clock.addAndGet(SplitChanges.WINDOW_MILLIS + 1);
        split.note(ReplicaChange.put("unseen-split", "v", 0));
        split.note(ReplicaChange.remove("removed-unseen"));
        clock.addAndGet(SplitChanges.WINDOW_MILLIS - 1);
        split.members(1);
        split.note(ReplicaChange.put("while-reduced", "v", 0));
        assertEquals(Set.of("unseen-split", "removed-unseen", "while-reduced"), split.takeForMerge());
        assertEquals(Set.of(), split.takeForMerge(), "a merge starts again empty");
    }

    @Test
    void nothingIsPutBackWithoutASplitAndAFullClusterForgetsTheKeys() {
        split.members(3);
        split.note(ReplicaChange.put("k", "v", 0));
        assertEquals(Set.of(), split.takeForMerge());
        split.members(2);
        split.note(ReplicaChange.put("during", "v", 0));
        split.members(3);
        assertEquals(Set.of(), split.takeForMerge(), "the member saw everyone again: nothing was lost");
    }

    @Test
    void aClearOrARingThatNoLongerReachesTheWindowPutsEverythingBack() {
        split.members(2);
        split.note(ReplicaChange.clear());
        split.members(1);
        assertNull(split.takeForMerge(), "a clear just before the split");

        SplitChanges busy = new SplitChanges(clock::get);
        busy.members(2);
        for (int i = 0; i <= SplitChanges.RING; i++) {
            busy.note(ReplicaChange.put("k" + i, "v", 0));
        }
        busy.members(1);
        assertNull(busy.takeForMerge(), "changes within the window were overwritten in the ring");

        SplitChanges quiet = new SplitChanges(clock::get);
        quiet.members(2);
        for (int i = 0; i <= SplitChanges.RING; i++) {
            quiet.note(ReplicaChange.put("old" + i, "v", 0));
        }
        clock.addAndGet(SplitChanges.WINDOW_MILLIS + 1);
        quiet.note(ReplicaChange.put("recent", "v", 0));
        quiet.members(1);
        assertEquals(Set.of("recent"), quiet.takeForMerge(), "what the ring lost was older than the window");
    }

    @Test
    void restoringPutsBackTheLiveEntriesOfTheKeysAndRemovesTheOthers() {
        List<ReplicaChange> live = List.of(ReplicaChange.put("a", "1", 0), ReplicaChange.put("b", "2", 0));
        assertEquals(List.of(ReplicaChange.put("b", "2", 0), ReplicaChange.remove("gone")),
            SplitChanges.restoring(Set.of("b", "gone"), live));
        assertEquals(live, SplitChanges.restoring(null, live));
    }
}
