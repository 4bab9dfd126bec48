package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.lapse.cache.replication.ReplicaChange;

/**
 * The bytes of every message: each kind of change with each type of value comes back equal, and
 * anything malformed is refused with an IllegalArgumentException that says what is wrong.
 */
class ChangeCodecTest {

    private static final UUID SENDER = UUID.randomUUID();

    private static List<ReplicaChange> everyKind() {
        return List.of(
            ReplicaChange.put("text", "a value", 0),
            ReplicaChange.put("long", 42L, 1_796_600_000_000L),
            ReplicaChange.put("negative", Long.MIN_VALUE, 1),
            ReplicaChange.put("bytes", new byte[] {0, -1, 127, -128}, Long.MAX_VALUE),
            ReplicaChange.put("empty", "", 0),
            ReplicaChange.put("no bytes", new byte[0], 0),
            ReplicaChange.put("ünïcødé ✓ 𝄞", "värde 𝄞", 5),
            ReplicaChange.put("lone \ud800 surrogate", "also \udc00 here", 7),
            ReplicaChange.put("grouped", "v", 9, "user:1"),
            ReplicaChange.put("grouped bytes", new byte[] {1}, 0, "gröup 𝄞"),
            ReplicaChange.remove("gone"),
            ReplicaChange.remove(""),
            ReplicaChange.clear());
    }

    @Test
    void everyKindOfChangeAndValueComesBackEqual() {
        long seq = 1;
        for (ReplicaChange c : everyKind()) {
            LogMessage.Change sent = new LogMessage.Change(SENDER, seq++, 1_796_600_000_123_456L, c);
            LogMessage back = ChangeCodec.decodeLog(ChangeCodec.encode(sent));
            assertEquals(sent.sender(), back.sender());
            assertEquals(sent.sentMicros(), back.sentMicros());
            LogMessage.Change change = (LogMessage.Change) back;
            assertEquals(sent.seq(), change.seq());
            assertEquals(c, change.change(), c.toString());
            assertEquals(c.key(), change.change().key(), "the key unchanged, lone surrogates and all");
        }
    }

    @Test
    void theJoinMessagesComeBackEqual() {
        LogMessage.SyncRequest request = new LogMessage.SyncRequest(UUID.randomUUID(), SENDER, 17,
            UUID.randomUUID(), UUID.randomUUID(), 1_796_600_030_000L);
        assertEquals(request, ChangeCodec.decodeLog(ChangeCodec.encode(request)));

        SyncMessage back = ChangeCodec.decodeSync(ChangeCodec.encodeChunk(everyKind().subList(0, 8)));
        assertEquals(everyKind().subList(0, 8), ((SyncMessage.Chunk) back).changes());
        assertEquals(List.of(), ((SyncMessage.Chunk) ChangeCodec.decodeSync(ChangeCodec.encodeChunk(List.of())))
            .changes());

        SyncMessage.End end = new SyncMessage.End(12_345, Map.of(SENDER, 99L, UUID.randomUUID(), 1L));
        assertEquals(end, ChangeCodec.decodeSync(ChangeCodec.encode(end)));
        SyncMessage.Refused refused = new SyncMessage.Refused("joining itself");
        assertEquals(refused, ChangeCodec.decodeSync(ChangeCodec.encode(refused)));
    }

    @Test
    void malformedBytesAreRefusedSayingWhatIsWrong() {
        byte[] good = ChangeCodec.encode(new LogMessage.Change(SENDER, 3, 0, ReplicaChange.put("k", "v", 9)));
        assertRefused("ends before", Arrays.copyOf(good, good.length - 1), true);
        assertRefused("ends before its format version", new byte[0], true);
        assertRefused("follow the end", Arrays.copyOf(good, good.length + 1), true);

        byte[] version = good.clone();
        version[0] = 9;
        assertRefused("format version 9", version, true);
        byte[] type = good.clone();
        type[1] = 77;
        assertRefused("message type 77", type, true);
        assertRefused("message type", good, false);

        int kindAt = 2 + 16 + 8 + 8;
        byte[] kind = good.clone();
        kind[kindAt] = 9;
        assertRefused("change kind 9", kind, true);
        byte[] form = good.clone();
        form[kindAt + 1] = 5;
        assertRefused("form 5", form, true);
        byte[] keyLength = good.clone();
        ByteBuffer.wrap(keyLength).putInt(kindAt + 2, Integer.MAX_VALUE);
        assertRefused("key's length", keyLength, true);
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).putInt(kindAt + 2, -1);
        assertRefused("key's length -1", negative, true);
        byte[] tag = good.clone();
        tag[kindAt + 2 + 4 + 1] = 8;
        assertRefused("value tag 8", tag, true);
        byte[] deadline = good.clone();
        ByteBuffer.wrap(deadline).putLong(deadline.length - 8, -5);
        assertRefused("deadline", deadline, true);
        byte[] seq = good.clone();
        ByteBuffer.wrap(seq).putLong(2 + 16 + 8, 0);
        assertRefused("sequence number", seq, true);
        byte[] utf8 = good.clone();
        utf8[kindAt + 2 + 4] = (byte) 0xC3;
        assertRefused("UTF-8", utf8, true);

        byte[] grouped = ChangeCodec.encode(new LogMessage.Change(SENDER, 3, 0, ReplicaChange.put("k", "v", 9, "g")));
        assertRefused("group's length 1 does not fit", Arrays.copyOf(grouped, grouped.length - 1), true);
        byte[] emptyGroup = Arrays.copyOf(grouped, grouped.length - 1);
        ByteBuffer.wrap(emptyGroup).putInt(emptyGroup.length - 4, 0);
        assertRefused("group of key 'k' is empty", emptyGroup, true);

        byte[] chunk = ChangeCodec.encodeChunk(List.of(ReplicaChange.remove("k")));
        ByteBuffer.wrap(chunk).putInt(2, 1_000_000);
        assertRefused("change count", chunk, false);
        byte[] end = ChangeCodec.encode(new SyncMessage.End(3, Map.of(SENDER, 1L)));
        ByteBuffer.wrap(end).putLong(2, -3);
        assertRefused("count", end, false);
    }

    @Test
    void randomBytesAreRefusedOnlyWithIllegalArgumentException() {
        Random random = new Random(7);
        List<byte[]> messages = new ArrayList<>();
        for (ReplicaChange c : everyKind()) {
            messages.add(ChangeCodec.encode(new LogMessage.Change(SENDER, 1, 0, c)));
        }
        messages.add(ChangeCodec.encodeChunk(everyKind()));
        for (int i = 0; i < 20_000; i++) {
            byte[] b = messages.get(random.nextInt(messages.size())).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt();
            }
            byte[] cut = random.nextInt(4) == 0 ? Arrays.copyOf(b, random.nextInt(b.length)) : b;
            try {
                ChangeCodec.decodeLog(cut);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            }
            try {
                ChangeCodec.decodeSync(cut);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            }
        }
    }

    private static void assertRefused(String saying, byte[] bytes, boolean log) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> {
                if (log) {
                    ChangeCodec.decodeLog(bytes);
                } else {
                    ChangeCodec.decodeSync(bytes);
                }
            });
        assertTrue(e.getMessage().contains(saying), "'" + e.getMessage() + "' should say '" + saying + "'");
    }
}
