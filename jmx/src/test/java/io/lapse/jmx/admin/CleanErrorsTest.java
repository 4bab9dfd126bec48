package io.lapse.jmx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

class CleanErrorsTest {

    @Test
    void badInputBecomesAFreshIllegalArgumentOnOneLine() {
        for (RuntimeException thrown : new RuntimeException[] {new NullPointerException("key 'a\nb' is null"),
            new IllegalArgumentException("key 'a\nb' is null"), new NoSuchElementException("key 'a\nb' is null"),
            new ArithmeticException("key 'a\nb' is null")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CleanErrors.call("op", () -> {
                    throw thrown;
                }));
            assertEquals("key 'a\\nb' is null", e.getMessage());
            assertNull(e.getCause());
            assertEquals(0, e.getStackTrace().length);
        }
    }

    @Test
    void aCacheThatCannotServeBecomesIllegalState() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CleanErrors.run("reload", () -> {
            throw new IllegalStateException("cache 'x' has no store to reload from");
        }));
        assertEquals("cache 'x' has no store to reload from", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void aBugIsNamedAfterItsOperationWithoutItsClass() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CleanErrors.call("dump", () -> {
            throw new ClassCastException("boom");
        }));
        assertEquals("dump failed: ClassCastException: boom", e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void errorsPassUnchanged() {
        StackOverflowError error = new StackOverflowError();
        assertSame(error, assertThrows(StackOverflowError.class, () -> CleanErrors.call("get", () -> {
            throw error;
        })));
        assertEquals("no detail given", CleanErrors.oneLine(null));
    }
}
