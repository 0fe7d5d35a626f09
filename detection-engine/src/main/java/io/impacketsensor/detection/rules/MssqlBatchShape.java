package io.impacketsensor.detection.rules;

/**
 * What a SQL batch's text does, as one bit set, for the {@code mssql.batch_shape} field, and the UNC
 * path a file procedure of it names ({@code coerce.path}, {@code coerce.host} on a batch). Computed
 * once per batch text on each thread: every rule over these fields reads the same value.
 *
 * <p>Read from the bounded prefix the TDS decoder keeps (MS-TDS 2.2.6.7 SQLText), case-insensitive,
 * as T-SQL spells the calls Impacket's mssqlclient.py and ntlmrelayx's MSSQL client send
 * ({@code exec master..xp_cmdshell 'whoami'}, {@code exec master.dbo.sp_configure 'xp_cmdshell', 1},
 * {@code EXEC master..xp_dirtree '\\host\share'}). Text built at run time ({@code EXEC('xp_'+'cmdshell')})
 * or hidden in a procedure the batch calls is not visible here.
 */
public final class MssqlBatchShape {
    /** xp_cmdshell called: the server runs an operating-system command (the name not as a quoted option name). */
    public static final int XP_CMDSHELL = 1;
    /** {@code sp_configure 'xp_cmdshell', 1}: the command shell procedure enabled. */
    public static final int XP_CMDSHELL_ENABLE = 1 << 1;
    /** xp_dirtree, xp_fileexist or xp_subdirs on a UNC path: the server connects to that host and authenticates. */
    public static final int UNC_FILE_PROCEDURE = 1 << 2;

    /** The extended procedures that open a path given as their first argument (as the SQL Server service account). */
    private static final String[] FILE_PROCEDURES = {"xp_dirtree", "xp_fileexist", "xp_subdirs"};

    private MssqlBatchShape() {
    }

    /** The last text judged on this thread: its shape, and the file procedure, path and host it names. */
    private static final class Last {
        String text;
        int shape;
        String procedure;
        String path;
        String host;
    }

    private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(Last::new);

    /** The shape of {@code text} (0 for null or empty). */
    public static int of(String text) {
        return judge(text).shape;
    }

    /** The file procedure that names a UNC path ({@code xp_dirtree} ...), or null. */
    public static String procedure(String text) {
        return judge(text).procedure;
    }

    /** The UNC path a file procedure names ({@code \\host\share}), or null. */
    public static String path(String text) {
        return judge(text).path;
    }

    /** The host of that UNC path, or null. */
    public static String host(String text) {
        return judge(text).host;
    }

    /**
     * Judges {@code text} once: allocates only the path and host strings of a batch that names a
     * UNC path, which a rule then reports.
     */
    private static Last judge(String text) {
        Last l = LAST.get();
        if (l.text != text) {
            l.shape = 0;
            l.procedure = null;
            l.path = null;
            l.host = null;
            if (text != null && !text.isEmpty()) {
                compute(text, l);
            }
            l.text = text;
        }
        return l;
    }

    private static void compute(String s, Last l) {
        int shape = 0;
        for (int at = find(s, "xp_cmdshell", 0); at >= 0; at = find(s, "xp_cmdshell", at + 1)) {
            int end = at + "xp_cmdshell".length();
            int open = quoteBefore(s, at);
            if (open >= 0 && end < s.length() && s.charAt(end) == '\'') {
                // 'xp_cmdshell' as a whole literal is the option name of sp_configure (MS: sp_configure
                // (Transact-SQL)); the value after it decides whether the batch enables the procedure.
                if (find(s, "sp_configure", 0) >= 0 && enablesValue(s, end + 1)) {
                    shape |= XP_CMDSHELL_ENABLE;
                }
            } else {
                shape |= XP_CMDSHELL;
            }
        }
        for (String p : FILE_PROCEDURES) {
            for (int at = find(s, p, 0); at >= 0 && l.path == null; at = find(s, p, at + 1)) {
                uncArgument(s, at + p.length(), p, l);
            }
        }
        if (l.path != null) {
            shape |= UNC_FILE_PROCEDURE;
        }
        l.shape = shape;
    }

    /** The first argument after a file procedure's name, when it is a string literal holding a UNC path. */
    private static void uncArgument(String s, int i, String procedure, Last l) {
        i = skipSpace(s, i);
        if (i < s.length() && s.charAt(i) == '(') {
            i = skipSpace(s, i + 1);
        }
        if (i < s.length() && (s.charAt(i) == 'N' || s.charAt(i) == 'n')) {
            i++; // N'...' Unicode literal
        }
        if (i + 3 > s.length() || s.charAt(i) != '\'') {
            return;
        }
        int p = i + 1;
        char a = s.charAt(p);
        if (!((a == '\\' || a == '/') && p + 1 < s.length() && s.charAt(p + 1) == a)) {
            return;
        }
        int hostStart = p + 2;
        int hostEnd = hostStart;
        while (hostEnd < s.length()) {
            char c = s.charAt(hostEnd);
            if (c == '\\' || c == '/' || c == '\'' || c <= ' ') {
                break;
            }
            hostEnd++;
        }
        if (hostEnd == hostStart) {
            return;
        }
        int close = s.indexOf('\'', hostEnd);
        l.procedure = procedure;
        l.path = s.substring(p, close < 0 ? s.length() : close);
        l.host = s.substring(hostStart, hostEnd);
    }

    /** After an option name literal: {@code , 1} or {@code , @configvalue = 1} (spaces allowed). */
    private static boolean enablesValue(String s, int i) {
        i = skipSpace(s, i);
        if (i >= s.length() || s.charAt(i) != ',') {
            return false;
        }
        i = skipSpace(s, i + 1);
        if (i < s.length() && s.charAt(i) == '@') {
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                return false;
            }
            i = skipSpace(s, eq + 1);
        }
        return i < s.length() && s.charAt(i) == '1' && (i + 1 == s.length() || !Character.isDigit(s.charAt(i + 1)));
    }

    /** The position of the quote that opens a literal right before {@code at} ({@code '} or {@code N'}), or -1. */
    private static int quoteBefore(String s, int at) {
        return at > 0 && s.charAt(at - 1) == '\'' ? at - 1 : -1;
    }

    /** The next occurrence of {@code name} at or after {@code from} as a whole identifier, ignoring case, or -1. */
    static int find(String s, String name, int from) {
        int n = name.length();
        for (int i = from; i + n <= s.length(); i++) {
            if (Text.regionMatches(s, i, name, 0, n) && (i == 0 || !identifier(s.charAt(i - 1)))
                    && (i + n == s.length() || !identifier(s.charAt(i + n)))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean identifier(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '@' || c == '#'
                || c == '$';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
