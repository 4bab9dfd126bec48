package io.lapse.cluster;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.lapse.cache.replication.ReplicaChange;

/**
 * The bytes of the messages that travel through Hazelcast: the log's {@link LogMessage}s and a
 * snapshot's {@link SyncMessage}s. Only {@code byte[]} is handed to Hazelcast, so it never
 * deserializes a class of this bundle (no class loading across bundles in it).
 *
 * <h2>Format</h2>
 * Big-endian, as {@code DataOutputStream} writes: a format version byte ({@value #VERSION}) and a
 * type byte, then the type's fields. A change is its kind byte, then for a put or a removal the key,
 * and for a put a value tag ({@code String}, {@code Long} or {@code byte[]}), the value and the
 * deadline in epoch ms (0 for none); a put of an entry of a keygroup has a kind of its own and
 * the group's name last. A string is a form byte (UTF-8, or UTF-16 for a string that
 * UTF-8 cannot carry unchanged: one with an unpaired surrogate), a length and the code units; a
 * {@code byte[]} a length and the bytes; an id two longs.
 *
 * <p>Stateless; safe for use by any number of threads.
 */
final class ChangeCodec {

    /** The format's version: a message of another version is refused, not guessed at. */
    static final byte VERSION = 1;

    private static final byte CHANGE = 1;
    private static final byte SYNC_REQUEST = 2;
    private static final byte CHUNK = 3;
    private static final byte END = 4;
    private static final byte REFUSED = 5;

    private static final byte PUT = 1;
    private static final byte REMOVE = 2;
    private static final byte CLEAR = 3;
    private static final byte PUT_IN_GROUP = 4;

    private static final byte STRING = 1;
    private static final byte LONG = 2;
    private static final byte BYTES = 3;

    private static final byte UTF8 = 0;
    private static final byte UTF16 = 1;

    private ChangeCodec() {
    }

    // ------------------------------------------------------------------------------ encoding

    /**
     * Encodes a change of the log.
     *
     * @param message the message
     * @return its bytes
     * @throws NullPointerException if it is {@code null}
     */
    static byte[] encode(LogMessage.Change message) {
        Out out = new Out(64);
        out.header(CHANGE);
        out.uuid(message.sender());
        out.i64(message.sentMicros());
        out.i64(message.seq());
        change(out, message.change());
        return out.bytes();
    }

    /**
     * Encodes a joining node's request.
     *
     * @param request the request
     * @return its bytes
     * @throws NullPointerException if it is {@code null}
     */
    static byte[] encode(LogMessage.SyncRequest request) {
        Out out = new Out(90);
        out.header(SYNC_REQUEST);
        out.uuid(request.sender());
        out.i64(request.sentMicros());
        out.uuid(request.request());
        out.uuid(request.joinerMember());
        out.uuid(request.responderMember());
        out.i64(request.deadlineMillis());
        return out.bytes();
    }

    /**
     * Encodes a chunk of a snapshot.
     *
     * @param changes the puts
     * @return its bytes
     * @throws NullPointerException if the list or a change in it is {@code null}
     */
    static byte[] encodeChunk(List<ReplicaChange> changes) {
        Out out = new Out(64 * changes.size() + 8);
        out.header(CHUNK);
        out.i32(changes.size());
        for (ReplicaChange c : changes) {
            change(out, Objects.requireNonNull(c, "change"));
        }
        return out.bytes();
    }

    /**
     * Encodes the end marker of a snapshot.
     *
     * @param end the marker
     * @return its bytes
     */
    static byte[] encode(SyncMessage.End end) {
        Out out = new Out(16 + 24 * end.marks().size());
        out.header(END);
        out.i64(end.count());
        out.i32(end.marks().size());
        for (Map.Entry<UUID, Long> m : end.marks().entrySet()) {
            out.uuid(m.getKey());
            out.i64(m.getValue());
        }
        return out.bytes();
    }

    /**
     * Encodes a refusal.
     *
     * @param refused the refusal
     * @return its bytes
     */
    static byte[] encode(SyncMessage.Refused refused) {
        Out out = new Out(16 + refused.reason().length());
        out.header(REFUSED);
        out.string(refused.reason());
        return out.bytes();
    }

