package io.lapse.jcache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.Base64;

import javax.cache.CacheException;

/**
 * How JCache keys and values are stored in a Lapse cache, whose keys are non-empty strings and
 * whose values are strings, longs and byte arrays: store-by-value, as JCache's default asks.
 *
 * <ul>
 * <li>A {@code String} key, a {@code String} or {@code Long} value and a {@code byte[]} value are
 * stored as they are (strings and longs are immutable; the cache copies byte arrays on the way in
 * and out), so the native {@link io.lapse.cache.Cache} API reads and writes the same entries
 * without any conversion.</li>
 * <li>Anything else, and the few strings that would be ambiguous (the empty key, a string
 * starting with {@link #MARK}), is serialised with Java serialisation and stored as {@link #MARK}
 * followed by the Base64 of the bytes. Deserialisation resolves classes with the cache manager's
 * class loader.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class StoredForms {

    /** The first character of a serialised key or value: a control character no text key uses. */
    static final char MARK = '\u0001';

    private final ClassLoader loader;

    StoredForms(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * The stored form of a key.
     *
     * @throws IllegalArgumentException if it is not serialisable
     */
    String key(Object key) {
        if (key instanceof String) {
            String s = (String) key;
            if (!s.isEmpty() && s.charAt(0) != MARK) {
                return s;
            }
        }
        String stored = MARK + Base64.getEncoder().encodeToString(serialise(key, "key"));
        if (stored.length() > io.lapse.cache.Cache.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("a key of " + key.getClass().getName() + " serialises to "
                + stored.length() + " characters as Lapse stores it (Base64 of its Java serialisation), longer than "
                + "the limit of " + io.lapse.cache.Cache.MAX_KEY_LENGTH + " for a key");
        }
        return stored;
    }

    /** The key a stored form stands for. */
    Object keyOf(String stored) {
        return stored.charAt(0) == MARK ? deserialise(stored) : stored;
    }

    /**
     * The stored form of a value.
     *
     * @throws IllegalArgumentException if it is not serialisable
     */
    Object value(Object value) {
        if (value instanceof String) {
            String s = (String) value;
            if (s.isEmpty() || s.charAt(0) != MARK) {
                return s;
            }
        } else if (value instanceof Long || value instanceof byte[]) {
            return value;
        }
        return MARK + Base64.getEncoder().encodeToString(serialise(value, "value"));
    }

    /**
     * The value a stored form stands for: a fresh copy for a serialised one.
     *
     * @param stored what the cache returned (a byte[] it returns is a copy already), or {@code null}
     * @return the value, or {@code null}
     */
    Object valueOf(Object stored) {
        if (stored instanceof String) {
            String s = (String) stored;
            if (!s.isEmpty() && s.charAt(0) == MARK) {
                return deserialise(s);
            }
        }
        return stored;
    }

    private static byte[] serialise(Object o, String what) {
        if (!(o instanceof Serializable)) {
            throw new IllegalArgumentException("a " + what + " of " + o.getClass().getName() + " cannot be stored by "
                + "value: it is not Serializable");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new IllegalArgumentException("a " + what + " of " + o.getClass().getName() + " cannot be stored by "
                + "value: its serialisation failed: " + e, e);
        }
        return bytes.toByteArray();
    }

    private Object deserialise(String stored) {
        byte[] bytes = Base64.getDecoder().decode(stored.substring(1));
        try (ObjectInputStream in = new LoaderInput(new ByteArrayInputStream(bytes), loader)) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new CacheException("a stored key or value could not be read back: " + e, e);
        }
    }

    /** Resolves classes with a given loader first, then as Java does. */
    private static final class LoaderInput extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderInput(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
