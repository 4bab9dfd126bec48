package io.lapse.jmx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class ValueTextTest {

    @Test
    void rendersEachValueType() {
        assertEquals("hello", ValueText.render("hello"));
        assertEquals("-42", ValueText.render(-42L));
        assertEquals("base64:AQID", ValueText.render(new byte[] {1, 2, 3}));
        assertEquals("base64:", ValueText.render(new byte[0]));
        assertEquals("String", ValueText.typeOf("x"));
        assertEquals("Long", ValueText.typeOf(1L));
        assertEquals("byte[]", ValueText.typeOf(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> ValueText.render(1.5));
        assertThrows(IllegalArgumentException.class, () -> ValueText.typeOf(null));
    }

    @Test
    void cutsTextAndEncodesOnlyTheBytesThatFit() {
        assertEquals("abc", ValueText.render("abcdef", 3));
        byte[] big = new byte[1_000_000];
        big[0] = (byte) 0xff;
        String head = ValueText.render(big, 100);
        assertEquals(99, head.length(), "prefix plus whole groups of 4 characters that fit");
        assertEquals(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 0}), head.substring(7, 11));
        assertEquals(7 + 4 * 333_334, ValueText.textLength(big));
        assertEquals(1_000_000, ValueText.lengthOf(big));
        assertEquals(ValueText.render(big).length(), ValueText.textLength(big));
        assertEquals(3, ValueText.lengthOf("abc"));
        assertEquals(4, ValueText.lengthOf(-123L));
    }
}