    /**
     * Tells how many bytes a change adds to a chunk, near enough to keep chunks of a bounded size.
     *
     * @param change the change
     * @return the estimate
     */
    static long estimate(ReplicaChange change) {
        Object v = change.value();
        long key = change.key() == null ? 0 : 5 + 3L * change.key().length();
        long group = change.group() == null ? 0 : 5 + 3L * change.group().length();
        long value = v instanceof byte[] ? ((byte[]) v).length : v instanceof String ? 3L * ((String) v).length() : 8;
        return 2 + key + 5 + value + 8 + group;
    }

    private static void change(Out out, ReplicaChange c) {
        switch (c.kind()) {
            case PUT:
                out.i8(c.group() == null ? PUT : PUT_IN_GROUP);
                out.string(c.key());
                value(out, c.value());
                out.i64(c.expiresAtMillis());
                if (c.group() != null) {
                    out.string(c.group());
                }
                break;
            case REMOVE:
                out.i8(REMOVE);
                out.string(c.key());
                break;
            default:
                out.i8(CLEAR);
        }
    }

    private static void value(Out out, Object v) {
        if (v instanceof String) {
            out.i8(STRING);
            out.string((String) v);
        } else if (v instanceof Long) {
            out.i8(LONG);
            out.i64((Long) v);
        } else {
            out.i8(BYTES);
            byte[] b = (byte[]) v;
            out.i32(b.length);
            out.raw(b);
        }
    }

    // ------------------------------------------------------------------------------ decoding

    /**
     * Decodes a message of the log.
     *
     * @param bytes the bytes
     * @return the message
     * @throws NullPointerException if {@code bytes} is {@code null}
     * @throws IllegalArgumentException if they are not such a message, saying what is wrong
     */
    static LogMessage decodeLog(byte[] bytes) {
        In in = new In(bytes);
        byte type = in.header();
        LogMessage m;
        if (type == CHANGE) {
            UUID sender = in.uuid("sender");
            long sent = in.i64("send time");
            long seq = in.i64("sequence number");
            if (seq < 1) {
                throw new IllegalArgumentException("a change's sequence number is 1 or more, not " + seq);
            }
            m = new LogMessage.Change(sender, seq, sent, change(in));
        } else if (type == SYNC_REQUEST) {
            UUID sender = in.uuid("sender");
            long sent = in.i64("send time");
            m = new LogMessage.SyncRequest(in.uuid("request"), sender, sent, in.uuid("joiner member"),
                in.uuid("responder member"), in.i64("deadline"));
        } else {
            throw new IllegalArgumentException("message type " + type + " is not one of the log's");
        }
        in.end();
        return m;
    }

