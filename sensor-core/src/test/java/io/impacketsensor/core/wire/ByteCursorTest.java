package io.impacketsensor.core.wire;

import org.junit.jupiter.api.Test;

import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every primitive, every width, both byte orders, every truncation point (synthetic bytes). */
class ByteCursorTest {
    /** 0x01 0x02 ... 0x08 then 0xF1..0xF8 (high bits set, to catch sign extension). */
    private static final byte[] BYTES = {1, 2, 3, 4, 5, 6, 7, 8,
            (byte) 0xF1, (byte) 0xF2, (byte) 0xF3, (byte) 0xF4, (byte) 0xF5, (byte) 0xF6, (byte) 0xF7, (byte) 0xF8};

    private record Primitive(String name, int width, ToLongFunction<ByteCursor> read, long low, long high) {
    }

    /** Expected values at offset 0 ("low": bytes 01..) and offset 8 ("high": bytes F1..). */
    private static final Primitive[] PRIMITIVES = {
        new Primitive("u8", 1, ByteCursor::u8, 0x01, 0xF1),
        new Primitive("u16le", 2, ByteCursor::u16le, 0x0201, 0xF2F1),
        new Primitive("u16be", 2, ByteCursor::u16be, 0x0102, 0xF1F2),
        new Primitive("i32le", 4, ByteCursor::i32le, 0x04030201, (int) 0xF4F3F2F1),
        new Primitive("i32be", 4, ByteCursor::i32be, 0x01020304, (int) 0xF1F2F3F4),
        new Primitive("u32le", 4, ByteCursor::u32le, 0x04030201L, 0xF4F3F2F1L),
        new Primitive("u32be", 4, ByteCursor::u32be, 0x01020304L, 0xF1F2F3F4L),
        new Primitive("i64le", 8, ByteCursor::i64le, 0x0807060504030201L, 0xF8F7F6F5F4F3F2F1L),
        new Primitive("i64be", 8, ByteCursor::i64be, 0x0102030405060708L, 0xF1F2F3F4F5F6F7F8L),
    };

    @Test
    void everyPrimitiveReadsBothOrdersWithoutSignExtension() {
        for (Primitive p : PRIMITIVES) {
            ByteCursor c = new ByteCursor(BYTES, 0, BYTES.length);
            assertEquals(p.low, p.read.applyAsLong(c), p.name);
            assertEquals(p.width, c.position(), p.name + " advances by its width");
            c.seek(8);
            assertEquals(p.high, p.read.applyAsLong(c), p.name + " high bytes");
            assertTrue(c.ok(), p.name);
        }
    }

    @Test
    void everyPrimitiveAtEveryTruncationPointFailsStickyAndReturnsZero() {
        for (Primitive p : PRIMITIVES) {
            for (int avail = 0; avail < p.width; avail++) {
                // Window of `avail` bytes inside a larger array: bytes past the window must not be read.
                ByteCursor c = new ByteCursor(BYTES, 8, avail);
                assertEquals(0, p.read.applyAsLong(c), p.name + " with " + avail + " bytes");
                assertFalse(c.ok(), p.name + " with " + avail + " bytes sets the error");
                assertEquals(0, c.remaining(), "a failed read leaves the cursor at the end");
                // Sticky: even a read that would fit now returns 0 and the flag stays.
                assertEquals(0, c.u8());
                assertFalse(c.ok());
            }
            ByteCursor exact = new ByteCursor(BYTES, 8, p.width);
            assertEquals(p.high, p.read.applyAsLong(exact), p.name + " exact fit");
            assertTrue(exact.ok());
            assertFalse(exact.hasRemaining());
        }
    }

    @Test
    void truncationAfterEarlierReads() {
        for (Primitive p : PRIMITIVES) {
            for (int len = 1; len <= BYTES.length; len++) {
                ByteCursor c = new ByteCursor(BYTES, 0, len);
                int reads = 0;
                while (c.remaining() >= p.width) {
                    p.read.applyAsLong(c);
                    reads++;
                }
                assertTrue(c.ok());
                assertEquals(len / p.width, reads);
                if (c.hasRemaining()) {
                    assertEquals(0, p.read.applyAsLong(c));
                    assertFalse(c.ok());
                }
            }
        }
    }

