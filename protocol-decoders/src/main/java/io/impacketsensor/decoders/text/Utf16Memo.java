package io.impacketsensor.decoders.text;

import io.impacketsensor.core.wire.Utf16;

/**
 * {@link Utf16#decode} that gives back the String it made last for the same field when the bytes are
 * the same: the names in events repeat (the {@code \PIPE\} of every SMB1 transaction, a client's
 * user, domain and workstation in each NTLM login, the server's names in each challenge, the share
 * and pipe names connection after connection, the addresses a DCOM server gives in each answer), and a repeated name then costs a comparison instead
 * of two arrays and a String. Equal bytes decode to an equal String, so events are unchanged.
 *
 * <p>One memo per decode thread (a worker decodes one connection at a time, and its analyzers run
 * only on it); a field has its own {@value #WAYS} entries, replaced in turn, so different fields do
 * not evict each other and a field that alternates among a few names (the pipes a tool opens, the
 * shares and files of a session) finds each again.
 */
public final class Utf16Memo {
    public static final int SMB1_TREE = 0;
    public static final int SMB1_FILE = 1;
    public static final int SMB1_TRANSACTION = 2;
    public static final int SMB1_NATIVE_OS = 3;
    public static final int SMB1_NATIVE_LM = 4;
    public static final int SMB1_ACCOUNT = 5;
    public static final int SMB1_DOMAIN = 6;
    public static final int SMB2_TREE = 7;
    public static final int SMB2_CREATE = 8;
    public static final int NTLM_TARGET = 9;
    public static final int NTLM_NB_DOMAIN = 10;
    public static final int NTLM_NB_COMPUTER = 11;
    public static final int NTLM_DNS_DOMAIN = 12;
    public static final int NTLM_DNS_COMPUTER = 13;
    public static final int NTLM_DOMAIN = 14;
    public static final int NTLM_USER = 15;
    public static final int NTLM_WORKSTATION = 16;
    public static final int NTLM_AV_TARGET = 17;
    public static final int NDR_STRING = 18;
    public static final int SMB1_SERVER_OS = 19;
    public static final int SMB1_SERVER_LM = 20;
    public static final int SMB2_QUERY_DIRECTORY = 21;
    public static final int DCOM_BINDING = 22;
    private static final int SLOTS = 23;
    /** Longer names are decoded every time (the memo holds at most this per slot). */
    private static final int MAX_BYTES = 512;

    private static final ThreadLocal<Utf16Memo> MEMO = ThreadLocal.withInitial(Utf16Memo::new);

    /** Entries per field. */
    static final int WAYS = 4;

    /** Each field's recent byte strings ({@value #WAYS}, replaced in turn) and the Strings made of them. */
    private final RecentBytes[] raw = new RecentBytes[SLOTS];
    private final String[] text = new String[SLOTS * WAYS];
    /** Where a miss gathers its Latin-1 characters ({@link Utf16#decode(byte[], int, int, byte[])}). */
    private final byte[] scratch = new byte[MAX_BYTES / 2];

    private Utf16Memo() {
        for (int i = 0; i < SLOTS; i++) {
            raw[i] = new RecentBytes(WAYS, MAX_BYTES, 64);
        }
    }

    /** {@link Utf16#decode}{@code (b, off, len)}, this thread's last String of {@code slot} when the bytes are the same. */
    public static String decode(int slot, byte[] b, int off, int len) {
        if (off < 0 || len <= 0 || off > b.length - len) {
            return "";
        }
        return MEMO.get().lookup(slot, b, off, len);
    }

    private String lookup(int slot, byte[] b, int off, int len) {
        RecentBytes seen = raw[slot];
        int i = seen.find(b, off, len);
        if (i >= 0) {
            return text[slot * WAYS + i];
        }
        String s = Utf16.decode(b, off, len, scratch);
        i = seen.keep(b, off, len);
        if (i >= 0) {
            text[slot * WAYS + i] = s;
        }
        return s;
    }
}