    /**
     * Decodes a message of a snapshot's queue.
     *
     * @param bytes the bytes
     * @return the message
     * @throws NullPointerException if {@code bytes} is {@code null}
     * @throws IllegalArgumentException if they are not such a message, saying what is wrong
     */
    static SyncMessage decodeSync(byte[] bytes) {
        In in = new In(bytes);
        byte type = in.header();
        SyncMessage m;
        if (type == CHUNK) {
            int count = in.count("chunk's change count", 1);
            List<ReplicaChange> changes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                changes.add(change(in));
            }
            m = new SyncMessage.Chunk(changes);
        } else if (type == END) {
            long count = in.i64("snapshot count");
            if (count < 0) {
                throw new IllegalArgumentException("a snapshot's count is 0 or more, not " + count);
            }
            int n = in.count("mark count", 24);
            Map<UUID, Long> marks = new HashMap<>();
            for (int i = 0; i < n; i++) {
                marks.put(in.uuid("mark's sender"), in.i64("mark"));
            }
            m = new SyncMessage.End(count, marks);
        } else if (type == REFUSED) {
            m = new SyncMessage.Refused(in.string("reason"));
        } else {
            throw new IllegalArgumentException("message type " + type + " is not one of a snapshot's");
        }
        in.end();
        return m;
    }

    private static ReplicaChange change(In in) {
        byte kind = in.i8("change kind");
        switch (kind) {
            case PUT:
            case PUT_IN_GROUP:
                String key = in.string("key");
                Object value = value(in);
                long deadline = in.i64("deadline");
                if (deadline < 0) {
                    throw new IllegalArgumentException("the deadline of key '" + key + "' is epoch ms or 0, not "
                        + deadline);
                }
                String group = kind == PUT_IN_GROUP ? in.string("group") : null;
                if (group != null && group.isEmpty()) {
                    throw new IllegalArgumentException("the group of key '" + key + "' is empty");
                }
                return ReplicaChange.put(key, value, deadline, group);
            case REMOVE:
                return ReplicaChange.remove(in.string("key"));
            case CLEAR:
                return ReplicaChange.clear();
            default:
                throw new IllegalArgumentException("change kind " + kind + " is none of put, remove, clear");
        }
    }

    private static Object value(In in) {
        byte tag = in.i8("value tag");
        switch (tag) {
            case STRING:
                return in.string("value");
            case LONG:
                return in.i64("value");
            case BYTES:
                return in.raw(in.count("value's length", 1));
            default:
                throw new IllegalArgumentException("value tag " + tag + " is none of String, Long, byte[]");
        }
    }

    // --------------------------------------------------------------------------- the streams

    /** A growable big-endian writer. */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void header(byte type) {
            i8(VERSION);
            i8(type);
        }

        void i8(int v) {
            room(1);
            buf[size++] = (byte) v;
        }

        void i32(int v) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void i64(long v) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void uuid(UUID id) {
            i64(id.getMostSignificantBits());
            i64(id.getLeastSignificantBits());
        }

        void raw(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void string(String s) {
            byte[] utf8 = utf8(s);
            if (utf8 != null) {
                i8(UTF8);
                i32(utf8.length);
                raw(utf8);
            } else {
                i8(UTF16);
                i32(s.length());
                room(2L * s.length());
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    buf[size++] = (byte) (c >>> 8);
                    buf[size++] = (byte) c;
                }
            }
        }

        /** The UTF-8 of a string, or {@code null} if it has an unpaired surrogate UTF-8 cannot carry. */
        private static byte[] utf8(String s) {
            try {
                ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
                return Arrays.copyOf(b.array(), b.limit());
            } catch (CharacterCodingException e) {
                return null;
            }
        }

        private void room(long more) {
            long need = size + more;
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a message of " + need + " bytes is too large");
            }
            if (need > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.length)));
            }
        }

        byte[] bytes() {
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }
    }

    /** A reader that turns every shortfall or oddity into an IllegalArgumentException naming the field. */
    private static final class In {
        private final ByteBuffer buf;

        In(byte[] bytes) {
            buf = ByteBuffer.wrap(Objects.requireNonNull(bytes, "bytes"));
        }

        byte header() {
            byte version = i8("format version");
            if (version != VERSION) {
                throw new IllegalArgumentException("format version " + version + " is not " + VERSION);
            }
            return i8("message type");
        }

        byte i8(String field) {
            try {
                return buf.get();
            } catch (BufferUnderflowException e) {
                throw truncated(field);
            }
        }

        int i32(String field) {
            try {
                return buf.getInt();
            } catch (BufferUnderflowException e) {
                throw truncated(field);
            }
        }

        long i64(String field) {
            try {
                return buf.getLong();
            } catch (BufferUnderflowException e) {
                throw truncated(field);
            }
        }

        UUID uuid(String field) {
            return new UUID(i64(field), i64(field));
        }

        /**
         * Reads a count of items of at least {@code minBytes} each, refusing one the rest of the
         * message cannot hold, so that a corrupt count never allocates.
         */
        int count(String field, int minBytes) {
            int n = i32(field);
            if (n < 0 || (long) n * minBytes > buf.remaining()) {
                throw new IllegalArgumentException("the " + field + " " + n + " does not fit the "
                    + buf.remaining() + " bytes left");
            }
            return n;
        }

        /** Reads bytes whose length {@link #count} has checked. */
        byte[] raw(int length) {
            byte[] b = new byte[length];
            buf.get(b);
            return b;
        }

        String string(String field) {
            byte form = i8(field + "'s form");
            if (form == UTF8) {
                byte[] b = raw(count(field + "'s length", 1));
                try {
                    return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException("the " + field + " is not valid UTF-8");
                }
            }
            if (form == UTF16) {
                int n = count(field + "'s length", 2);
                char[] chars = new char[n];
                for (int i = 0; i < n; i++) {
                    chars[i] = buf.getChar();
                }
                return new String(chars);
            }
            throw new IllegalArgumentException("the " + field + "'s form " + form + " is neither UTF-8 nor UTF-16");
        }

        void end() {
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException(buf.remaining() + " bytes follow the end of the message");
            }
        }

        private IllegalArgumentException truncated(String field) {
            return new IllegalArgumentException("the message ends before its " + field);
        }
    }
}