    @Test
    void wrapClearsTheErrorAndRejectsBadWindows() {
        ByteCursor c = new ByteCursor(BYTES, 0, 1);
        c.u16le();
        assertFalse(c.ok());
        assertSame(c, c.wrap(BYTES, 2, 4));
        assertTrue(c.ok());
        assertEquals(3, c.u8());
        assertEquals(2, c.arrayStart());
        assertEquals(4, c.length());
        assertFalse(new ByteCursor(BYTES, -1, 2).ok());
        assertFalse(new ByteCursor(BYTES, 0, -1).ok());
        assertFalse(new ByteCursor(BYTES, 10, 7).ok());
        assertFalse(new ByteCursor(BYTES, Integer.MAX_VALUE, 2).ok(), "off + len overflow");
        ByteCursor bad = new ByteCursor(BYTES, 17, 0);
        assertFalse(bad.ok());
        assertEquals(0, bad.remaining());
        assertTrue(new ByteCursor(BYTES, 16, 0).ok(), "an empty window at the end is valid");
    }

    @Test
    void skipBounds() {
        ByteCursor c = new ByteCursor(BYTES, 4, 8);
        c.skip(8);
        assertTrue(c.ok());
        assertEquals(8, c.position());
        c = new ByteCursor(BYTES, 4, 8);
        c.skip(9);
        assertFalse(c.ok());
        assertEquals(8, c.position(), "a failed skip moves to the end");
        c = new ByteCursor(BYTES, 4, 8);
        c.skip(-1);
        assertFalse(c.ok(), "a negative skip is an error, not a rewind");
        c = new ByteCursor(BYTES, 4, 8);
        c.skip(0);
        assertTrue(c.ok());
    }

    @Test
    void seekIsRelativeToTheWindowAndBounded() {
        ByteCursor c = new ByteCursor(BYTES, 4, 8);
        c.seek(3);
        assertEquals(8, c.u8());
        assertEquals(8, c.arrayPosition());
        c.seek(0);
        assertEquals(5, c.u8());
        c.seek(8);
        assertTrue(c.ok(), "seeking to the end is allowed");
        assertFalse(c.hasRemaining());
        c.seek(9);
        assertFalse(c.ok());
        c = new ByteCursor(BYTES, 4, 8);
        c.seek(-1);
        assertFalse(c.ok());
    }

    @Test
    void sliceBounds() {
        ByteCursor c = new ByteCursor(BYTES, 2, 10);
        c.skip(1);
        ByteCursor s = c.slice(4, new ByteCursor());
        assertTrue(s.ok());
        assertEquals(4, s.length());
        assertEquals(4, s.u8());
        assertEquals(5, c.position(), "the parent moves past the slice");
        s.skip(3);
        assertEquals(0, s.u8(), "a slice cannot read past its own end");
        assertFalse(s.ok());
        assertTrue(c.ok(), "a slice's error does not touch the parent");
        ByteCursor tooLong = c.slice(6, new ByteCursor());
        assertFalse(tooLong.ok());
        assertEquals(0, tooLong.remaining());
        assertEquals(5, c.position(), "a failed slice does not move the parent");
        assertTrue(c.ok(), "has()-checked: the parent's flag is untouched");
        ByteCursor exact = c.slice(5, new ByteCursor());
        assertTrue(exact.ok());
        assertEquals(5, exact.length());
    }

    @Test
    void hasInBoundsAndPeek() {
        ByteCursor c = new ByteCursor(BYTES, 4, 8);
        assertTrue(c.has(8));
        assertFalse(c.has(9));
        assertFalse(c.has(-1));
        assertTrue(c.ok(), "has() never sets the error");
        assertTrue(c.inBounds(0, 8));
        assertTrue(c.inBounds(8, 0));
        assertFalse(c.inBounds(4, 5));
        assertFalse(c.inBounds(-1, 1));
        assertFalse(c.inBounds(1, -1));
        assertFalse(c.inBounds(Long.MAX_VALUE, 1), "offset + length must not overflow into range");
        assertFalse(c.inBounds(1, Long.MAX_VALUE));
        assertFalse(c.inBounds(0xFFFF_FFFFL, 0xFFFF_FFFFL));
        assertEquals(5, c.peekU8(0));
        assertEquals(0xF4, c.peekU8(7));
        assertEquals(-1, c.peekU8(8));
        assertEquals(-1, c.peekU8(-1));
        assertEquals(0, c.position(), "peek does not move");
    }

    @Test
    void copyBytes() {
        ByteCursor c = new ByteCursor(BYTES, 0, 4);
        assertArrayEquals(new byte[] {1, 2}, c.copyBytes(2));
        assertArrayEquals(new byte[0], c.copyBytes(3));
        assertFalse(c.ok());
        ByteCursor n = new ByteCursor(BYTES, 0, 4);
        assertArrayEquals(new byte[0], n.copyBytes(-1));
        assertFalse(n.ok());
    }

    @Test
    void failIsSticky() {
        ByteCursor c = new ByteCursor(BYTES, 0, 16);
        c.fail();
        assertFalse(c.ok());
        c.u8();
        assertFalse(c.ok());
    }
}
