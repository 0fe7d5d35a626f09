package io.impacketsensor.detection.eve;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Texts the record writers keep instead of making per record are the texts they made before. */
class KeptTextsTest {

    @Test
    void hex32IsTheFormattersText() {
        Random r = new Random(32);
        for (int i = 0; i < 20_000; i++) {
            // repeats, values sharing a slot, and everything else
            int v = i % 3 == 0 ? r.nextInt(8) : i % 3 == 1 ? r.nextInt(4) << 16 | r.nextInt(4) : r.nextInt();
            assertEquals(String.format("0x%08x", v), EveCommon.hex32(v));
        }
    }

    @Test
    void smbNamesAreTheConcatenatedTexts() {
        for (int code = -2; code < 300; code++) {
            String n = SmbNames.smb1CommandName(code);
            String smb1 = SmbNames.smb1Command(code);
            // a name Suricata spells, or the decimal code
            org.junit.jupiter.api.Assertions.assertTrue(n != null && smb1.equals("SMB1_COMMAND_" + n)
                    || smb1.equals(Integer.toString(code)), smb1);
            String smb2 = SmbNames.command(code);
            assertEquals(code >= 0 && code < 19 ? smb2 : Integer.toString(code), smb2);
        }
        assertEquals("SMB1_COMMAND_NT_CREATE_ANDX", SmbNames.smb1Command(0xa2));
        assertEquals("26", SmbNames.smb1Command(0x1a), "READ_RAW: Suricata has no name for it");
        assertEquals("SMB1_COMMAND_TRANS2", SmbNames.smb1Command(0x32));
        assertEquals("SMB2_COMMAND_CREATE", SmbNames.command(5));
        assertEquals("SMB2_COMMAND_OPLOCK_BREAK", SmbNames.command(18));
        for (int round = 0; round < 2; round++) {
            for (int d = -1; d < 0x1100; d++) {
                String expected = d == 0x02FF ? "2.??" : ((d >> 8) & 0xF) + "." + ((d >> 4) & 0xF) + (d & 0xF);
                assertEquals(expected, SmbNames.dialect(d));
            }
        }
        assertEquals("3.11", SmbNames.dialect(0x0311));
    }
}
