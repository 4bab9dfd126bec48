package io.lapse.jmx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

class CleanErrorsTest {

    @Test
    void badInputBecomesAFreshIllegalArgumentOnOneLine() {
        for (RuntimeException thrown : new RuntimeException[] {new NullPointerException("key 'a\nb' is null"),
            new IllegalArgumentException("key 'a\nb' is null"), new NoSuchElementException("key 'a\nb' is null"),
            new ArithmeticException("key 'a\nb' is null")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CleanErrors.call("c", "op", () -> {
                    throw thrown;
                }));
            assertEquals("key 'a\\nb' is null", e.getMessage());
            assertNull(e.getCause());
            assertEquals(0, e.getStackTrace().length);
        }
    }

    @Test
    void aCacheThatCannotServeBecomesIllegalState() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CleanErrors.run("x", "reload", () -> {
            throw new IllegalStateException("cache 'x' has no store to reload from");
        }));
        assertEquals("cache 'x' has no store to reload from", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void aBugIsNamedAfterItsOperationAndCacheWithoutItsClass() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CleanErrors.call("x", "dump", () -> {
            throw new ClassCastException("boom");
        }));
        assertEquals("dump on cache 'x' failed: ClassCastException: boom; details in the server log", e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void anErrorBecomesOneCleanLineNamingTheOperationAndIsLoggedOnce() {
        for (Error error : new Error[] {new StackOverflowError(), new OutOfMemoryError("Java heap space"),
            new NoClassDefFoundError("io/lapse/Gone"), new AssertionError("broken\ninvariant")}) {
            try (LogRecords log = new LogRecords(CleanErrors.class)) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> CleanErrors.call("users", "countKeysMatching", () -> {
                        throw error;
                    }), error.toString());
                String expected = "countKeysMatching on cache 'users' failed: " + error.getClass().getSimpleName()
                    + (error.getMessage() == null ? "" : ": " + CleanErrors.oneLine(error.getMessage()));
                assertTrue(e.getMessage().startsWith(expected), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                assertNull(e.getCause());
                assertEquals(0, e.getStackTrace().length);
                assertEquals(1, log.records().size(), "the original is logged once");
                assertSame(error, log.records().get(0).getThrown());
            }
        }
        assertEquals("no detail given", CleanErrors.oneLine(null));
    }

    @Test
    void everyLineBreakIsEscaped() {
        assertEquals("a\\r\\nb\\u000bc\\u000cd\\u0085e\\u2028f\\u2029g",
            CleanErrors.oneLine("a\r\nb\u000Bc\u000Cd\u0085e\u2028f\u2029g"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CleanErrors.call("c", "op", () -> {
            throw new IllegalArgumentException("invalid regex 'x\u2028y('");
        }));
        assertEquals("invalid regex 'x\\u2028y('", e.getMessage());
    }

    @Test
    void threadDeathStillStopsTheThread() {
        ThreadDeath death = new ThreadDeath();
        assertSame(death, assertThrows(ThreadDeath.class, () -> CleanErrors.call("users", "get", () -> {
            throw death;
        })));
    }
}
