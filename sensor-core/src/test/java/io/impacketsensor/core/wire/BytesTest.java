package io.impacketsensor.core.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every width of {@link Bytes} in both orders, against {@link ByteBuffer} and hand-written values (synthetic bytes). */
class BytesTest {

    private static final byte[] B = {(byte) 0x80, 0x01, 0x02, (byte) 0xFF, 0x7F, 0x10, (byte) 0xC3, 0x44, (byte) 0x99, 0x00};

    @Test
    void knownValuesAtAnOffset() {
        assertEquals(0x0201, Bytes.u16le(B, 1));
        assertEquals(0x0102, Bytes.u16be(B, 1));
        assertEquals(0x80FF, Bytes.u16le(new byte[] {(byte) 0xFF, (byte) 0x80}, 0), "unsigned, no sign extension");
        assertEquals(0x8001_02, Bytes.u24be(B, 0));
        assertEquals(0xFF020180, Bytes.i32le(B, 0));
        assertEquals(0x800102FF, Bytes.i32be(B, 0));
        assertEquals(0xFF020180L, Bytes.u32le(B, 0), "unsigned 32 stays positive");
        assertEquals(0x800102FFL, Bytes.u32be(B, 0));
        assertEquals(0x44C3107FFF020180L, Bytes.i64le(B, 0));
        assertEquals(0x800102FF7F10C344L, Bytes.i64be(B, 0));
        assertEquals(0x0201, Bytes.u16(B, 1, true));
        assertEquals(0x0102, Bytes.u16(B, 1, false));
        assertEquals(0xFF020180, Bytes.i32(B, 0, true));
        assertEquals(0x800102FF, Bytes.i32(B, 0, false));
        assertEquals(0xFF020180L, Bytes.u32(B, 0, true));
        assertEquals(0x800102FFL, Bytes.u32(B, 0, false));
        assertEquals(0, Bytes.beN(B, 3, 0));
        assertEquals(0x800102L, Bytes.beN(B, 0, 3));
        assertEquals(0x020180L, Bytes.leN(B, 0, 3));
        assertEquals(Bytes.i64be(B, 2), Bytes.beN(B, 2, 8));
        assertEquals(Bytes.i64le(B, 2), Bytes.leN(B, 2, 8));
    }

    @Test
    void agreeWithByteBufferAndByteCursorOnRandomBytes() {
        SplittableRandom r = new SplittableRandom(21);
        byte[] b = new byte[64];
        for (int round = 0; round < 2000; round++) {
            r.nextBytes(b);
            int off = r.nextInt(b.length - 8);
            ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer be = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
            assertEquals(le.getShort(off) & 0xFFFF, Bytes.u16le(b, off));
            assertEquals(be.getShort(off) & 0xFFFF, Bytes.u16be(b, off));
            assertEquals(be.getInt(off) >>> 8, Bytes.u24be(b, off));
            assertEquals(le.getInt(off), Bytes.i32le(b, off));
            assertEquals(be.getInt(off), Bytes.i32be(b, off));
            assertEquals(le.getInt(off) & 0xFFFF_FFFFL, Bytes.u32le(b, off));
            assertEquals(be.getInt(off) & 0xFFFF_FFFFL, Bytes.u32be(b, off));
            assertEquals(le.getLong(off), Bytes.i64le(b, off));
            assertEquals(be.getLong(off), Bytes.i64be(b, off));
            assertEquals(be.getLong(off), Bytes.beN(b, off, 8));
            assertEquals(le.getLong(off), Bytes.leN(b, off, 8));
            ByteCursor c = new ByteCursor(b, off, 8);
            assertEquals(Bytes.i64le(b, off), c.i64le());
            c = new ByteCursor(b, off, 8);
            assertEquals(Bytes.i64be(b, off), c.i64be());
        }
    }

    /**
     * ASCII case-insensitive equality against the JDK's: for an ASCII needle, String.equalsIgnoreCase
     * of the bytes read as ISO-8859-1 folds exactly the letters; random bytes from an alphabet with
     * the characters around the letters ('@', '[', '`', '{'), digits, '-' and non-ASCII bytes.
     */
    @Test
    void equalsAsciiIgnoreCaseFoldsLettersOnly() {
        byte[] alphabet = {'a', 'A', 'z', 'Z', 'm', 'M', '@', '[', '`', '{', '0', '-', (byte) 0xC1, (byte) 0xE1};
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[2 + r.nextInt(4)];
            for (int i = 0; i < b.length; i++) {
                b[i] = alphabet[r.nextInt(alphabet.length)];
            }
            StringBuilder needle = new StringBuilder();
            for (int i = 0, len = 1 + r.nextInt(3); i < len; i++) {
                needle.append((char) alphabet[r.nextInt(alphabet.length - 2)]);
            }
            int off = r.nextInt(2);
            int len = Math.min(b.length - off, r.nextInt(4));
            String text = new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertEquals(text.equalsIgnoreCase(needle.toString()), Bytes.equalsAsciiIgnoreCase(b, off, len, needle.toString()),
                    text + " vs " + needle);
            assertEquals(text.chars().allMatch(c -> c < 0x80), Bytes.ascii(b, off, len), text);
        }
    }
}
