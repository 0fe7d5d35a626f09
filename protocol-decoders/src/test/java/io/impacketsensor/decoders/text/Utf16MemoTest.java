package io.impacketsensor.decoders.text;

import io.impacketsensor.core.wire.Utf16;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** synthetic: a field gives back its recent Strings for the same bytes, and always what Utf16.decode gives. */
class Utf16MemoTest {

    private static String decode(int slot, String s) {
        byte[] b = ("xx" + s).getBytes(StandardCharsets.UTF_16LE);
        return Utf16Memo.decode(slot, b, 4, b.length - 4);
    }

    @Test
    void aFieldFindsEachOfItsRecentNamesAgain() {
        List<String> pipes = List.of("svcctl", "srvsvc", "lsarpc", "samr");
        String[] first = new String[pipes.size()];
        for (int i = 0; i < pipes.size(); i++) {
            first[i] = decode(Utf16Memo.SMB2_CREATE, pipes.get(i));
            assertEquals(pipes.get(i), first[i]);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < pipes.size(); i++) {
                assertSame(first[i], decode(Utf16Memo.SMB2_CREATE, pipes.get(i)));
            }
        }
        assertEquals("winreg", decode(Utf16Memo.SMB2_CREATE, "winreg"));
        assertNotSame(first[0], decode(Utf16Memo.SMB2_CREATE, "svcctl"), "the oldest entry was replaced");
    }

    @Test
    void fieldsDoNotEvictEachOther() {
        String share = decode(Utf16Memo.SMB2_TREE, "\\\\dc1\\IPC$");
        for (int i = 0; i < 10; i++) {
            decode(Utf16Memo.SMB2_CREATE, "file" + i);
        }
        assertSame(share, decode(Utf16Memo.SMB2_TREE, "\\\\dc1\\IPC$"));
    }

    @Test
    void sameAsUtf16DecodeOnAndOffTheLatin1Path() {
        for (String s : new String[] {"Administrator", "caf\u00e9", "\u0416\u0443\u043a", "a\ud83d\ude00b", "x\u0000\u0000",
                "y".repeat(300), "z\u0100".repeat(200)}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
            for (int k = 0; k < 2; k++) {
                assertEquals(Utf16.decode(b, 0, b.length), Utf16Memo.decode(Utf16Memo.NDR_STRING, b, 0, b.length), s);
            }
        }
    }
}
