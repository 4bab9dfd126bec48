package io.lapse.impl.level;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.lapse.cache.CacheEntry;

/**
 * The bytes a level stores for an entry: a format byte ({@value #FORMAT}), the value's type
 * ({@code String}, {@code Long} or {@code byte[]}), the deadline in epoch milliseconds (0 for
 * none), the group (absent, or a text), then the value. A text is a form byte (UTF-8, or UTF-16
 * for a string that UTF-8 cannot carry unchanged: one with an unpaired surrogate), a length and
 * the bytes. Stateless.
 */
final class LevelRecords {

    /** The format's version: a record of another is refused, not guessed at. */
    static final byte FORMAT = 1;

    private static final byte STRING = 1;
    private static final byte LONG = 2;
    private static final byte BYTES = 3;

    private static final byte NO_GROUP = 0;
    private static final byte UTF8 = 1;
    private static final byte UTF16 = 2;

    /** Where the deadline starts: after the format and the type. */
    private static final int DEADLINE_AT = 2;

    private LevelRecords() {
    }

    static byte[] encode(CacheEntry entry) {
        Object v = entry.value();
        byte[] group = entry.group() == null ? null : text(entry.group());
        byte[] value = v instanceof String ? text((String) v) : v instanceof byte[] ? (byte[]) v : null;
        int size = 2 + 8 + (group == null ? 1 : group.length)
            + (v instanceof Long ? 8 : v instanceof String ? value.length : 4 + value.length);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT);
        out.put(v instanceof String ? STRING : v instanceof Long ? LONG : BYTES);
        out.putLong(entry.expiresAtMillis());
        if (group == null) {
            out.put(NO_GROUP);
        } else {
            out.put(group);
        }
        if (v instanceof Long) {
            out.putLong((Long) v);
        } else if (v instanceof String) {
            out.put(value);
        } else {
            out.putInt(value.length);
            out.put(value);
        }
        return out.array();
    }

    /** The deadline a record holds, without decoding the rest. */
    static long deadline(byte[] record) {
        return ByteBuffer.wrap(record).getLong(DEADLINE_AT);
    }

    static CacheEntry decode(String key, byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        byte format = in.get();
        if (format != FORMAT) {
            throw new IllegalStateException("the record of key '" + key + "' is of format " + format + ", not " + FORMAT);
        }
        byte type = in.get();
        long deadline = in.getLong();
        String group = readText(in, key);
        Object value;
        switch (type) {
            case STRING:
                value = readText(in, key);
                break;
            case LONG:
                value = in.getLong();
                break;
            case BYTES:
                byte[] b = new byte[in.getInt()];
                in.get(b);
                value = b;
                break;
            default:
                throw new IllegalStateException("the record of key '" + key + "' has value type " + type);
        }
        return new CacheEntry(key, value, deadline, group);
    }

    /** A text's form, length and bytes. */
    private static byte[] text(String s) {
        byte[] utf8 = utf8(s);
        byte[] bytes = utf8 != null ? utf8 : utf16(s);
        ByteBuffer out = ByteBuffer.allocate(5 + bytes.length);
        out.put(utf8 != null ? UTF8 : UTF16);
        out.putInt(bytes.length);
        out.put(bytes);
        return out.array();
    }

    /** A text, or {@code null} for an absent group. */
    private static String readText(ByteBuffer in, String key) {
        byte form = in.get();
        if (form == NO_GROUP) {
            return null;
        }
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        if (form == UTF8) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (form == UTF16) {
            // char by char: the charset would replace the unpaired surrogate this form is for
            char[] chars = new char[bytes.length / 2];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) ((bytes[2 * i] & 0xFF) << 8 | (bytes[2 * i + 1] & 0xFF));
            }
            return new String(chars);
        }
        throw new IllegalStateException("the record of key '" + key + "' has a text of form " + form);
    }

    /** The code units of a string, two bytes each, big-endian, unpaired surrogates included. */
    private static byte[] utf16(String s) {
        byte[] bytes = new byte[2 * s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes[2 * i] = (byte) (c >>> 8);
            bytes[2 * i + 1] = (byte) c;
        }
        return bytes;
    }

    /** The UTF-8 bytes of a string, or {@code null} if they would not give it back (an unpaired surrogate). */
    private static byte[] utf8(String s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
